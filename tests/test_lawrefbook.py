"""LawRefBook as published: folders, archives, db.sqlite3, versions, one-paragraph instruments,
duplicates, --keep-going; the real ../shared/data/lawrefbook where present (marked shared).

The synthetic corpora below are made-up instruments (甲条例 …) in LawRefBook's layout, written here
to pin edge cases; real statute texts are only read from ../shared at run time."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import tarfile
import uuid
import zipfile
from pathlib import Path

import pytest
from conftest import LAWREFBOOK, LAWREFBOOK_FOLDERS as FOLDERS, SEED, SHARED, run_cli

from falv.errors import ImportRejected
from falv.law import sources
from falv.law.importer import import_files
from falv.law.models import FULL_TEXT, HISTORICAL, IN_FORCE, REPEALED



def _doc(title: str, dates: list[str], body: str) -> str:
    info = "\n\n".join(dates)
    return f"# {title}\n\n{info}\n\n<!-- INFO END -->\n\n{body}\n"


def make_corpus(root: Path, with_db: bool = False) -> Path:
    """A small LawRefBook tree: two versions, a one-paragraph 批复, a duplicate, an index page."""
    (root / "行政法规").mkdir(parents=True)
    (root / "司法解释").mkdir()
    (root / "部门规章" / "某部").mkdir(parents=True)
    (root / "行政法规" / "甲条例(2010-01-01).md").write_text(_doc(
        "中华人民共和国甲条例", ["2010年1月1日 国务院令第1号公布", "2010年3月1日 施行"],
        "## 第一章 总则\n\n第一条 为了甲事，制定本条例。\n\n第二条 甲事由甲部门主管。"), "utf-8")
    (root / "行政法规" / "甲条例(2020-05-01).md").write_text(_doc(
        "中华人民共和国甲条例", ["2010年1月1日 国务院令第1号公布", "2020年5月1日 第一次修订"],
        "## 第一章 总则\n\n第一条 为了甲事和乙事，制定本条例。\n\n第二条 甲事由甲部门主管。\n\n"
        "第三条 乙事由乙部门主管。"), "utf-8")
    reply = _doc("某法院关于丙问题的批复", ["2015年3月3日 审判委员会通过"],
                 "某高级人民法院：\n\n你院关于丙问题的请示收悉。经研究，答复如下：丙事按丁办理。\n\n此复。")
    (root / "司法解释" / "某法院关于丙问题的批复(2015-03-03).md").write_text(reply, "utf-8")
    (root / "司法解释" / "某法院关于丙问题的批复.md").write_text(reply, "utf-8")  # a true duplicate
    (root / "司法解释" / "某法院关于戊问题的解释(2001-01-01).md").write_text(_doc(
        "某法院关于戊问题的解释", ["2001年1月1日 通过"], "第一条 戊事从宽。\n\n第二条 本解释自公布之日起施行。"),
        "utf-8")
    (root / "司法解释" / "_index.md").write_text("---\nbookCollapseSection: true\n---\n", "utf-8")
    (root / "部门规章" / "某部" / "己办法(2019-01-01).md").write_text(_doc(
        "己办法", ["2019年1月1日 某部令第2号公布"], "第一条 己事登记。"), "utf-8")
    if with_db:
        conn = sqlite3.connect(root / "db.sqlite3")
        conn.executescript(
            "CREATE TABLE category (id TEXT PRIMARY KEY, name TEXT, folder TEXT, isSubFolder INTEGER,"
            " 'group' TEXT, 'order' INTEGER);"
            "CREATE TABLE law (id TEXT PRIMARY KEY, level TEXT, name TEXT, filename TEXT, publish DATE,"
            " expired INTEGER, 'order' INTEGER, subtitle TEXT, valid_from DATE, ver INTEGER, tags TEXT,"
            " category_id TEXT);"
            "INSERT INTO category VALUES ('c1','司法解释','司法解释',1,NULL,NULL),"
            " ('c2','行政法规','行政法规',1,NULL,NULL);"
            "INSERT INTO law VALUES ('a','行政法规','甲条例',NULL,'2010-01-01',0,NULL,NULL,'2010-03-01',1,NULL,'c2'),"
            " ('b','行政法规','甲条例',NULL,'2020-05-01',0,NULL,NULL,NULL,0,NULL,'c2'),"
            " ('c','司法解释','某法院关于戊问题的解释',NULL,'2001-01-01',1,NULL,NULL,'2001-01-02',1,NULL,'c1'),"
            " ('d','司法解释','某法院关于丙问题的批复',NULL,'2015-03-03',0,NULL,NULL,NULL,1,NULL,'c1');")
        conn.commit()
        conn.close()
    return root


def laws_in(db_file: Path) -> dict[tuple[str, str], tuple]:
    conn = sqlite3.connect(db_file)
    rows = conn.execute("SELECT title, version, doc_type, status, publish_date, effective_date,"
                        " content_hash FROM laws").fetchall()
    conn.close()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_folder_without_db_versions_kinds_dates_full_text(tmp_path, falv_home):
    root = make_corpus(tmp_path / "Laws")
    report = import_files(falv_home / "falv.db", [root])
    laws = laws_in(falv_home / "falv.db")
    assert laws[("中华人民共和国甲条例", "2020-05-01")][:2] == ("行政法规", IN_FORCE)
    assert laws[("中华人民共和国甲条例", "2010-01-01")][:2] == ("行政法规", HISTORICAL)
    assert laws[("中华人民共和国甲条例", "2010-01-01")][2:4] == ("2010-01-01", "2010-03-01")  # 施行 line
    assert laws[("己办法", "2019-01-01")][:2] == ("部门规章", IN_FORCE)  # 部门规章/某部/…
    assert laws[("某法院关于丙问题的批复", "2015-03-03")][:2] == ("司法解释", IN_FORCE)
    assert len(laws) == 5  # _index.md is not a statute; the duplicate is stored once
    assert [Path(d["file"]).name for d in report.duplicates] == ["某法院关于丙问题的批复.md"]


def test_one_paragraph_instrument_is_one_full_text_article(tmp_path, falv_home, capsys, monkeypatch):
    root = make_corpus(tmp_path / "Laws")
    import_files(None, [root])
    source = (root / "司法解释" / "某法院关于丙问题的批复(2015-03-03).md").read_text("utf-8")
    body = [line for line in source.split("<!-- INFO END -->")[1].splitlines() if line.strip()]
    code, out, _ = run_cli(capsys, "article", "某法院关于丙问题的批复", FULL_TEXT, "--json")
    assert code == 0
    assert json.loads(out)["text"].splitlines() == body
    code, out, _ = run_cli(capsys, "verify", "-", stdin="依据《某法院关于丙问题的批复》。".encode(),
                           monkeypatch=monkeypatch)
    assert code == 0 and FULL_TEXT in out and "✔" in out

    from falv.law.find import extract
    from falv.law.store import StatuteStore
    from falv.law.verify import verify

    with StatuteStore() as store:
        cit = next(c for c in extract("《某法院关于丙问题的批复》", ()) if c.law_text)
        assert verify(store, cit, body[1]).kind.value == "partial_quote"
        assert verify(store, cit, "丙事按戊办理。").kind.value == "mismatch"


def test_db_sqlite3_says_kind_dates_and_expired(tmp_path, falv_home):
    root = make_corpus(tmp_path / "Laws", with_db=True)
    # category folders named: their parent's db.sqlite3 is read only when named (issue 22)
    report = import_files(falv_home / "falv.db", [root / "司法解释", root / "行政法规"], dry_run=True)
    assert report.warnings == [f"未读取 {root / 'db.sqlite3'}：LawRefBook 元数据只从所给的目录或压缩包中读取"
                               f"（如需使用，请加 --metadata {root / 'db.sqlite3'}）"]
    import_files(falv_home / "falv.db", [root / "司法解释", root / "行政法规"], metadata=root / "db.sqlite3")
    laws = laws_in(falv_home / "falv.db")
    assert laws[("某法院关于戊问题的解释", "2001-01-01")][:2] == ("司法解释", REPEALED)  # expired = 1
    assert laws[("某法院关于戊问题的解释", "2001-01-01")][3] == "2001-01-02"  # valid_from
    assert laws[("中华人民共和国甲条例", "2020-05-01")][1] == IN_FORCE


def test_whole_repository_skips_laws_the_base_holds(tmp_path, falv_home, store):
    """Importing all of LawRefBook: its 案例 folder and its copies of base laws are skipped."""
    root = make_corpus(tmp_path / "Laws")
    title = next(l.title for l in store.laws() if l.source == "base" and l.doc_type == "法律")
    (root / "民法商法").mkdir()
    (root / "民法商法" / "某法(2020-01-01).md").write_text(_doc(title, ["2020年1月1日 通过"], "第一条 某。"), "utf-8")
    (root / "案例").mkdir()
    (root / "案例" / "某案.md").write_text(_doc("某案", [], "第一条 某。"), "utf-8")
    conn = sqlite3.connect(root / "db.sqlite3")
    conn.executescript("CREATE TABLE law (name TEXT, level TEXT, publish DATE, expired INTEGER, valid_from DATE);")
    conn.execute("INSERT INTO law VALUES ('某法', '法律', '2020-01-01', 0, NULL)")
    conn.commit()
    conn.close()
    (root / "NOTES.md").write_text(_doc("说明", [], "第一条 这是仓库说明。"), "utf-8")  # beside db.sqlite3
    report = import_files(store, [root])
    assert title not in {l.title for l in report.laws} and len(report.laws) == 5
    assert {Path(s["file"]).name for s in report.skipped} == {"案例", "某法(2020-01-01).md", "NOTES.md"}


@pytest.mark.skipif(shutil.which("zip") is None, reason="needs the Info-ZIP `zip` command")
def test_zip_with_utf8_names_but_no_utf8_flag(tmp_path, falv_home):
    """Info-ZIP on Linux writes UTF-8 names without the flag that says so; the folder names (the
    category) must still read as 司法解释 / 行政法规."""
    import subprocess

    root = make_corpus(tmp_path / "Laws")
    subprocess.run(["zip", "-qr", str(tmp_path / "laws.zip"), "Laws"], cwd=tmp_path, check=True,
                   env={"PATH": os.environ["PATH"], "LC_ALL": "C"}, timeout=60)
    import_files(tmp_path / "folder.db", [root])
    import_files(falv_home / "falv.db", [tmp_path / "laws.zip"])
    assert laws_in(falv_home / "falv.db") == laws_in(tmp_path / "folder.db")


def test_versions_imported_one_at_a_time(tmp_path, falv_home):
    root = make_corpus(tmp_path / "Laws")
    old, new = sorted((root / "行政法规").iterdir())
    import_files(falv_home / "falv.db", [new])
    import_files(falv_home / "falv.db", [old])  # an older version after the newer one
    laws = laws_in(falv_home / "falv.db")
    assert laws[("中华人民共和国甲条例", "2010-01-01")][1] == HISTORICAL
    (falv_home / "falv.db").unlink()
    import_files(falv_home / "falv.db", [old])
    import_files(falv_home / "falv.db", [new])  # a newer version after the older one
    laws = laws_in(falv_home / "falv.db")
    assert laws[("中华人民共和国甲条例", "2010-01-01")][1] == HISTORICAL
    assert laws[("中华人民共和国甲条例", "2020-05-01")][1] == IN_FORCE


def test_second_run_changes_nothing(tmp_path, falv_home):
    root = make_corpus(tmp_path / "Laws")
    import_files(falv_home / "falv.db", [root])
    before = laws_in(falv_home / "falv.db")
    again = import_files(falv_home / "falv.db", [root])
    assert not again.changed and {l.action for l in again.laws} == {"unchanged"}
    assert laws_in(falv_home / "falv.db") == before


def _zip(root: Path, target: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                zf.write(p, "Laws-master/" + p.relative_to(root).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return target


def _tgz(root: Path, target: Path) -> Path:
    with tarfile.open(target, "w:gz") as tf:
        tf.add(root, arcname="Laws-master")
    return target


@pytest.mark.parametrize("pack", [_zip, _tgz], ids=["zip", "tar.gz"])
def test_archive_imports_like_the_folder(pack, tmp_path, falv_home):
    root = make_corpus(tmp_path / "Laws", with_db=True)
    import_files(tmp_path / "folder.db", [root])
    archive = pack(root, tmp_path / ("laws.zip" if pack is _zip else "laws.tar.gz"))
    report = import_files(falv_home / "falv.db", [archive])
    assert laws_in(falv_home / "falv.db") == laws_in(tmp_path / "folder.db")
    assert all("!Laws-master/" in l.file for l in report.laws)


@pytest.mark.parametrize("member", ["../evil.md", "/etc/evil.md", "Laws/../../evil.md"])
def test_archive_path_traversal_is_rejected(member, tmp_path, falv_home):
    root = make_corpus(tmp_path / "Laws")
    archive = _zip(root, tmp_path / "laws.zip", {member: b"# x\n\n\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1 x"})
    with pytest.raises(ImportRejected, match="压缩包成员路径不安全"):
        import_files(falv_home / "falv.db", [archive])
    assert not (falv_home / "falv.db").exists() or laws_in(falv_home / "falv.db") == {}


def test_archive_bounds(tmp_path, falv_home, monkeypatch):
    root = make_corpus(tmp_path / "Laws")
    archive = _zip(root, tmp_path / "laws.zip")
    monkeypatch.setattr(sources, "MAX_FILES", 2)
    with pytest.raises(ImportRejected, match="压缩包中法规文件过多"):
        import_files(falv_home / "falv.db", [archive])
    monkeypatch.setattr(sources, "MAX_FILES", 20_000)
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 64)
    report = import_files(falv_home / "falv.db", [archive], keep_going=True)
    assert report.rejected and all("文件过大" in r["reason"] for r in report.rejected)
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportRejected, match="无法读取压缩包"):
        import_files(falv_home / "falv.db", [tmp_path / "bad.zip"])


def test_source_bounds(tmp_path, falv_home, monkeypatch):
    """Every bound of what one import reads (set low here; the defaults are in law/sources.py)."""
    root = make_corpus(tmp_path / "Laws", with_db=True)
    store = falv_home / "falv.db"

    def rejected(match: str, *paths):
        with pytest.raises(ImportRejected, match=match):
            import_files(store, list(paths) or [root])

    with monkeypatch.context() as m:
        m.setattr(sources, "MAX_FILES", 2)
        rejected("目录中文件过多")
        rejected("文件过多（上限", *sorted((root / "行政法规").iterdir()), root / "部门规章" / "某部" / "己办法(2019-01-01).md")
    with monkeypatch.context() as m:
        m.setattr(sources, "MAX_FILES", 1)
        rejected("压缩包成员过多（", _zip(root, tmp_path / "many.zip"))
        rejected("压缩包成员过多（超过", _tgz(root, tmp_path / "many.tar.gz"))
    with monkeypatch.context() as m:
        m.setattr(sources, "MAX_DEPTH", 1)
        rejected("目录层级过深")
        rejected("压缩包成员目录层级过深", _zip(root, tmp_path / "deep.zip"))
    with monkeypatch.context() as m:
        m.setattr(sources, "MAX_TOTAL_BYTES", 100)
        rejected("待导入文件合计过大")
        rejected("压缩包解压后过大", _tgz(root, tmp_path / "big.tar.gz"))
    with monkeypatch.context() as m:
        m.setattr(sources, "MAX_META_BYTES", 100)
        rejected("压缩包中的 db.sqlite3 过大", _zip(root, tmp_path / "meta.zip"))
    assert not store.exists() or laws_in(store) == {}


def test_tar_links_are_not_followed(tmp_path, falv_home):
    root = make_corpus(tmp_path / "Laws")
    target = tmp_path / "laws.tar"
    with tarfile.open(target, "w") as tf:
        tf.add(root, arcname="Laws")
        link = tarfile.TarInfo("Laws/司法解释/link.md")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
    report = import_files(falv_home / "falv.db", [target])
    assert not any("link.md" in l.file for l in report.laws)


def test_keep_going_stores_the_good_and_reports_the_bad(tmp_path, falv_home, capsys):
    root = make_corpus(tmp_path / "Laws")
    bad = root / "行政法规" / "坏条例(2021-01-01).md"
    bad.write_bytes(_doc("坏条例", ["2021年1月1日 公布"], "第一条 坏").encode() + b"\n\xff\xfe\n")
    line = bad.read_bytes().count(b"\n", 0, bad.read_bytes().index(b"\xff")) + 1
    with pytest.raises(ImportRejected, match="UTF-8"):  # default: all or nothing
        import_files(falv_home / "falv.db", [root])
    assert not (falv_home / "falv.db").exists() or laws_in(falv_home / "falv.db") == {}

    code, out, _ = run_cli(capsys, "statutes", "import", str(root), "--keep-going")
    assert code == 0
    assert f"已拒绝：{bad}:{line}: 不是有效的 UTF-8 文本" in out
    assert "重复，已跳过" in out and "拒绝 1 个文件" in out
    assert len(laws_in(falv_home / "falv.db")) == 5
    code, out, _ = run_cli(capsys, "statutes", "import", str(root), "--keep-going", "--json")
    report = json.loads(out)
    assert not report["changed"] and report["rejected"][0]["location"] == f"{bad}:{line}"


def test_article_version_option(tmp_path, falv_home, capsys):
    root = make_corpus(tmp_path / "Laws")
    import_files(None, [root])
    code, out, _ = run_cli(capsys, "article", "甲条例", "1", "--json")
    current = json.loads(out)
    code, out, _ = run_cli(capsys, "article", "甲条例", "1", "--version", "2010", "--json")
    old = json.loads(out)
    assert current["status"] == IN_FORCE and old["status"] == HISTORICAL
    assert current["text"] != old["text"]
    code, _, err = run_cli(capsys, "article", "甲条例", "1", "--version", "1999")
    assert code == 2 and "没有版本 1999" in err and "2010-01-01" in err


def test_search_keeps_kinds_apart(small_store, tmp_path, capsys):
    """Imported regulations and interpretations never enter the law ranking; they are grouped."""
    from falv.search.retrieve import Searcher

    question = "个人信息 甲事 乙事 丙事"
    before = [h.article.key for h in Searcher(small_store).search(question)]
    root = make_corpus(tmp_path / "Laws")
    import_files(small_store, [root])
    s = Searcher(small_store)
    assert [h.article.key for h in s.search(question)] == before
    groups = dict(s.groups(question))
    assert "行政法规" in groups and "司法解释" in groups
    assert list(groups) == [k for k in ("司法解释", "行政法规", "部门规章") if k in groups]
    assert groups["行政法规"][0].article.law.title == "中华人民共和国甲条例"
    assert all(h.article.law.status == IN_FORCE for hs in groups.values() for h in hs)
    # a cited interpretation still comes first in the ranking
    assert s.search("某法院关于戊问题的解释第一条")[0].article.key == ("某法院关于戊问题的解释", "第一条")


# -- the real LawRefBook folders (../shared) ------------------------------------------------------

@pytest.fixture(scope="session")
def lawrefbook_db(tmp_path_factory):
    """falv.db with the three shared LawRefBook folders imported with --keep-going, once."""
    if not LAWREFBOOK.is_dir():
        pytest.skip(f"../shared/data/lawrefbook is absent ({LAWREFBOOK}): LawRefBook's files are not "
                    "committed to the repo, so tests that need them skip here")
    path = tmp_path_factory.mktemp("lawrefbook") / "falv.db"
    report = import_files(path, [LAWREFBOOK / f for f in FOLDERS], keep_going=True,
                          metadata=LAWREFBOOK / "db.sqlite3")
    return path, report


@pytest.fixture
def lawrefbook_home(lawrefbook_db, falv_home):
    falv_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(lawrefbook_db[0], falv_home / "falv.db")
    return falv_home


@pytest.mark.shared
def test_real_folders_store_every_instrument(lawrefbook_db):
    _, report = lawrefbook_db
    files = [p for f in FOLDERS for p in (LAWREFBOOK / f).rglob("*.md") if not p.name.startswith("_")]
    assert report.rejected == []
    assert len(report.laws) + len(report.duplicates) == len(files)
    assert len(report.laws) >= 0.99 * len(files)  # only true duplicates are left out
    assert all(d["title"] in {l.title for l in report.laws} for d in report.duplicates)
    assert any(l.articles == 1 for l in report.laws)  # one-paragraph 批复 are in


@pytest.mark.shared
def test_real_versions_and_statuses(lawrefbook_home, capsys):
    from falv.law.store import StatuteStore

    with StatuteStore() as store:
        title = next(t for t in store.titles() if t.endswith("专利法实施细则"))
        versions = {l.version: l.status for l in store.laws_by_title(title)}
        assert versions == {"2023-12-11": IN_FORCE, "2010-01-09": HISTORICAL}
        texts = {v: store.article(store.law_version(title, v).law_id, "第一条").text for v in versions}
        marriage = next(l for l in store.laws() if "婚姻法" in l.title and l.title.endswith("解释（一）"))
        assert marriage.status != IN_FORCE
    code, out, _ = run_cli(capsys, "article", "专利法实施细则", "1", "--json")
    assert code == 0 and json.loads(out)["text"] == texts["2023-12-11"]
    code, out, _ = run_cli(capsys, "article", "专利法实施细则", "1", "--version", "2010-01-09", "--json")
    assert code == 0 and json.loads(out)["text"] == texts["2010-01-09"]


@pytest.mark.shared
def test_real_seed_verify(lawrefbook_home, capsys):
    code, out, _ = run_cli(capsys, "verify", str(SEED), "--json")
    rows = json.loads(out)["citations"]
    fifth = [r for r in rows if "侵犯公民个人信息刑事案件" in (r["law"] or "") and r["article"] == "第五条"]
    assert fifth and all(r["verdict"] == "ok" for r in fifth)
    decision = [r for r in rows if "加强网络信息保护的决定" in (r["law"] or "")]
    assert decision and all(r["verdict"] == "unverifiable" for r in decision)


@pytest.mark.shared
def test_real_second_run_changes_nothing(lawrefbook_home):
    report = import_files(lawrefbook_home / "falv.db", [LAWREFBOOK / "部门规章", LAWREFBOOK / "行政法规"],
                          keep_going=True, metadata=LAWREFBOOK / "db.sqlite3")
    assert not report.changed


@pytest.mark.shared
def test_real_old_number_and_text_is_superseded_version(lawrefbook_home):
    """A citation of 专利法实施细则 by its 2010 number, quoting the 2010 text, is superseded_version
    with the 2023 number as replacement (paired from the two stored versions' texts)."""
    from falv.law.amendments import renumberings
    from falv.law.store import StatuteStore
    from falv.law.verify import verify_text

    with StatuteStore() as store:
        title = next(t for t in store.titles() if t.endswith("专利法实施细则"))
        renum = next(r for r in renumberings(store, title) if r.kind == "version")
        old_no, new_nos = next((o, n) for o, n in renum.old_to_new.items()
                               if n != [o] and o not in n and store.article(renum.old_law.law_id, o))
        old_text = store.article(renum.old_law.law_id, old_no).text.splitlines()[0]
        [checked] = [c for c in verify_text(store, f"《专利法实施细则》{old_no}规定：“{old_text}”", quotes=True)
                     if c.to_dict()["article"] == old_no or c.to_dict()["verdict"] != "ok"]
        d = checked.to_dict()
        assert d["verdict"] == "superseded_version" and new_nos[0] in d["replacement"]


@pytest.mark.shared
def test_real_crime_names_lend_their_article(lawrefbook_home):
    """The imported 罪名意见 and 确定罪名的补充规定 name the 刑法 article of each crime: a
    question naming 诈骗罪 gets 第二百六十六条 first (via crime), a crime renamed in 2015 is found by
    its old name too, and 集资诈骗罪 is not read as 诈骗罪."""
    from falv.engine import Engine
    from falv.law.crimes import crime_names
    from falv.law.store import StatuteStore

    with StatuteStore() as store:
        table = crime_names(store)
        assert len(table) > 400
        assert table.table["诈骗罪"] == ("第二百六十六条",)
        assert table.table["侵犯公民个人信息罪"] == table.table["非法获取公民个人信息罪"] \
            == ("第二百五十三条之一",)
        hits = Engine(store).search("冒充公安打电话让人转账，是否能以诈骗罪定罪处罚？", top=10).hits
        assert (hits[0].article, hits[0].via) == ("第二百六十六条", "crime")
        assert hits[0].reasons[-1] == "crime:诈骗罪"
        hits = Engine(store).search("这算不算集资诈骗罪", top=10).hits
        assert hits[0].article == "第一百九十二条"
        assert all(h.article != "第二百六十六条" or h.via != "crime" for h in hits)


def test_first_search_after_import_shows_a_progress_line(tiny_store, tmp_path, capsys, monkeypatch):
    from falv.search import index

    monkeypatch.setattr(index, "_build_progress", None)  # restored after the test
    root = make_corpus(tmp_path / "Laws")
    # content no other test imports, so that its index is not already built in the shared cache
    (root / "部门规章" / "庚办法(2019-02-02).md").write_text(
        _doc("庚办法", ["2019年2月2日 公布"], f"第一条 庚事编号{uuid.uuid4().hex}。"), "utf-8")
    code, _, _ = run_cli(capsys, "statutes", "import", str(root))
    assert code == 0
    code, out, err = run_cli(capsys, "search", "甲事由甲部门主管", "--json")
    assert code == 0 and "正在建立检索索引" in err and "完成" in err
    result = json.loads(out)
    rows = result["hits"] + [h for g in result["groups"] for h in g["hits"]]
    assert [g["kind"] for g in result["groups"]] == ["行政法规"]
    assert any(r["group"] == "行政法规" and r["law"] == "中华人民共和国甲条例" for r in rows)
    assert all(r["group"] == "法律" for r in rows if r["doc_type"] in ("法律", "宪法"))
    code, _, err = run_cli(capsys, "search", "甲事由甲部门主管")
    assert code == 0 and "正在建立检索索引" not in err  # built once, loaded afterwards


def test_damaged_zip_member_is_one_rejected_file(tmp_path, falv_home):
    """A member whose compressed bytes are damaged (CRC) is rejected like a malformed file."""
    root = make_corpus(tmp_path / "Laws")
    archive = tmp_path / "laws.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(root.rglob("*.md")):
            zf.write(p, p.relative_to(root).as_posix())
    data = bytearray(archive.read_bytes())
    name = "己办法(2019-01-01).md".encode()
    at = data.index(name) + len(name) + 5  # inside the first member's compressed data
    data[at] ^= 0xFF
    archive.write_bytes(bytes(data))
    report = import_files(falv_home / "falv.db", [archive], keep_going=True)
    assert [r["location"].rsplit("/", 1)[-1] for r in report.rejected] == ["己办法(2019-01-01).md"]
    assert "无法读取压缩包" in report.rejected[0]["reason"] and len(report.laws) == 4
