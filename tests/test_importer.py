"""Statute importer: the nine ../shared files, rejections that write nothing, idempotence, JSONL."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from falv import db
from falv.errors import ImportRejected
from falv.law.headers import canonical_title
from falv.law.importer import import_files
from falv.law.parse import parse_file
from falv.law.parsed import law_id_for

DECISION = "全国人民代表大会常务委员会关于加强网络信息保护的决定"
EXPRESS = "快递暂行条例"
TWO_HIGH = "最高人民法院、最高人民检察院关于办理侵犯公民个人信息刑事案件适用法律若干问题的解释"


def dump(path: Path) -> list:
    """Every row of falv's own store, for before/after comparisons."""
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()) for t in tables]
    finally:
        conn.close()


def manifest_counts(statutes_dir: Path) -> dict[str, int]:
    """file name → article count, read from MANIFEST.md's table ('13 条', '12 项')."""
    counts = {}
    for line in (statutes_dir / "MANIFEST.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 8 and cells[0].endswith(".md"):
            counts[cells[0]] = int(re.match(r"\d+", cells[8]).group())
    return counts


def article_lines(path: Path) -> list[str]:
    return [l for l in path.read_text("utf-8").splitlines() if re.match(r"^第\S+条 ", l)]


# -- the nine files -------------------------------------------------------------------------------

def test_nine_files_article_counts_match_manifest(imported_store, statutes_dir):
    counts = manifest_counts(statutes_dir)
    assert len(counts) == 9
    imported = [l for l in imported_store.laws() if l.source == "import"]
    assert len(imported) == 9
    rows = imported_store.own.execute("SELECT source_file, law_id FROM laws").fetchall()
    for source_file, law_id in rows:
        assert len(imported_store.articles(law_id)) == counts[Path(source_file).name], source_file


def test_decision_items_become_articles(imported_store, statutes_dir):
    law = imported_store.current_law(DECISION)
    assert law.doc_type == "决定" and law.status == "现行有效"
    arts = imported_store.articles(law.law_id)
    assert [a.article_no for a in arts][:2] == ["第一条", "第二条"] and arts[-1].article_no == "第十二条"
    source = (statutes_dir / "npcsc_decision_network_info_protection_2012.md").read_text("utf-8")
    first_item = next(l for l in source.splitlines() if l.startswith("一、"))
    assert arts[0].text.split("\n")[0] == first_item.removeprefix("一、")
    # a continuation paragraph belongs to its item
    assert "\n" in imported_store.get_article(DECISION, "第十条").text


def test_two_express_versions_coexist(imported_store):
    versions = imported_store.laws_by_title(EXPRESS)
    assert [(v.version, v.status) for v in versions] == [("2025-04-13", "现行有效"), ("2019-03-02", "已被修改")]
    assert [len(imported_store.articles(v.law_id)) for v in versions] == [59, 48]
    assert imported_store.get_article(EXPRESS, "第五十九条").law.version == "2025-04-13"
    old = versions[1]
    assert "2019年修订本" in old.note and not imported_store.is_current(old)
    assert old.law_id == law_id_for(EXPRESS, "2019-03-02")


def test_tort_law_is_repealed(imported_store):
    law = imported_store.current_law("中华人民共和国侵权责任法")
    assert law.status == "已废止" and "民法典" in law.note and not imported_store.is_current(law)
    assert len(imported_store.articles(law.law_id)) == 92


def test_titles_dates_and_sections(imported_store, statutes_dir):
    law = imported_store.current_law(TWO_HIGH)
    assert law.doc_type == "司法解释" and "原标题：最高人民法院 最高人民检察院" in law.note
    telecom = imported_store.current_law("中华人民共和国电信条例")
    assert (telecom.publish_date, telecom.version) == ("2000-09-25", "2016-02-06")
    art = imported_store.get_article("中华人民共和国电信条例", "第九条")
    assert (art.chapter, art.section) == ("第二章 电信市场", "第一节 电信业务许可")
    # the appendix (电信业务分类目录) after the last article is not part of it
    last = imported_store.get_article("中华人民共和国电信条例", "第八十条")
    lines = article_lines(statutes_dir / "telecom_regs_2016.md")
    assert last.text == lines[-1].split(" ", 1)[1]
    nds = imported_store.get_article("网络数据安全管理条例", "第一条")
    assert nds.chapter == "第一章 总则"  # '总 则' as in the base database's spelling


def test_every_article_text_is_the_file_text(imported_store, statute_files):
    """Articles are stored verbatim: the first paragraph of each is the file's 第X条 line."""
    for path in statute_files:
        if path.name.startswith("npcsc"):
            continue
        law_id = next(r[0] for r in imported_store.own.execute(
            "SELECT law_id FROM laws WHERE source_file = ?", (str(path),)))
        stored = [a.article_no + " " + a.text.split("\n")[0] for a in imported_store.articles(law_id)]
        assert stored == article_lines(path)


def test_canonical_titles():
    assert canonical_title("快递暂行条例（2019年修订本，历史文本）") == ("快递暂行条例", "2019年修订本，历史文本")
    assert canonical_title("中华人民共和国刑法修正案（十一）") == ("中华人民共和国刑法修正案（十一）", None)
    assert canonical_title("最高人民法院 最高人民检察院关于X的解释")[0] == "最高人民法院、最高人民检察院关于X的解释"


# -- idempotence, dry-run, JSONL ------------------------------------------------------------------

def test_reimport_is_idempotent(statute_files, falv_home):
    path = falv_home / "falv.db"
    first = import_files(path, statute_files)
    assert {l.action for l in first.laws} == {"added"}
    before = dump(path)
    second = import_files(path, statute_files)
    assert {l.action for l in second.laws} == {"unchanged"} and not second.changed
    assert dump(path) == before  # not even the revision moved


def test_changed_content_replaces(statute_files, falv_home, tmp_path):
    path = falv_home / "falv.db"
    src = next(p for p in statute_files if p.name.startswith("network_data"))
    import_files(path, [src])
    conn = db.connect(path)
    rev = conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0]
    conn.close()
    lines = src.read_text("utf-8").splitlines()
    # drop the last article and fix the header count: same law, same version, new content
    last = max(i for i, l in enumerate(lines) if l.startswith("第六十四条 "))
    del lines[last]
    edited = tmp_path / "edited.md"
    edited.write_text("\n".join(lines).replace("article_count: 64", "article_count: 63"), "utf-8")
    report = import_files(path, [edited])
    assert report.laws[0].action == "replaced"
    conn = db.connect(path)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 63
    assert conn.execute("SELECT count(*) FROM laws").fetchone()[0] == 1
    assert int(conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0]) == int(rev) + 1
    conn.close()


