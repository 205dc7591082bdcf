"""Ranking on a small fixture store (real rows of laws.db): colloquial questions find the statute's
wording, explicit citations come first, only current articles are returned."""

from __future__ import annotations

import threading

import pytest

from factories import article
from falv.errors import InputError
from falv.search.retrieve import Hit, search, searcher

CIVIL = "中华人民共和国民法典"
PIPL = "中华人民共和国个人信息保护法"
CRIMINAL = "中华人民共和国刑法"


@pytest.fixture(scope="module")
def small_store(small_base_db, tmp_path_factory):
    """One store (and so one loaded Searcher) for the module: these tests only read."""
    from falv.law.store import StatuteStore

    s = StatuteStore(store_path=tmp_path_factory.mktemp("own") / "falv.db", base_path=small_base_db)
    yield s
    s.close()


def keys(hits: list[Hit]) -> list[tuple[str, str]]:
    return [(h.article.law.title, h.article.article_no) for h in hits]


def test_colloquial_question_reaches_statute_wording(small_store):
    # 骚扰电话 is not statute wording; the expansion table maps it to 侵扰 / 私人生活安宁
    hits = search(small_store, "骚扰电话不停怎么办", top=5)
    assert (CIVIL, "第一千零三十三条") in keys(hits)


def test_selling_personal_information_finds_the_crime(small_store):
    hits = search(small_store, "有人倒卖我的个人信息，会判刑吗", top=5)
    assert (CRIMINAL, "第二百五十三条之一") in keys(hits)


def test_privacy_question_ranks_privacy_chapter_first(small_store):
    hits = search(small_store, "邻居在门口装摄像头对着我家，侵犯隐私权吗", top=5)
    assert hits[0].article.law.title == CIVIL
    assert any(h.article.article_no in ("第一千零三十二条", "第一千零三十三条") for h in hits[:3])


def test_explicit_citation_is_ranked_first(small_store):
    hits = search(small_store, "个人信息保护法第四十七条规定了什么？", top=3)
    assert keys(hits)[0] == (PIPL, "第四十七条")
    assert hits[0].reasons == ("direct",)


def test_253_and_253_1_are_told_apart(small_store):
    first = search(small_store, "《刑法》第二百五十三条之一", top=2)[0]
    assert (first.article.article_no, first.article.suffix) == ("第二百五十三条之一", 1)
    first = search(small_store, "刑法第253条", top=2)[0]
    assert first.article.article_no == "第二百五十三条"


def test_law_filter_keeps_one_law(small_store):
    hits = search(small_store, "个人信息", top=10, law="刑法")
    assert hits and all(h.article.law.title == CRIMINAL for h in hits)


def test_unknown_law_filter_is_an_input_error(small_store):
    with pytest.raises(InputError, match="找不到法律"):
        search(small_store, "个人信息", law="不存在的法")


@pytest.mark.parametrize("bad", ["", "   ", "问" * 2001])
def test_bad_questions_are_input_errors(small_store, bad):
    with pytest.raises(InputError):
        search(small_store, bad)


def test_only_current_versions_are_returned(small_store):
    # the fixture holds historical 商标法 and repealed 环境保护法 versions next to the current ones
    hits = search(small_store, "注册商标 环境保护 污染", top=50)
    assert hits
    for h in hits:
        assert small_store.is_current(h.article.law), h.article.law


def test_hit_json_shape(small_store):
    d = search(small_store, "隐私权", top=1)[0].to_dict()
    assert {"law", "article", "text", "status", "score"} <= set(d)
    stored = small_store.get_article(d["law"], d["article"])
    assert stored is not None and stored.text == d["text"]


def test_nothing_matching_returns_empty_list(small_store):
    assert search(small_store, "zzzxqv", top=5) == []


def test_concurrent_reads_agree(small_store):
    s = searcher(small_store)
    questions = ["骚扰电话不停怎么办", "快递丢了谁赔", "网购退货", "隐私权"] * 5
    expected = {q: keys(s.search(q)) for q in set(questions)}
    errors: list[str] = []

    def worker(q):
        if keys(s.search(q)) != expected[q]:
            errors.append(q)

    threads = [threading.Thread(target=worker, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_law_score_favours_the_law_that_covers_the_question(small_store):
    # the law score treats each law as one document: the law whose articles hold most of the
    # question's words scores 1, laws holding none score 0
    s = searcher(small_store)
    terms = s.index.analyzer.query_terms("处理个人信息应当取得个人同意")
    scores = s._law_scores({t: w for t, w in terms.items() if s.index.df(t)})
    assert scores is not None and scores.min() >= 0.0 and scores.max() == pytest.approx(1.0)
    best = s._law_ids[int(scores.argmax())]
    assert s._laws[best].title in (PIPL, CIVIL)


def test_direct_lookup_knows_the_same_laws_as_verify(tiny_store, statutes_dir):
    """An imported instrument named without 《》 in a question is a citation for search's direct
    lookup exactly when it is one for verify (both use the resolver's names of the store)."""
    from falv.law.importer import import_files
    from falv.law.verify import verify_text

    imported_store = tiny_store  # the one base law and the one instrument this test reads
    import_files(tiny_store, [statutes_dir / "express_delivery_interim_regs_2025.md"])

    question = "快递暂行条例第三十四条是怎么规定的"
    [checked] = verify_text(imported_store, question)
    assert checked.verdict.law == "快递暂行条例" and checked.passed
    hits = search(imported_store, question, top=3)
    assert hits[0].direct and hits[0].reasons == ("direct",) and hits[0].score == 0.0
    assert (hits[0].article.law.title, hits[0].article.article_no) == ("快递暂行条例", "第三十四条")
    assert not any(h.direct for h in hits[1:])


def test_a_hit_says_why_it_is_listed():
    """Hit.to_dict over an Article value (no store): a direct hit is listed via the question,
    a ranked one via search, its score rounded, the article as it stands."""
    art = article()
    assert Hit(art, 0.0, ("direct",), direct=True).to_dict()["via"] == "question"
    d = Hit(art, 1.234567, ("bm25",)).to_dict()
    assert (d["via"], d["score"], d["reasons"], d["direct"]) == ("search", 1.2346, ["bm25"], False)
    assert (d["law"], d["article"], d["text"], d["amended_by"]) == (art.law.title, "第一条", art.text, [])
