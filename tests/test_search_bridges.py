"""Legal-knowledge bridges in `search` (answer/bridges.py through Engine.search): the articles the
case-frame rules and matching knowledge-base entries name reach the top 10 where the question's
words alone do not, marked with why they are there; questions that only look like personal-
information questions lend nothing; `falv eval` scores the search users get."""

from __future__ import annotations

import json

import pytest

from conftest import SEED, run_cli
from falv import evaluate
from falv.answer.analysis import analyse, entry_topics
from falv.answer.bridges import MAX_LENT, lent_articles
from falv.answer.kbmatch import KbMatcher
from falv.domain.personal_info.frame import Frame, read_frame
from falv.domain.personal_info.rules import steps_for_frame
from falv.engine import Engine

PIPL = "中华人民共和国个人信息保护法"
CRIMINAL = "中华人民共和国刑法"
# pi_frame_dev.jsonl pid-03 and its gold article (written blind, checked against the store text)
AGENCY_SOLD = "房产中介把我的购房登记信息卖给了装修公司，现在天天接到电话"
AGENCY_GOLD = (PIPL, "第二十三条")


def keys(hits) -> list[tuple[str, str]]:
    """(law, article) of search.retrieve's Hits and of the façade's SearchHits alike."""
    return [(h.article.law.title, h.article.article_no) if hasattr(h.article, "law") else (h.law, h.article)
            for h in hits]


@pytest.fixture(scope="module")
def engine(small_base_db, tmp_path_factory):
    """One engine over the small fixture store (real rows of laws.db), empty knowledge base."""
    from falv.law.store import StatuteStore

    store = StatuteStore(store_path=tmp_path_factory.mktemp("own") / "falv.db",
                         base_path=small_base_db)
    yield Engine(store)
    store.close()


def test_rule_article_missing_from_the_ranking_is_lent(engine):
    plain = engine.context().searcher.search(AGENCY_SOLD, top=10)
    assert AGENCY_GOLD not in keys(plain)  # the words alone do not reach it
    hits = engine.search(AGENCY_SOLD, top=10).hits
    assert AGENCY_GOLD in keys(hits)
    lent = hits[keys(hits).index(AGENCY_GOLD)]
    assert lent.via == "rule" and any(r.startswith("rule:") for r in lent.reasons)
    assert lent.to_dict()["via"] == "rule"
    # every lent article is one that a rule fitting the question names
    named = {(b.law, b.article) for s in steps_for_frame(read_frame(AGENCY_SOLD), AGENCY_SOLD)
             for b in s.basis}
    assert {k for h, k in zip(hits, keys(hits)) if h.via == "rule"} <= named
    # lent articles come before the ranked ones, at most MAX_LENT of them, each article once
    vias = [h.via for h in hits]
    assert vias.index("search") > max(i for i, v in enumerate(vias) if v == "rule")
    assert vias.count("rule") <= MAX_LENT
    assert len(set(keys(hits))) == len(hits) == 10


def test_a_lent_article_the_ranking_found_too_keeps_its_score(engine):
    plain = engine.context().searcher.search(AGENCY_SOLD, top=100)
    ranked = dict(zip(keys(plain), plain))
    hits = engine.search(AGENCY_SOLD, top=10).hits
    both = [h for h, k in zip(hits, keys(hits)) if h.via == "rule" and k in ranked]
    assert both, "some lent article is also ranked"
    for h in both:
        k = (h.law, h.article)
        assert h.score == round(ranked[k].score, 4) and set(ranked[k].reasons) < set(h.reasons)
    # those come first among the lent, in the ranking's order
    lent = [h for h in hits if h.via == "rule"]
    assert lent[:len(both)] == both and [h.score for h in both] == sorted(
        (h.score for h in both), reverse=True)


def test_direct_citations_stay_first(engine):
    question = f"《刑法》第二百五十三条之一：{AGENCY_SOLD}"
    hits = engine.search(question, top=10).hits
    assert hits[0].direct and keys(hits)[0] == (CRIMINAL, "第二百五十三条之一")
    assert hits[0].to_dict()["via"] == "question"
    assert hits[1].via == "rule"
    assert keys(hits).count((CRIMINAL, "第二百五十三条之一")) == 1


@pytest.mark.parametrize("question", ["交了定金后卖家反悔不卖了，定金能双倍退吗",
                                      "小区的车位开发商都卖给外面的人了，业主没地方停车"])