def test_dry_run_writes_nothing(statute_files, falv_home):
    path = falv_home / "falv.db"
    report = import_files(path, statute_files, dry_run=True)
    assert report.dry_run and {l.action for l in report.laws} == {"added"} and len(report.laws) == 9
    conn = db.connect(path)
    assert conn.execute("SELECT count(*) FROM laws").fetchone()[0] == 0
    conn.close()


def jsonl_from_base(store, title: str, n: int = 3, **extra) -> str:
    law = store.current_law(title)
    arts = store.articles(law.law_id)[:n]
    obj = {"title": f"测试导入的{title}（2099年修订本）", "doc_type": "部门规章", "status": "现行有效",
           "publish_date": "2099-01-02", "articles": [
               {"article_no": a.article_no, "text": a.text, "chapter": a.chapter} for a in arts]}
    obj.update(extra)
    return json.dumps(obj, ensure_ascii=False)


def test_jsonl_import(store, tmp_path):
    f = tmp_path / "laws.jsonl"
    other = jsonl_from_base(store, "中华人民共和国消费者权益保护法", 2)
    f.write_text(jsonl_from_base(store, "中华人民共和国个人信息保护法") + "\n\n" + other + "\n", "utf-8")
    report = import_files(store, [f])
    assert [l.articles for l in report.laws] == [3, 2]
    title = "测试导入的中华人民共和国个人信息保护法"
    law = store.current_law(title)
    assert law and law.version == "2099-01-02" and law.doc_type == "部门规章"
    base = store.get_article("中华人民共和国个人信息保护法", "第三条")
    assert store.get_article(title, "第三条").text == base.text


