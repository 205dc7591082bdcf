"""The analyzer's data tables and query-side behaviour (no index needed)."""

from __future__ import annotations

from falv.search.analyzer import Analyzer, Segmenter, expansions, legal_words, stated_ages, stopwords


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


def test_ages_stated_in_a_question():
    assert stated_ages("十三岁的孩子把人打伤了") == [13]
    assert stated_ages("3岁和15周岁的两个孩子") == [3, 15]
    assert stated_ages("两岁半的宝宝") == [2]
    # no single age: a span, a word, a month count
    assert stated_ages("十几岁的孩子") == stated_ages("青春岁月") == stated_ages("万岁") == []


def test_an_age_adds_the_words_of_its_legal_bands():
    """The bands are the statutes' own thresholds (expansions.toml [[age]]): 8 and 18 for civil
    capacity, 12 / 14 / 16 for criminal responsibility, 16 for being hired."""
    exp = expansions()
    assert exp.ages and all(lo < hi for lo, hi, _ in exp.ages)
    three = exp.expand("3岁的孩子在幼儿园摔伤了")
    assert "无民事行为能力人" in three and "限制民事行为能力人" not in three
    thirteen = exp.expand("十三岁的孩子把人打伤了")
    assert "已满十二周岁不满十四周岁" in thirteen and "限制民事行为能力人" in thirteen
    fifteen = exp.expand("十五岁能去饭店打工吗")
    assert "未满十六周岁" in fifteen and "已满十四周岁不满十六周岁" in fifteen
    assert not any("周岁" in t for t in exp.expand("他今年三十岁了"))


def test_build_segmenter_cuts_as_the_query_segmenter():
    """The index is built with jieba-rs (FastSegmenter) and questions are cut by the Python port
    (Segmenter): over one table they must agree, also on text that jieba-rs would join into one
    block (Latin letters, digits, compatibility ideographs) and on punctuation."""
    from falv.search.analyzer import FastSegmenter, jieba_dictionary

    freq, total = jieba_dictionary()
    fast = Segmenter.full({"个人信息保护法", "测试用暂行规定"})
    slow = Segmenter.from_words({w: f for w, f in fast.freq.items() if f}, fast.total)
    assert isinstance(fast, FastSegmenter) and fast.total == total and len(fast.freq) >= len(freq)
    for text in ("快递单上的个人信息被泄露了，应该向哪个部门投诉？",
                 "依照《个人信息保护法》第六十九条，A股上市公司X光机3D打印，处1000元以下罚款。",
                 "2021年1月1日起施行；第3条 个人信息处理者应当……",
                 "測試 﨑 ䷀ 测试用暂行规定 \u3000 tab\t换行\n结束",
                 ""):
        assert fast.cut(text) == slow.cut(text), text
        assert fast.cut_for_search(text) == slow.cut_for_search(text), text
