"""extract(): every citation form of the issue, with spans that index the input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from falv.errors import FalvError
from falv.law.find import extract
from falv.law.names import bare_names, base_titles

NAMES = bare_names(base_titles())  # the base DB's law names, recognised without 《》


def refs(text, **kw):
    return [(c.law_text, c.ref.article_no if c.ref else None) for c in extract(text, NAMES, **kw)]


def spans_index_input(text):
    for c in extract(text, NAMES, quotes=True):
        assert text[c.span[0]:c.span[1]] == c.raw


@pytest.mark.parametrize("text, law, article", [
    ("《中华人民共和国民法典》第一千零三十八条", "中华人民共和国民法典", "第一千零三十八条"),
    ("《民法典》第1038条", "民法典", "第一千零三十八条"),
    ("《民法典》第１０３８条", "民法典", "第一千零三十八条"),  # full-width digits
    ("依据民法典第一千零三十八条第二款", "民法典", "第一千零三十八条"),
    ("刑法第二百五十三条之一", "刑法", "第二百五十三条之一"),
    ("《刑法》 第二百八十六条 之一", "刑法", "第二百八十六条之一"),
    ("《刑法》第 253 条之一", "刑法", "第二百五十三条之一"),
])
def test_single_forms(text, law, article):
    [c] = extract(text, NAMES)
    assert (c.law_text, c.ref.article_no) == (law, article)
    assert text[c.span[0]:c.span[1]] == c.raw
    assert c.raw.endswith(text.strip()[-2:]) or c.raw.endswith("款")


def test_paragraph_and_item_are_kept():
    [c] = extract("民法典第一千零三十八条第二款", NAMES)
    assert c.ref.paragraph == 2
    [c] = extract("《个人信息保护法》第十三条第一款第二项", NAMES)
    assert (c.ref.number, c.ref.paragraph, c.ref.item) == (13, 1, 2)


def test_zhiyi_is_a_different_article():
    a, b = extract("刑法第二百五十三条和刑法第二百五十三条之一", NAMES)
    assert a.ref.article_no == "第二百五十三条" and a.ref.suffix == 0
    assert b.ref.article_no == "第二百五十三条之一" and b.ref.suffix == 1


def test_ranges_expand_to_every_article():
    got = refs("《个人信息保护法》第四十四条至第五十条")
    assert [a for _, a in got] == ["第四十四条", "第四十五条", "第四十六条", "第四十七条", "第四十八条",
                                   "第四十九条", "第五十条"]
    assert {law for law, _ in got} == {"个人信息保护法"}
    got = refs("《民法典》第一千零三十四条–第一千零三十九条")
    assert len(got) == 6 and got[-1][1] == "第一千零三十九条"
    spans_index_input("《民法典》第一千零三十四条–第一千零三十九条")


def test_lists_inherit_the_law():
    got = refs("《个人信息保护法》第四十四条、第四十五条和第四十七条")
    assert got == [("个人信息保护法", "第四十四条"), ("个人信息保护法", "第四十五条"),
                   ("个人信息保护法", "第四十七条")]


def test_same_law_and_this_law():
    got = refs("《网络安全法》第四十二条规定了保密义务；同法第四十四条禁止非法提供。")
    assert got == [("网络安全法", "第四十二条"), ("网络安全法", "第四十四条")]
    text = "【法律依据】\n《中华人民共和国网络安全法》第七十一条 示例本法第四十六条示例\n"
    got = refs(text)
    assert got[1] == ("中华人民共和国网络安全法", "第四十六条")


def test_nested_title_in_brackets():
    text = "《最高人民法院关于适用〈中华人民共和国民法典〉时间效力的若干规定》第二条"
    [c] = extract(text, NAMES)
    assert c.law_text.startswith("最高人民法院关于适用") and c.ref.number == 2
    text = "《最高人民法院关于适用《中华人民共和国民法典》合同编通则若干问题的解释》第五条"
    [c] = extract(text, NAMES)
    assert c.law_text.endswith("的解释") and "《中华人民共和国民法典》" in c.law_text
    assert c.ref.article_no == "第五条"


def test_law_without_article_is_a_citation():
    got = refs("消费者还可依据《侵权责任法》、《消费者权益保护法》等维权")
    assert got == [("侵权责任法", None), ("消费者权益保护法", None)]
    # a book title is not an instrument
    assert refs("读了《红楼梦》") == []


def test_decision_items_cited_as_articles():
    got = refs("法律依据: 《关于加强网络信息保护的决定》 八、示例……")
    assert got == [("关于加强网络信息保护的决定", "第八条")]


def test_unknown_instrument_is_not_the_previous_law():
    got = refs("网络安全法第四十二条；消费者权益保护法实施条例第五条")
    assert got == [("网络安全法", "第四十二条"), ("消费者权益保护法实施条例", "第五条")]


def test_bare_article_needs_a_law():
    assert refs("第五条规定的情形") == []


def test_version_remark_stays_with_the_law():
    [c] = extract("《网络安全法》（2016年）第四十条", NAMES)
    assert c.law_text == "网络安全法（2016年）" and c.ref.number == 40


@pytest.mark.parametrize("text", ["《网络安全法》（2016年）第四十条至第四十三条",
                                  "《网络安全法》（2016年）第40-43条"])
def test_version_remark_stays_with_every_article_of_a_range(text):
    cits = extract(text, NAMES)
    assert [c.ref.number for c in cits] == [40, 41, 42, 43]
    assert {c.law_text for c in cits} == {"网络安全法（2016年）"}


def test_quotes_follow_head_citations(tmp_path):
    from conftest import SEED

    text = SEED.read_text(encoding="utf-8")
    cits = extract(text, NAMES, quotes=True)
    spans_index_input(text)
    heads = [c for c in cits if c.quoted_text]
    assert [c.ref.article_no for c in heads] == ["第一千零三十八条", "第二十九条", "第二百八十六条之一",
                                                  "第五条", "第一千零三十四条", "第一条", "第八条"]
    # the 1038 quote runs over two lines and stops before the next citation
    q = heads[0].quoted_text
    assert "\n" in q and "《" not in q
    # a citation inside a quote does not cut the quote
    assert "第二百五十三条之一第一款" in heads[3].quoted_text
    # every law named in the analysis text is caught (the repealed 侵权责任法 too)
    assert ("侵权责任法", None) in [(c.law_text, None) for c in cits if c.ref is None]


def test_quoted_in_quotation_marks():
    [c] = extract("《民法典》第1038条规定：“示例引文乙”", NAMES, quotes=True)
    assert c.quoted_text == "示例引文乙"


def test_bad_input_raises_falv_error():
    with pytest.raises(FalvError):
        extract(None, NAMES)  # type: ignore[arg-type]
    assert extract("", NAMES) == []


ALPHABET = st.sampled_from(list("《》〈〉第条之款项一二三四五六七八九十百千零0123456789０１２"
                                "至–、和及本同该法规定民刑典决定。，；：“”\n 　()（）年"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(alphabet=ALPHABET, max_size=80)))
def test_extract_never_raises_and_spans_index_input(text):
    try:
        cits = extract(text, NAMES, quotes=True)
    except FalvError:
        return
    for c in cits:
        assert 0 <= c.span[0] <= c.span[1] <= len(text)
        assert text[c.span[0]:c.span[1]] == c.raw


def test_compact_ranges():
    got = refs("《个人信息保护法》第44-47条")
    assert got == [("个人信息保护法", a) for a in ("第四十四条", "第四十五条", "第四十六条", "第四十七条")]
    got = refs("个保法第四十四至四十五条")
    assert [a for _, a in got] == ["第四十四条", "第四十五条"]
    spans_index_input("个保法第四十四至四十五条")


def test_compact_lists():
    got = refs("《民法典》第1038、1039条")
    assert got == [("民法典", "第一千零三十八条"), ("民法典", "第一千零三十九条")]
    got = refs("个保法第四十四、四十五、四十七条")
    assert [a for _, a in got] == ["第四十四条", "第四十五条", "第四十七条"]
    spans_index_input("个保法第四十四、四十五、四十七条")


def test_quote_ends_at_a_numbered_analysis_line():
    text = "法律依据:《民法典》第1034条 示例引文甲。\n1、向公安机关报案。"
    [c] = extract(text, NAMES, quotes=True)
    assert c.quoted_text == "示例引文甲。"