def test_jsonl_numeric_article_numbers(store, tmp_path):
    f = tmp_path / "n.jsonl"
    law = store.current_law("中华人民共和国个人信息保护法")
    art = store.articles(law.law_id)[0]
    f.write_text(json.dumps({"title": "测试法规", "doc_type": "部门规章", "status": "现行有效",
                             "articles": [{"article_no": 1, "text": art.text}]}, ensure_ascii=False))
    import_files(store, [f])
    assert store.get_article("测试法规", "第一条").text == art.text


# -- rejections: nothing written ------------------------------------------------------------------

def _variant(src: Path, tmp_path: Path, name: str, edit) -> Path:
    out = tmp_path / name
    data = edit(src.read_bytes())
    out.write_bytes(data)
    return out


def _line_of(data: bytes, needle: bytes) -> int:
    return data[:data.index(needle)].count(b"\n") + 1


def _nth_line(data: bytes, needle: bytes, n: int) -> int:
    at = -1
    for _ in range(n):
        at = data.index(needle, at + 1)
    return data[:at].count(b"\n") + 1


REJECTIONS = {
    # name: (edit of the file's bytes, expected message fragment, line finder or None)
    "bad_encoding": (lambda b: b.replace("第二条 ".encode(), b"\xff\xfe" + "第二条 ".encode(), 1),
                     "UTF-8", lambda b: _line_of(b, b"\xff\xfe")),
    "gbk": (lambda b: b.decode("utf-8").encode("gb18030"), "UTF-8", lambda b: 2),
    "duplicate": (lambda b: b.replace("第三条 ".encode(), "第二条 ".encode(), 1),
                  "条号重复", lambda b: _nth_line(b, "\n第二条 ".encode(), 2) + 1),
    "count": (lambda b: re.sub(rb"article_count: \d+", b"article_count: 999", b), "条文数不符",
              lambda b: _line_of(b, b"article_count")),
    "status": (lambda b: re.sub(rb'status: "[^"]*"', 'status: "大概有效"'.encode(), b), "未知的时效性",
               lambda b: _line_of(b, b"status:")),
    "doc_type": (lambda b: re.sub(rb'doc_type: "[^"]*"', 'doc_type: "通知"'.encode(), b), "未知的类别",
                 lambda b: _line_of(b, b"doc_type:")),
    "no_articles": (lambda b: b"\n".join(l for l in b.split(b"\n") if not l.startswith("第".encode())),
                    "没有找到任何条文", None),
    "bad_yaml": (lambda b: b.replace(b"title:", b"title: [unclosed", 1), "YAML", None),
}


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_rejection_writes_nothing(case, statute_files, falv_home, tmp_path):
    path = falv_home / "falv.db"
    good = [p for p in statute_files if p.name.startswith("telecom")]
    src = next(p for p in statute_files if p.name.startswith("spc_facial"))
    import_files(path, [src])  # the store already holds something
    before = dump(path)
    edit, message, line_of = REJECTIONS[case]
    bad = _variant(src, tmp_path, f"{case}.md", edit)
    with pytest.raises(ImportRejected, match=message) as info:
        import_files(path, good + [bad])  # the good file of the batch is not written either
    assert info.value.location.startswith(str(bad))
    if line_of is not None:
        assert info.value.location == f"{bad}:{line_of(bad.read_bytes())}"
    assert dump(path) == before


def test_true_duplicate_in_one_batch_is_skipped_and_named(statute_files, tmp_path, falv_home):
    """The same text twice (LawRefBook keeps a few copies under two names): stored once, the
    second file named as a skipped duplicate."""
    src = next(p for p in statute_files if p.name.startswith("spc_facial"))
    copy = tmp_path / "copy.md"
    copy.write_bytes(src.read_bytes())
    report = import_files(falv_home / "falv.db", [src, copy])
    assert [l.file for l in report.laws] == [str(src)]
    assert report.duplicates == [{"file": str(copy), "duplicate_of": str(src),
                                  "title": report.laws[0].title}]


