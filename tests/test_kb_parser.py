"""Seed-format parser: the seed, each format variant, every rejection, arbitrary text.

Basis lines in the variants carry placeholder quotes (引文甲…): the parser never looks at statute
text, and statute text is never typed into tests.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED
from falv.errors import FalvError, ImportRejected
from falv.kb.seedfmt import parse_bytes, parse_file, parse_text


def test_seed_entries_points_and_basis():
    doc = parse_file(SEED)
    assert doc.style == "circled" and doc.encoding == "utf-8" and doc.skipped_lines == []
    assert [e.marker for e in doc.entries] == ["㈠", "㈡", "㈢", "㈣", "㈤"]
    assert [e.question for e in doc.entries] == [
        "个人信息泄露找什么部门投诉", "快递信息泄露了怎么办", "信息泄露怎么处理怎么举报",
        "个人信息泄露找什么部门投诉", "个人信息泄露找什么部门投诉"]
    assert [(e.line_start, e.line_end) for e in doc.entries] == [(1, 11), (12, 21), (22, 26),
                                                                  (27, 31), (32, 34)]
    e1, e2, e3, e4, e5 = doc.entries
    # ㈠ has no 法律分析 label: the text before 【法律依据】 is the analysis, 一、二、三、 its points
    assert [(p.kind, p.label) for p in e1.points] == [("intro", None), ("point", "一"),
                                                      ("point", "二"), ("point", "三")]
    assert e1.points[2].text.startswith("向公安部门") and e1.points[2].original.startswith("二、")
    assert e1.basis.lines == (7, 8, 9, 10, 11)
    # ㈡ enumerates 1、2、3、: points, not entries
    assert [p.label for p in e2.points] == [None, "1", "2", "3"]
    assert [p.line_start for p in e2.points] == [13, 14, 15, 16]
    assert e2.basis.lines == (17, 18, 19, 20, 21)
    # ㈢ three unnumbered paragraphs
    assert [(p.kind, p.line_start) for p in e3.points] == [("point", 23), ("point", 24), ("point", 25)]
    assert len(e4.points) == 1 and e4.basis.lines == (30, 31)
    assert e5.basis.text.startswith("《关于加强网络信息保护的决定》 八、")


def test_basis_line_at_maps_offsets_to_file_lines():
    e = parse_file(SEED).entries[1]
    b = e.basis
    assert b.line_at(0) == 17
    assert b.line_at(b.text.index("(四)")) == 21


VARIANT_BODY = ("{m1}问题甲怎么办\n{a}分析甲第一句。\n{b}《中华人民共和国民法典》第一千零三十四条 引文甲\n"
                "{m2}问题乙怎么办\n{a}分析乙。\n{b}《中华人民共和国民法典》第一千零三十八条 引文乙\n")


@pytest.mark.parametrize("m1,m2,style", [
    ("㈠ ", "㈡ ", "circled"),
    ("Ⅰ ", "Ⅱ ", "roman"),
    ("Ⅰ. ", "Ⅱ. ", "roman"),
    ("一、", "二、", "cn"),
    ("1. ", "2. ", "digit_dot"),
    ("1．", "2．", "digit_dot"),  # full-width full stop
    ("（一）", "（二）", "paren_cn"),
])
@pytest.mark.parametrize("a,b", [
    ("【法律分析】", "【法律依据】"),
    ("【法律分析】:", "【法律依据】:"),
    ("【法律分析】：", "【法律依据】："),
    ("法律分析:", "法律依据:"),
    ("法律分析：", "法律依据："),
    ("法律分析 ", "法律依据 "),
])
def test_numbering_and_label_variants(m1, m2, style, a, b):
    doc = parse_text(VARIANT_BODY.format(m1=m1, m2=m2, a=a, b=b), "v.txt")
    assert doc.style == style
    assert [e.question for e in doc.entries] == ["问题甲怎么办", "问题乙怎么办"]
    assert [e.number for e in doc.entries] == [1, 2]
    assert doc.entries[0].points[0].text == "分析甲第一句。"
    assert doc.entries[1].basis.text.startswith("《中华人民共和国民法典》第一千零三十八条")
    assert doc.entries[1].line_start == 4


def test_entries_numbered_1_with_analysis_enumerated_cn():
    """1. marks entries and 一、二、 enumerates analysis: the per-document style decision picks
    1. (its numbers keep increasing; 一、二、 restart in every entry)."""
    text = ("1. 问题甲\n法律分析:\n一、要点甲一\n二、要点甲二\n法律依据:《民法典》第一千零三十四条 引文\n"
            "2. 问题乙\n法律分析:\n一、要点乙一\n二、要点乙二\n三、要点乙三\n法律依据:《民法典》第一千零三十八条 引文\n")
    doc = parse_text(text, "d.txt")
    assert doc.style == "digit_dot"
    assert [e.question for e in doc.entries] == ["问题甲", "问题乙"]
    assert [p.label for p in doc.entries[1].points] == ["一", "二", "三"]


def test_entries_cn_with_analysis_enumerated_digits():
    text = ("一、问题甲\n法律分析:概述\n1、要点一\n2、要点二\n法律依据:《民法典》第一千零三十四条 引文\n"
            "二、问题乙\n法律分析:概述\n1、要点一\n法律依据:《民法典》第一千零三十八条 引文\n")
    doc = parse_text(text, "d.txt")
    assert doc.style == "cn" and len(doc.entries) == 2
    assert [(p.kind, p.label) for p in doc.entries[0].points] == [("intro", None), ("point", "1"),
                                                                  ("point", "2")]


def test_continuation_lines_join_the_open_point():
    text = "㈠ 问题\n法律分析:\n1、要点一\n接续的一行\n2、要点二\n法律依据:《民法典》第一千零三十四条 引文\n"
    pts = parse_text(text, "c.txt").entries[0].points
    assert [p.text for p in pts] == ["要点一\n接续的一行", "要点二"]
    assert (pts[0].line_start, pts[0].line_end) == (3, 4)


def test_question_on_the_line_after_the_marker_and_title_line():
    text = "个人信息问答集\n\n㈠\n问题：快递信息泄露了怎么办？\n法律分析:回答。\n"
    doc = parse_text(text, "q.txt")
    assert doc.skipped_lines == [1]
    assert doc.entries[0].question == "快递信息泄露了怎么办?"  # normalised (half-width)
    assert doc.entries[0].points[0].text == "回答。"


def test_fullwidth_and_traditional_are_normalised_original_kept():
    text = "㈠ 個人資訊洩露找什麼部門投訴\n【法律分析】：可向公安部門投訴，ＡＢＣ１２３。\n"
    e = parse_text(text, "t.txt").entries[0]
    assert e.question == "个人信息泄露找什么部门投诉"
    assert e.question_original == "㈠ 個人資訊洩露找什麼部門投訴"
    assert "公安部门" in e.points[0].text and "ABC123" in e.points[0].text
    assert "公安部門" in e.points[0].original


def test_gb18030_is_detected():
    data = SEED.read_text("utf-8").encode("gb18030")
    doc = parse_bytes(data, "seed-gb.txt")
    assert doc.encoding == "gb18030"
    assert [e.question for e in doc.entries] == [e.question for e in parse_file(SEED).entries]


def test_crlf_and_bom():
    data = ("\ufeff" + SEED.read_text("utf-8")).replace("\n", "\r\n").encode("utf-8")
    doc = parse_bytes(data, "crlf.txt")
    assert len(doc.entries) == 5 and doc.entries[0].question == "个人信息泄露找什么部门投诉"
    assert doc.entries[4].line_end == 34


# -- rejections --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,where,words", [
    ("这只是一段没有编号的文字。\n第二行。\n", "x.txt:1", "没有可解析的问答条目"),
    ("", "x.txt:1", "没有可解析的问答条目"),
    ("㈠ 问题甲\n㈡ 问题乙\n", "x.txt:1", "没有可解析的问答条目"),  # no block anywhere
    ("㈠ 问题甲\n法律分析:回答。\n㈡ 问题乙\n㈢ 问题丙\n法律分析:回答。\n", "x.txt:3", "只有问题，没有回答"),
    ("㈠ 问题甲\n法律分析:回答。\n㈡ 问题乙\n【法律分析】\n", "x.txt:3", "只有问题，没有回答"),
    ("㈠ 问题甲\n法律分析:回答。\n【裁判要旨】:要旨。\n", "x.txt:3", "未知的块标签【裁判要旨】"),
    ("法律分析:没有问题的回答。\n㈠ 问题甲\n法律分析:回答。\n", "x.txt:1", "之前没有编号的问题"),
    ("法律依据:《民法典》第一千零三十四条 引文\n", "x.txt:1", "之前没有编号的问题"),
    ("㈠\n【法律分析】回答\n", "x.txt:1", "没有问题"),
])
def test_rejections_name_file_and_line(text, where, words):
    with pytest.raises(ImportRejected) as exc:
        parse_text(text, "x.txt")
    assert exc.value.location == where
    assert words in exc.value.message


def test_broken_encoding_names_the_line():
    data = "㈠ 问题\n法律分析:回答。\n".encode("utf-8") + b"\xff\xfe\xfd\x80\x80\n"
    with pytest.raises(ImportRejected) as exc:
        parse_bytes(data, "bad.txt")
    assert exc.value.location == "bad.txt:3" and "编码无法识别" in exc.value.message


def test_missing_file_is_rejected(tmp_path):
    with pytest.raises(ImportRejected, match="nope.txt: 文件不存在"):
        parse_file(tmp_path / "nope.txt")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("㈠㈡㈢Ⅰ一二三、1.（）()【】:：\n 法律分析依据问题《》第条甲乙裁判要旨")) |
       st.characters(), max_size=300))
def test_parser_raises_only_falv_errors(text):
    try:
        doc = parse_text(text, "h.txt")
    except FalvError as exc:
        assert exc.location and exc.location.startswith("h.txt:")
        return
    for e in doc.entries:
        assert e.question and e.has_answer
        assert 1 <= e.line_start <= e.line_end


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_bytes_raise_only_falv_errors(data):
    try:
        parse_bytes(data, "b.txt")
    except FalvError:
        pass


def test_numbering_restarting_after_a_basis_block_opens_entries():
    """㈠…㈩ and then ㈠ again (documents joined): a restart after 法律依据 is a new entry."""
    one = "{m} 问题{k}\n法律分析:\n1、要点\n2、要点\n法律依据:《民法典》第一千零三十四条 引文\n"
    text = "".join(one.format(m="㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"[k % 10], k=k) for k in range(13))
    doc = parse_text(text, "j.txt")
    assert [e.question for e in doc.entries] == [f"问题{k}" for k in range(13)]
    assert all([p.label for p in e.points] == ["1", "2"] for e in doc.entries)
