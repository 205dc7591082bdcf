"""The analyzer's data tables and query-side behaviour (no index needed)."""

from __future__ import annotations

from falv.search.analyzer import Analyzer, Segmenter, expansions, legal_words, stopwords


def test_tables_load_and_are_substantial():
    exp = expansions()
    assert len(exp.terms) >= 300 and len(exp.cooccur) >= 30
    assert 0 < exp.weight <= 1
    assert all(len(k) >= 2 for k in exp.terms), "single-character keys match almost anything"
    assert len(legal_words()) >= 100
    assert "怎么办" in stopwords()


def test_expansion_keys_tolerate_inserted_characters():
    exp = expansions()
    assert "殴打" in exp.expand("我被打了")
    assert "殴打" in exp.expand("我被人打了")  # one character inserted in a two-character key
    assert "殴打" not in exp.expand("被，打")  # never across punctuation


def test_cooccurrence_rules_need_every_part():
    exp = expansions()
    assert "民间借贷" in exp.expand("朋友借了我的钱一直不还")
    assert "民间借贷" not in exp.expand("朋友借了我的书")


def test_query_terms_weigh_expansions_below_question_words():
    seg = Segmenter.from_words({"骚扰": 10, "电话": 10, "侵扰": 5, "私人": 5, "生活": 5, "安宁": 5}, 1000)
    terms = Analyzer(seg).query_terms("骚扰电话")
    assert terms["骚扰"] == 1.0 and terms["电话"] == 1.0
    assert 0 < terms["侵扰"] < 1.0 and 0 < terms["安宁"] < 1.0