def test_same_version_with_other_text_is_rejected(statute_files, tmp_path, falv_home):
    src = next(p for p in statute_files if p.name.startswith("spc_facial"))
    data = src.read_bytes()
    copy = tmp_path / "copy.md"
    copy.write_bytes(data.replace("第一条 ".encode(), "第一条 变".encode(), 1))
    with pytest.raises(ImportRejected, match="同一法规的同一版本"):
        import_files(falv_home / "falv.db", [src, copy])
    assert dump(falv_home / "falv.db") == [] or all(not rows for t, rows in dump(falv_home / "falv.db")
                                                    if t in ("laws", "articles"))


@pytest.mark.parametrize("content, message", [
    ('{"title": "甲", "doc_type": "部门规章", "status": "现行有效", "articles": []}', "没有条文"),
    ('{"title": "甲", "doc_type": "部门规章", "status": "现行有效", "artciles": []}', "未知字段"),
    ('{"title": "甲", "doc_type": "部门规章", "status": "现行有效", "articles": [{"article_no": "第一条", '
     '"text": "甲。"}, {"article_no": "1", "text": "乙。"}]}', "条号重复"),
    ('{"title": "甲", "doc_type": "部门规章", "status": "现行有效", "articles": [{"article_no": "第X条", '
     '"text": "甲。"}]}', "条号"),
    ('{"title": "甲", "doc_type": "部门规章", "status": "未知", "articles": [{"article_no": "1", '
     '"text": "甲。"}]}', "未知的时效性"),
    ('{"title": "甲", ', "不是有效的 JSON"),
])
def test_jsonl_rejections(content, message, tmp_path, falv_home):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"title": "乙", "doc_type": "部门规章", "status": "现行有效", "articles": '
                 '[{"article_no": "1", "text": "乙。"}]}\n' + content, "utf-8")
    with pytest.raises(ImportRejected, match=message) as info:
        import_files(falv_home / "falv.db", [f])
    assert info.value.location in (f"{f}:2", f"{f}:1")
    conn = db.connect(falv_home / "falv.db")
    assert conn.execute("SELECT count(*) FROM laws").fetchone()[0] == 0
    conn.close()


def test_empty_jsonl_is_rejected(tmp_path, falv_home):
    f = tmp_path / "empty.jsonl"
    f.write_text("\n\n", "utf-8")
    with pytest.raises(ImportRejected, match="没有任何法规"):
        import_files(falv_home / "falv.db", [f])


def test_missing_file_is_rejected(tmp_path, falv_home):
    with pytest.raises(ImportRejected, match="无法读取"):
        import_files(falv_home / "falv.db", [tmp_path / "absent.md"])


def test_plain_lawrefbook_file_without_header(tmp_path, falv_home, store):
    """No front matter: title from '# …', doc type inferred from the title, status assumed."""
    law = store.current_law("中华人民共和国个人信息保护法")
    arts = store.articles(law.law_id)[:3]
    body = "\n\n".join(f"{a.article_no} {a.text}" for a in arts)
    f = tmp_path / "plain.md"
    f.write_text(f"# 某某信息保护条例\n\n（题注）\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n{body}\n", "utf-8")
    (parsed,) = parse_file(f)
    assert parsed.doc_type == "行政法规" and parsed.status == "现行有效" and len(parsed.articles) == 3
    assert parsed.articles[2].text == arts[2].text  # multi-paragraph article kept whole


@pytest.mark.parametrize("heading, label", [("## 第一章 总 则", "第一章 总则"),
                                            ("## 第 一 章　总则", "第一章 总则"),
                                            ("## 第二章", "第二章")])
def test_division_headings_take_the_base_database_spelling(tmp_path, store, heading, label):
    law = store.current_law("中华人民共和国个人信息保护法")
    art = store.articles(law.law_id)[0]
    f = tmp_path / "spaced.md"
    f.write_text(f"# 某某信息保护条例\n\n{heading}\n\n{art.article_no} {art.text}\n", "utf-8")
    (parsed,) = parse_file(f)
    assert parsed.articles[0].chapter == label


# -- CLI ------------------------------------------------------------------------------------------

def falv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from falv.cli import main; main()", *args], capture_output=True, text=True,
                          timeout=60)


