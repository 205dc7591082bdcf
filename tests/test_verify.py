"""Verdicts: every kind of the issue, on the seed and on texts built from stored articles."""

from __future__ import annotations

import pytest

from falv.law.find import extract
from falv.law.models import VerdictKind as V
from falv.law.names import bare_names, base_titles
from falv.law.quotes import compare_quote
from falv.law.verify import verify, verify_text

NAMES = bare_names(base_titles())  # the base DB's law names, recognised without 《》

CYBER = "中华人民共和国网络安全法"


def seed_text():
    from conftest import SEED

    return SEED.read_text(encoding="utf-8")


def verdicts(store, text, **kw):
    return [(c.verdict.law, c.verdict.article, c.verdict.kind) for c in verify_text(store, text, **kw)]


def stored(store, title, no):
    return store.get_article(title, no).text


def expected_seed(imported: bool):
    later = V.OK if imported else V.UNVERIFIABLE
    return {
        ("中华人民共和国民法典", "第一千零三十四条"): V.OK,
        ("中华人民共和国民法典", "第一千零三十八条"): V.OK,
        ("中华人民共和国消费者权益保护法", "第二十九条"): V.OK,
        ("中华人民共和国刑法", "第二百八十六条之一"): V.PARTIAL_QUOTE,
        ("中华人民共和国侵权责任法", None): V.REPEALED,
        ("第五条",): later,
        ("决定", "第一条"): later,
        ("决定", "第八条"): later,
    }


def check_seed(store, imported):
    checked = verify_text(store, seed_text(), quotes=True)
    got = {(c.verdict.law, c.verdict.article): c for c in checked}
    exp = expected_seed(imported)
    for key, kind in exp.items():
        if key == ("第五条",):
            hits = [c for c in checked if c.verdict.article == "第五条"]
        elif key[0] == "决定":
            hits = [c for c in checked if "加强网络信息保护的决定" in (c.verdict.law or "")
                    and c.verdict.article == key[1]]
        else:
            hits = [got[key]]
        assert hits and all(c.verdict.kind == kind for c in hits), (key, [c.to_dict() for c in hits])
    tort = got[("中华人民共和国侵权责任法", None)].verdict
    assert "第七编" in tort.replacement and "民法典" in tort.replacement
    return checked


def test_seed_before_import(store):
    check_seed(store, imported=False)


def test_seed_after_import(imported_store):
    checked = check_seed(imported_store, imported=True)
    # every citation but the repealed law passes
    assert [c.verdict.kind for c in checked if not c.passed] == [V.REPEALED]


def test_criminal_law_current_text_is_ok(store):
    """The current 刑法 is the stored text with 刑法修正案（十二） applied: no 已被修改 remark."""
    [c] = verify_text(store, "刑法第二百五十三条之一")
    assert c.verdict.kind == V.OK and "现行有效" in c.verdict.detail and not c.verdict.notes
    [c] = verify_text(store, "刑法第二百五十三条之九")
    assert c.verdict.kind == V.NOT_FOUND and "第二百五十三条之一" in c.verdict.detail


def test_mismatch_shows_a_character_diff(store):
    text = stored(store, "中华人民共和国民法典", "第一千零三十八条")
    altered = text.replace("不得泄露", "可以泄露", 1)
    [c] = extract("《民法典》第1038条", NAMES)
    v = verify(store, c, quoted_text=altered)
    assert v.kind == V.MISMATCH and "-不得" in v.diff and "+可以" in v.diff


def test_quote_variants(store):
    text = stored(store, "中华人民共和国民法典", "第一千零三十八条")
    [c] = extract("民法典第一千零三十八条", NAMES)
    # width of punctuation and whitespace do not count
    halfwidth = text.replace("，", ",").replace("；", ";").replace("\n", " ")
    assert verify(store, c, quoted_text=halfwidth).kind == V.OK
    first = text.split("\n")[0]
    assert verify(store, c, quoted_text=first).kind == V.PARTIAL_QUOTE
    assert compare_quote(first[::-1], text)[0] == "differs"


def test_quote_under_another_number_names_its_source(store):
    """The right text under a wrong number (an older numbering the store has no record of, or a
    slip): the verdict fails and names the article the quote holds; a short article the quote
    happens to share a penalty phrase with is not taken for it."""
    text = stored(store, "中华人民共和国民法典", "第一千零三十八条")
    [c] = extract("《民法典》第1032条", NAMES)
    v = verify(store, c, quoted_text=text)
    assert v.kind == V.MISMATCH
    assert v.replacement == "《中华人民共和国民法典》第一千零三十八条"
    assert "第一千零三十八条最接近" in v.detail
    # words unlike any article name nothing
    v = verify(store, c, quoted_text="今天天气很好，我们去公园散步吧，然后回家吃饭")
    assert v.kind == V.MISMATCH and v.replacement is None


