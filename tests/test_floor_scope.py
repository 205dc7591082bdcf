"""The 相关法条 of a floor answer are searched where its kind's (or topic's) law is
(data/kinds.toml `scope`): no 海商法 光船租赁 for a tenant. Real store, real search."""

from __future__ import annotations

import tomllib

import pytest

from factories import composer as composer_for
from falv.domain.kinds import Scope, _scope, floor_scope, kinds
from falv.answer.analysis import read
from falv.domain.rulebook import DataFile, RulebookError


@pytest.fixture
def composer(store):
    return composer_for(store)


def _in(scopes, law: str, article: str) -> bool:
    return any(s.law == law and s.holds(article) for s in scopes)


@pytest.mark.parametrize("question", [
    "租的屋子退了，房东扣着钱",  # a tenancy floor (no rule's facts): 民法典 租赁合同
    "我爷爷去世了留下一套房，叔叔不让我们分",  # topic 继承: 民法典 继承编
])
def test_a_floor_lists_related_articles_only_from_its_kinds_scope(composer, question):
    ans = composer.answer(question)
    assert ans.floor
    reading, _ = read(question)
    scopes = floor_scope(reading, ans.question)
    assert scopes, "the kind (or topic) names where its law is"
    assert ans.related, "the store holds these laws: the floor lists matches from them"
    assert all(_in(scopes, r.law, r.article) for r in ans.related), [(r.law, r.article) for r in ans.related]


def test_a_kind_without_scope_lists_the_whole_ranking(composer):
    ans = composer.answer("我想问一下怎么办")
    reading, _ = read("我想问一下怎么办")
    assert reading.kind == "other" and not floor_scope(reading, ans.question)


def test_every_kind_but_other_names_a_scope_whose_laws_the_base_store_mostly_holds(store):
    from falv.domain.basis import resolve_title
    for kid, spec in kinds().items():
        if kid == "other":
            continue
        assert spec.scope, kid
        assert any(resolve_title(store, s.law) for s in spec.scope), kid


def test_a_range_holds_its_own_articles_only():
    s = Scope("中华人民共和国民法典", 703, 734)
    assert s.holds("第七百零三条") and s.holds("第七百三十四条")
    assert not s.holds("第七百三十五条") and not s.holds("不是条号")
    assert Scope("中华人民共和国刑法", 253, 253).holds("第二百五十三条之一")
    assert Scope("中华人民共和国劳动合同法").holds("第一条")


@pytest.mark.parametrize("entry", ["中华人民共和国民法典 734-703", "民法典 第七百条", 12])
def test_a_scope_entry_that_does_not_parse_is_refused_with_the_file_named(entry):
    text = f"[kind.x]\nscope = [{entry!r}]\n".replace("'", '"')
    file = DataFile("x/data/kinds.toml", tomllib.loads(text), tuple(text.splitlines()))
    with pytest.raises(RulebookError, match=r"^x/data/kinds.toml:\d+: .*scope"):
        _scope(file, "[kind.x]", file.data["kind"]["x"]["scope"])


def test_a_scoped_search_ranks_only_the_articles_in_scope_in_one_ranking(store):
    from falv.search.retrieve import searcher
    s = searcher(store)
    scopes = [("中华人民共和国民法典", 703, 734), ("中华人民共和国消费者权益保护法", 0, 0)]
    hits = s.search_within("房东不退押金，还说墙弄脏了", scopes, top=8)
    assert hits
    for h in hits:
        law, no = h.article.law.title, h.article.article_no
        assert any(law == t and (not hi or Scope(t, lo, hi).holds(no)) for t, lo, hi in scopes), (law, no)
    scores = [h.score for h in hits if h.article.law.doc_type == "法律"]
    assert scores == sorted(scores, reverse=True)
    assert s.search_within("房东不退押金", [("没有这部法", 1, 2)]) == []