def test_cli_import_reimport_and_reject(statute_files, tmp_path, falv_home):
    src = [p for p in statute_files if p.name.startswith("express")]
    out = falv("statutes", "import", *map(str, src))
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("快递暂行条例") == 2 and "59 条" in out.stdout and "已被修改" in out.stdout
    again = falv("statutes", "import", "--json", *map(str, src))
    report = json.loads(again.stdout)
    assert [l["action"] for l in report["laws"]] == ["unchanged", "unchanged"]
    bad = tmp_path / "bad.md"
    bad.write_bytes(src[0].read_bytes().replace(b"status: ", b"status: X", 1))
    rejected = falv("statutes", "import", str(bad))
    assert rejected.returncode == 2 and f"{bad}:" in rejected.stderr and "未知的时效性" in rejected.stderr
    dry = falv("statutes", "import", "--dry-run", str(src[0]))
    assert dry.returncode == 0 and "unchanged" in dry.stdout and "未写入" in dry.stdout
    assert "类别 行政法规" in dry.stdout and "制定机关 国务院" in dry.stdout


# -- appendix handling ----------------------------------------------------------------------------

def test_appendix_after_last_article_is_not_an_article(imported_store):
    law = imported_store.current_law("中华人民共和国电信条例")
    assert "附件" in law.note
    assert "电信业务分类目录" not in imported_store.get_article("中华人民共和国电信条例", "第八十条").text


def test_appendix_marker_inside_the_articles_stays_article_text(tmp_path, store):
    """刑法's last article carries 附件一/附件二 in the base DB; a marker followed by more articles
    was article text, not an appendix."""
    law = store.current_law("中华人民共和国个人信息保护法")
    a1, a2 = store.articles(law.law_id)[:2]
    f = tmp_path / "x.md"
    f.write_text(f"---\ndoc_type: 部门规章\nstatus: 现行有效\n---\n# 附件测试规章\n\n{a1.article_no} {a1.text}\n\n"
                 f"附件一\n\n列表甲\n\n{a2.article_no} {a2.text}\n\n附：\n\n目录乙\n", "utf-8")
    (parsed,) = parse_file(f)
    assert parsed.articles[0].text == a1.text + "\n附件一\n列表甲"
    assert parsed.articles[1].text == a2.text and "附件" in parsed.note


# -- resource limits ------------------------------------------------------------------------------

def _bounded(fn, megabytes: int = 64):
    """Run fn and check the Python memory it allocated at its peak. How long a rejection takes is
    measured in bench/bench_reject.py, never asserted here (a timed test fails on a loaded machine)."""
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < megabytes * 2**20, peak


def test_100k_empty_lines_rejected_in_bounded_memory(tmp_path, falv_home):
    f = tmp_path / "empty.md"
    f.write_text("\n" * 100_000, "utf-8")

    def run():
        with pytest.raises(ImportRejected, match="没有找到任何条文") as info:
            import_files(falv_home / "falv.db", [f])
        assert info.value.location == f"{f}:1"
    _bounded(run)


def test_100k_lines_without_articles_rejected_in_bounded_memory(tmp_path, falv_home):
    f = tmp_path / "prose.md"
    f.write_text("# 标题\n" + "这一行不是条文。\n\n## 不是章\n" * 25_000, "utf-8")

    def run():
        with pytest.raises(ImportRejected, match="没有找到任何条文"):
            import_files(falv_home / "falv.db", [f])
    _bounded(run)