def test_inline_basis_label_quotes_the_article_then_commentary(store):
    """回答：…法律依据：《民法典》第N条<text>律师解答… on one line: the text after the citation
    is its quote; the whole article followed by the writer's own words is the article."""
    text = stored(store, "中华人民共和国民法典", "第一千零三十八条").replace("\n", "")
    line = f"回答：可以要求删除。法律依据：《民法典》第一千零三十八条{text}律师解答：请保留证据。"
    [c] = verify_text(store, line, quotes=True)
    assert c.citation.quoted_text.startswith(text[:20])
    assert c.verdict.kind == V.OK
    wrong = line.replace("第一千零三十八条", "第一千零三十二条", 1)
    [c] = verify_text(store, wrong, quotes=True)
    assert c.verdict.kind == V.MISMATCH
    assert c.verdict.replacement == "《中华人民共和国民法典》第一千零三十八条"
    # a citation in running text is not a quote head: 依据《民法典》第一千零三十八条的规定
    [c] = verify_text(store, f"对方应当依据《民法典》第一千零三十二条{text}", quotes=True)
    assert c.citation.quoted_text is None


def test_paragraph_quote_is_ok(store):
    text = stored(store, "中华人民共和国民法典", "第一千零三十八条")
    [c] = extract("民法典第一千零三十八条第二款", NAMES)
    assert verify(store, c, quoted_text=text.split("\n")[1]).kind == V.OK


def test_not_found_and_unverifiable(store):
    got = verdicts(store, "个保法第九十九条；消费者权益保护法实施条例第五条；《两高解释》第五条")
    assert got[0][2] == V.NOT_FOUND
    assert got[1][2] == V.UNVERIFIABLE and got[2][2] == V.UNVERIFIABLE
    checked = verify_text(store, "消费者权益保护法实施条例第五条")
    assert "消费者权益保护法实施条例" in checked[0].verdict.detail


@pytest.mark.parametrize("law, book", [
    ("婚姻法", "第五编"), ("继承法", "第六编"), ("民法通则", "第一编"), ("收养法", "第五编"),
    ("担保法", "第二编"), ("合同法", "第三编"), ("物权法", "第二编"), ("侵权责任法", "第七编"),
    ("民法总则", "第一编"),
])
def test_civil_code_repeals_law_level(store, law, book):
    [c] = verify_text(store, f"依据《{law}》")
    assert c.verdict.kind == V.REPEALED and book in c.verdict.replacement


def test_repealed_table_covers_every_law_of_article_1260(store):
    from falv.law.resolve import repealed_law

    text = stored(store, "中华人民共和国民法典", "第一千二百六十条")
    named = [c.law_text for c in extract(text, NAMES) if c.ref is None]
    assert len(named) == 9
    assert all(repealed_law(n) is not None for n in named)


@pytest.mark.parametrize("article, target", [
    ("第二条", "第一千一百六十四条"), ("第六条", "第一千一百六十五条"), ("第十五条", "第一百七十九条"),
    ("第二十条", "第一千一百八十二条"), ("第二十二条", "第一千一百八十三条"),
    ("第三十六条", "第一千一百九十四条"),
])
def test_tort_law_article_level(store, article, target):
    [c] = verify_text(store, f"侵权责任法{article}")
    assert c.verdict.kind == V.REPEALED and target in c.verdict.replacement
    assert store.get_article("中华人民共和国民法典", target) is not None


def test_imported_repealed_law_is_still_repealed(imported_store):
    [c] = verify_text(imported_store, "《中华人民共和国侵权责任法》第三十六条")
    assert c.verdict.kind == V.REPEALED and "第一千一百九十七条" in c.verdict.replacement


def test_cybersecurity_old_numbering(store):
    # without a quote and without a date: current numbering, ok
    assert verdicts(store, "网络安全法第四十二条")[0][2] == V.OK
    # a text dated before the amendment took effect
    [c] = verify_text(store, "网安法第四十条", as_of="2020-05-01")
    assert c.verdict.kind == V.SUPERSEDED_VERSION and c.verdict.replacement.endswith("第四十二条")
    # a quote that matches the renumbered article
    quote = stored(store, CYBER, "第四十三条")
    [c] = extract("《网络安全法》第四十一条", NAMES)
    v = verify(store, c, quoted_text=quote)
    assert v.kind == V.SUPERSEDED_VERSION and v.replacement.endswith("第四十三条")
    # the current text quoted under its current number is ok
    [c] = extract("《网络安全法》第四十三条", NAMES)
    assert verify(store, c, quoted_text=quote).kind == V.OK


def test_express_regulation_old_version(imported_store):
    old = imported_store.laws_by_title("快递暂行条例")[1]
    quote = imported_store.article(old.law_id, "第三十四条").text
    [c] = verify_text(imported_store, f"《快递暂行条例》第三十四条 {quote}\n", quotes=True)
    assert c.verdict.kind == V.SUPERSEDED_VERSION and c.verdict.replacement.endswith("第三十五条")
    [c] = verify_text(imported_store, "《快递暂行条例（2019年修订）》第四十四条")
    assert c.verdict.kind == V.SUPERSEDED_VERSION and c.verdict.replacement.endswith("第五十四条")
    assert verdicts(imported_store, "快递暂行条例第三十五条")[0][2] == V.OK


