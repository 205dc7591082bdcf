import pytest
from hypothesis import given, strategies as st

from falv.errors import FalvError, InputError
from falv.text import (canonical_article_no, cn_to_int, fold_for_compare, format_article_no,
                       int_to_cn, normalize, parse_article_no, to_halfwidth)


@pytest.mark.parametrize("n,cn", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (101, "一百零一"),
                                  (110, "一百一十"), (1010, "一千零一十"), (1034, "一千零三十四"),
                                  (1260, "一千二百六十"), (253, "二百五十三")])
def test_numerals(n, cn):
    assert int_to_cn(n) == cn
    assert cn_to_int(cn) == n


@given(st.integers(min_value=1, max_value=9999))
def test_numerals_round_trip(n):
    assert cn_to_int(int_to_cn(n)) == n


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=10))
def test_article_no_round_trip(n, suffix):
    assert parse_article_no(format_article_no(n, suffix)) == (n, suffix)


@pytest.mark.parametrize("text,expected", [
    ("第二百五十三条之一", "第二百五十三条之一"), ("第253条之一", "第二百五十三条之一"),
    ("1038", "第一千零三十八条"), ("第１０３８条", "第一千零三十八条"), ("第 286 条 之一", "第二百八十六条之一"),
])
def test_canonical_article_no(text, expected):
    assert canonical_article_no(text) == expected


@pytest.mark.parametrize("bad", ["", "第条", "abc", "第零条", "第一千零三十八款"])
def test_bad_article_no(bad):
    with pytest.raises(InputError):
        parse_article_no(bad)


@pytest.mark.parametrize("bad", ["²", "①", "3²"])
def test_cn_to_int_refuses_digit_signs_int_cannot_read(bad):
    with pytest.raises(InputError):
        cn_to_int(bad)


@given(st.text(max_size=40))
def test_parse_article_no_only_raises_falv_errors(text):
    try:
        parse_article_no(text)
    except FalvError:
        pass


def test_normalize_and_fold():
    assert to_halfwidth("ＡＢＣ１２３") == "ABC123"
    assert normalize("個人資訊保護法") == "个人信息保护法"
    assert fold_for_compare("信息处理者，不得 泄露；") == fold_for_compare("信息处理者,不得泄露;")