def test_an_actor_and_a_verb_alone_lend_nothing(engine, question):
    """An actor and a verb (卖家 + 卖) but no information named: no rule for sold information
    lends its articles (the 定金 question is the consumer domain's, whose 定金 rule may lend 民法典
    587; the 车位 question no domain reads, and search keeps its own ranking)."""
    frame = read_frame(question)
    assert not frame.info and not frame.rights
    assert not Frame(actors=frame.actors, acts=frame.acts).about_personal_info
    case = analyse(question)
    assert case.domain.id != "personal_info"
    lent = lent_articles(case)
    assert not any("个人信息" in x.ref.law or "第二百五十三条之一" == x.ref.article for x in lent)
    hits = engine.search(question, top=10).hits
    assert all(h.via == "search" for h in hits) or lent
    assert keys(hits) == keys(engine.context().searcher.search(question, top=10))


def test_the_gate_reads_information_rights_and_acts_against_the_person():
    assert Frame(actors=("courier",), info=("phone",), acts=("sell",)).about_personal_info
    assert Frame(rights=("portrait",)).about_personal_info
    assert Frame(acts=("threaten",)).about_personal_info
    assert not Frame(actors=("merchant",), acts=("sell",)).about_personal_info
    assert not Frame(info=("financial",)).about_personal_info


def test_law_filter_is_that_laws_own_ranking(engine):
    result = engine.search(AGENCY_SOLD, top=5, law="民法典")
    assert all(h.via == "search" for h in result.hits) and not result.groups
    assert {h.law for h in result.hits} == {"中华人民共和国民法典"}


def test_knowledge_base_entry_lends_the_articles_its_answer_cites(small_store):
    engine = Engine(small_store)
    engine.ingest_files([SEED])
    question = "快递信息泄露了怎么办呢"
    kb = engine.context().kb
    [match, *_] = analyse(question, kb).kb
    cited = {(c.law, c.article) for p in match.points for c in p.citations}
    rule_named = {(b.law, b.article) for s in steps_for_frame(read_frame(question), question)
                  for b in s.basis}
    hits = engine.search(question, top=10).hits
    from_kb = [h for h in hits if h.via == "kb"]
    assert from_kb, "an article cited by the matched entry and held by the store is lent"
    for h in from_kb:
        assert (h.law, h.article) in cited
        assert (h.law, h.article) not in rule_named
        assert f"kb:#{match.entry_id}" in h.reasons
    assert {l.via for l in lent_articles(analyse(question, kb))} >= {"kb"}
    assert lent_articles(analyse(question, KbMatcher([]))) == [
        l for l in lent_articles(analyse(question, kb)) if l.via == "rule"]


def test_the_answer_keeps_search_hits_out_of_its_basis(small_store):
    engine = Engine(small_store)
    ans = engine.ask(AGENCY_SOLD)
    basis = [(b.law, b.article) for b in ans.basis]
    related = [(r.law, r.article) for r in ans.related]
    assert AGENCY_GOLD in basis
    assert not set(basis) & set(related)
    assert len(set(basis)) == len(basis) and len(set(related)) == len(related)
    assert all(r.origin == "search" for r in ans.related)


def test_cli_search_labels_lent_articles(small_store, capsys, monkeypatch):
    monkeypatch.setenv("FALV_BASE_DB", str(small_store.base_path))
    code, out, _ = run_cli(capsys, "search", AGENCY_SOLD, "--top", "5")
    assert code == 0
    assert "〔规则：" in out and "《中华人民共和国个人信息保护法》第二十三条" in out
    code, out, _ = run_cli(capsys, "search", AGENCY_SOLD, "--top", "5", "--json")
    hits = json.loads(out)["hits"]
    assert {"rule", "search"} >= {h["via"] for h in hits} and hits[0]["via"] == "rule"


def test_eval_scores_the_search_users_get(small_store, tmp_path):
    path = tmp_path / "pi.jsonl"
    path.write_text(json.dumps({"id": "pid-03", "question": AGENCY_SOLD, "gold_citations": [
        {"law": AGENCY_GOLD[0], "article": AGENCY_GOLD[1]}]}, ensure_ascii=False) + "\n", "utf-8")
    metrics, [result], _ = evaluate.run(small_store, path, with_answers=True)
    assert metrics["recall@10"] == 1.0 and result.rank(AGENCY_GOLD) <= MAX_LENT
    assert result.lent[AGENCY_GOLD] == "rule"  # --verbose marks it 〔规则〕
    assert metrics["basis_recall"] == 1.0  # the answer's basis rests on the same rule