def test_to_dict_keys(store):
    [c] = verify_text(store, "《民法典》第1038条")
    d = c.to_dict()
    assert {"law", "article", "span", "verdict", "replacement", "detail"} <= set(d)
    assert d["span"] == [0, 11] and d["verdict"] == "ok"


def test_annotate_marks_each_citation_once(store):
    from falv.law.annotate import annotate_html, annotate_text

    text = "依据《民法典》第1034条至第1036条及《侵权责任法》<b>"
    checked = verify_text(store, text)
    marked = annotate_text(text, checked)
    assert marked.count("【") == 3 and "已废止 → 《中华人民共和国民法典》第七编" in marked
    page = annotate_html(text, checked)
    assert "&lt;b&gt;" in page and page.count('class="cite ') == 3 and "cite-repealed" in page


def test_outdated_terms():
    from falv.law.currency import find_outdated, outdated_terms

    entries = outdated_terms()
    assert all(e.term and e.replacement and e.since and e.basis for e in entries)
    text = "向工商部门投诉；依据合同法、劳动合同法和《侵权责任法》"
    found = [(m.text, m.entry.replacement) for m in find_outdated(text)]
    assert ("工商部门", "市场监督管理部门") in found
    assert [t for t, _ in found].count("合同法") == 1  # not inside 劳动合同法
    assert any(t == "侵权责任法" and "民法典" in r for t, r in found)
    for m in find_outdated(text):
        assert text[m.span[0]:m.span[1]] == m.text


def test_verify_text_never_raises_on_arbitrary_text(store):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from falv.errors import FalvError

    alphabet = st.sampled_from(list("《》第条之款一二三四五十百千0123456789至、本同法民刑典个保网安决定“”：\n 【】"))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(alphabet=alphabet, max_size=60))
    def check(text):
        try:
            checked = verify_text(store, text, quotes=True)
        except FalvError:
            return
        for c in checked:
            assert text[c.citation.span[0]:c.citation.span[1]] == c.citation.raw
            assert c.verdict.kind in set(V)

    check()


def test_version_remark_flags_old_numbering(store):
    [c] = verify_text(store, "《网络安全法》（2016年）第四十条")
    assert c.verdict.kind == V.SUPERSEDED_VERSION and c.verdict.replacement.endswith("第四十二条")
    [c] = verify_text(store, "《网络安全法》（2025年修正）第四十二条")
    assert c.verdict.kind == V.OK


def test_old_version_with_unchanged_article_is_ok(imported_store):
    new = imported_store.laws_by_title("快递暂行条例")[0]
    old = imported_store.laws_by_title("快递暂行条例")[1]
    same = next(a.article_no for a in imported_store.articles(old.law_id)
                if (b := imported_store.article(new.law_id, a.article_no)) and b.text == a.text)
    [c] = verify_text(imported_store, f"《快递暂行条例（2019年修订）》{same}")
    assert c.verdict.kind == V.OK


def test_missing_paragraph_or_item_is_not_found(store):
    [c] = verify_text(store, "民法典第一千零三十八条第五款")
    assert c.verdict.kind == V.NOT_FOUND and "第五款" in c.verdict.detail
    [c] = verify_text(store, "民法典第一千零三十八条第二款")
    assert c.verdict.kind == V.OK
    [c] = verify_text(store, "刑法第二百八十六条之一第一款第九项")
    assert c.verdict.kind == V.NOT_FOUND and "第九项" in c.verdict.detail
    [c] = verify_text(store, "刑法第二百八十六条之一第一款第二项")
    assert c.verdict.kind == V.OK


def test_seed_with_crlf_line_endings(store):
    text = seed_text().replace("\n", "\r\n")
    got = {(c.verdict.law, c.verdict.article): c.verdict.kind for c in verify_text(store, text, quotes=True)}
    assert got[("中华人民共和国民法典", "第一千零三十八条")] == V.OK
    assert got[("中华人民共和国刑法", "第二百八十六条之一")] == V.PARTIAL_QUOTE


def test_source_search_is_bounded_per_text(store, monkeypatch):
    """Each source search reads the whole law: a text of many mismatched quotes gets it for the
    first MAX_QUOTE_SOURCES only, and every citation is still verified."""
    from falv.law import verify as verify_mod

    monkeypatch.setattr(verify_mod, "MAX_QUOTE_SOURCES", 1)
    text = stored(store, "中华人民共和国民法典", "第一千零三十八条").replace("\n", "")
    line = f"法律依据：《民法典》第一千零三十二条{text}"
    checked = verify_text(store, line + "\n\n" + line, quotes=True)
    assert [c.verdict.kind for c in checked] == [V.MISMATCH, V.MISMATCH]
    assert [c.verdict.replacement is not None for c in checked] == [True, False]