def test_oversized_file_is_rejected_without_reading(tmp_path, falv_home):
    from falv.law.parse import MAX_FILE_BYTES

    f = tmp_path / "huge.md"
    with open(f, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk

    def run():
        with pytest.raises(ImportRejected, match="文件过大"):
            import_files(falv_home / "falv.db", [f])
    _bounded(run, megabytes=8)


def test_overlong_line_is_rejected(tmp_path, falv_home):
    from falv.law.markdown import MAX_LINE_CHARS

    f = tmp_path / "long.md"
    f.write_text("# 标题\n\n第一条 " + "长" * MAX_LINE_CHARS + "\n", "utf-8")
    with pytest.raises(ImportRejected, match="行过长") as info:
        import_files(falv_home / "falv.db", [f])
    assert info.value.location == f"{f}:3"


def test_binary_file_is_rejected(tmp_path, falv_home):
    f = tmp_path / "bin.md"
    f.write_bytes(b"# t\n\x00\x01\x02")
    with pytest.raises(ImportRejected, match="NUL") as info:
        import_files(falv_home / "falv.db", [f])
    assert info.value.location == f"{f}:2"


# -- more rejections (each row of docs/errors.md has a test) --------------------------------------

def _one_article(store) -> str:
    law = store.current_law("中华人民共和国个人信息保护法")
    a = store.articles(law.law_id)[0]
    return f"{a.article_no} {a.text}"


@pytest.mark.parametrize("template, message, line", [
    ("---\ntitle: 甲规章\ntitle: 乙规章\n---\n# 甲规章\n\n{art}\n", "文件头字段重复", 3),
    ("---\ntitle: 甲规章\ndoc_type: 部门规章\n---\n# 乙规章\n\n{art}\n", "标题不一致", 5),
    ("---\ndoc_type: 部门规章\n---\n\n{art}\n", "缺少标题", 1),
    ("---\ntitle: 甲规章\n\n# 甲规章\n\n{art}\n", "没有结束行", 1),
    ("# 甲规章\n\n{art}\n\n第二条\n", "第二条 没有正文", 5),
    ("# 某某通知\n\n{art}\n", "缺少类别", 1),
    ("---\ndoc_type: 部门规章\narticle_count: 很多\n---\n# 甲规章\n\n{art}\n", "article_count 不是数字", 3),
    ("---\ndoc_type: [法律, 决定]\n---\n# 甲规章\n\n{art}\n", "必须是单个值", 2),
])
def test_more_markdown_rejections(template, message, line, tmp_path, falv_home, tiny_store):
    f = tmp_path / "bad.md"
    f.write_text(template.format(art=_one_article(tiny_store)), "utf-8")
    with pytest.raises(ImportRejected, match=message) as info:
        import_files(falv_home / "falv.db", [f])
    assert info.value.location == f"{f}:{line}"
    assert tiny_store.laws_by_title("甲规章") == []


def test_too_many_articles(tmp_path, falv_home, monkeypatch):
    from falv.law import markdown

    monkeypatch.setattr(markdown, "MAX_ARTICLES", 3)
    f = tmp_path / "many.md"
    f.write_text("# 甲规章\n\n" + "\n\n".join(f"第{n}条 占位。" for n in "一二三四"), "utf-8")
    with pytest.raises(ImportRejected, match="条文过多") as info:
        import_files(falv_home / "falv.db", [f])
    assert info.value.location == f"{f}:9"


def test_no_files_is_an_input_error(falv_home):
    from falv.errors import InputError

    with pytest.raises(InputError, match="没有指定"):
        import_files(falv_home / "falv.db", [])


def test_remove(statute_files, falv_home):
    from falv.errors import NotFoundError
    from falv.law.importer import remove_law

    path = falv_home / "falv.db"
    import_files(path, [p for p in statute_files if p.name.startswith("express")])
    assert len(remove_law(path, EXPRESS, "2019-03-02")) == 1
    with pytest.raises(NotFoundError, match="导入的法规中没有"):
        remove_law(path, EXPRESS, "2019-03-02")
    out = falv("statutes", "remove", EXPRESS)
    assert out.returncode == 0 and "已删除 1 个版本" in out.stdout
    again = falv("statutes", "remove", EXPRESS)
    assert again.returncode == 2 and "导入的法规中没有：快递暂行条例" in again.stderr


def test_store_path_unusable(tmp_path, monkeypatch):
    from falv.errors import StoreError

    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="无法打开数据库"):
        db.connect(blocker / "falv.db")


def test_bad_busy_timeout_setting(falv_home, monkeypatch):
    from falv.errors import StoreError

    monkeypatch.setenv("FALV_BUSY_TIMEOUT_MS", "soon")
    with pytest.raises(StoreError, match="FALV_BUSY_TIMEOUT_MS 不是整数"):
        db.connect(falv_home / "falv.db")


# -- properties (hypothesis) ----------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_FRAGMENTS = ["---", "title: 甲规章", 'status: "现行有效（注）"', "doc_type: 部门规章", "article_count: 2",
              "# 甲规章", "## 第一章 总则", "### 第一节 一般", "## 附录", "第一条 甲。", "第二条 乙。",
              "第二条", "第一条之一 丙。", "一、丁。", "二、戊。", "附：", "附件一", "（题注）", "", "   ",
              "第 3 条 己", "**第四条** 庚", "第十万条 辛", "第一千零一条 壬", "title: [x", "\ufeff", "\u3000第五条 癸"]


def _parse_bytes(data: bytes, suffix: str):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"in{suffix}"
        f.write_bytes(data)
        try:
            return parse_file(f), None, f
        except ImportRejected as exc:
            return None, exc, f


def _check_result(laws, exc, f, data: bytes):
    if exc is not None:
        assert exc.location and exc.location.startswith(str(f))
        tail = exc.location[len(str(f)):]
        if tail:
            line = int(tail.lstrip(":"))
            assert 1 <= line <= data.count(b"\n") + 1
        return
    for law in laws:
        nos = [a.article_no for a in law.articles]
        assert nos and len(nos) == len(set(nos))
        assert all(a.text.strip() for a in law.articles)
        assert law.title and law.law_id.startswith("imp-")


@PROPERTY
@given(st.binary(max_size=3000), st.sampled_from([".md", ".jsonl"]))
def test_property_any_bytes_parse_or_reject(data, suffix):
    laws, exc, f = _parse_bytes(data, suffix)
    _check_result(laws, exc, f, data)


@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=20)), max_size=40))
def test_property_markdown_like_lines_parse_or_reject(lines):
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    laws, exc, f = _parse_bytes(data, ".md")
    _check_result(laws, exc, f, data)


_PARA = st.text(alphabet="甲乙丙丁戊己庚辛壬癸，。；：“”（）ABC123 ", min_size=1, max_size=30).map(str.strip).filter(
    lambda p: p and not p.startswith(("附", "#")))


@PROPERTY
@given(st.lists(st.lists(_PARA, min_size=1, max_size=3), min_size=1, max_size=25),
       st.sampled_from(["现行有效", "已废止（注）", "已被修改"]), st.booleans())
def test_property_markdown_round_trip(articles, status, chapters):
    """Rendering articles as LawRefBook markdown and importing gives back exactly those articles."""
    from falv.text import format_article_no

    lines = ["---", 'title: "往返测试规章（2020年修订本）"', "doc_type: 部门规章", f'status: "{status}"',
             'publish_date: "2020-05-06"', f"article_count: {len(articles)}", "---", "# 往返测试规章", ""]
    for i, paras in enumerate(articles, 1):
        if chapters and i % 5 == 1:
            lines += [f"## 第{format_article_no(i // 5 + 1)[1:-1]}章 章　名", ""]
        lines += [f"{format_article_no(i)} {paras[0]}", ""] + [p for q in paras[1:] for p in (q, "")]
    laws, exc, _ = _parse_bytes("\n".join(lines).encode(), ".md")
    assert exc is None, exc
    (law,) = laws
    assert law.title == "往返测试规章" and law.version == "2020-05-06" and law.status == status.split("（")[0]
    assert [a.article_no for a in law.articles] == [format_article_no(i) for i in range(1, len(articles) + 1)]
    assert [a.text for a in law.articles] == ["\n".join(p) for p in articles]
    if chapters:
        assert law.articles[0].chapter == "第一章 章名"


@PROPERTY
@given(st.lists(st.lists(_PARA, min_size=1, max_size=2), min_size=1, max_size=15))
def test_property_jsonl_round_trip(articles):
    obj = {"title": "往返测试", "doc_type": "部门规章", "status": "现行有效",
           "articles": [{"article_no": i, "text": "\n".join(p)} for i, p in enumerate(articles, 1)]}
    laws, exc, _ = _parse_bytes(json.dumps(obj, ensure_ascii=False).encode(), ".jsonl")
    assert exc is None, exc
    assert [a.text for a in laws[0].articles] == ["\n".join(p) for p in articles]
