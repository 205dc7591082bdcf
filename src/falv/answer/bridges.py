"""Bridges from legal knowledge to search: articles that the question's facts point to, where its
words do not.

Everyday wording often shares no word with the statute (快递员把我的手机号卖了 / 个人信息保护法
第二十三条), and re-weighting the question's own words has been exhausted (BENCHMARKS.md, issue 14).
But falv already knows more than the words: a crime the question names (诈骗罪) is defined by one
刑法 article, which the store's 罪名 instruments name (law/crimes.py); the case-frame rules that
fit the question name the articles their steps rest on; and knowledge-base entries asking the
same question cite the articles of their answers. All three lend those articles to `search` as
candidates:

* which: a named crime's articles always (the name is as explicit as a citation); the rules' and
  the KB's only when the question names what it is about — a person's information and something
  done with it, a personality right, or an act against the person (the domain's `lends`): an
  actor and a verb alone (卖家反悔不卖了) fire rules meant for information being sold;
* how many: the first MAX_LENT, named crimes first, then in the order the `ask` answer's analysis
  cites them (urgent rule steps, then the matched KB entries' points, then the other rule steps);
* placement: after the articles the question cites itself, before the ranked ones; among the
  lent, those the ranking found too come first, in the ranking's order (two signals agree),
  then the others in the answer's order; each article once, the rest of the ranking after;
* each lent hit says why it is there (Hit.via "crime" / "rule" / "kb", with the crime's name, the
  rule or the entry in its reasons).

The frame, rules and KB matcher are the answer composer's own, so what search lends is what the
`ask` answer rests on (search hits still never enter an answer's 法律依据: they are 相关法条).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain.basis import resolve_title
from ..errors import InputError
from ..law.crimes import CRIMINAL_LAW, CrimeNames
from ..law.models import Ref
from ..results import SearchGroup, SearchHit, SearchResult
from ..search.corpus import is_law_kind
from ..search.retrieve import Hit, Searcher
from ..text import canonical_article_no
from .analysis import URGENT, CaseAnalysis

MAX_LENT = 6  # lent articles placed ahead of the ranking; the ranking keeps the other places
LAWS_GROUP = "法律"  # the group of the ranking (laws); other kinds are groups of their own
POOL = 100  # how deep a lent article counts as found by the ranking too (the re-ranked candidates)


@dataclass(frozen=True)
class Lent:
    """One article lent to search: the reference, the bridge ("crime" / "rule" / "kb") and what
    fired it."""
    ref: Ref
    via: str
    source: str  # crime name, rule id, or knowledge-base entry number


def lent_articles(case: CaseAnalysis, crimes: CrimeNames | None = None) -> list[Lent]:
    """The articles the crimes the question names, its case analysis's steps and matching KB
    entries point to — crimes first, then in the order the answer's analysis cites them — each
    once (not resolved against the store yet)."""
    text = case.text
    steps = case.steps if case.domain.lends(case.frame) else ()
    kb_points = [(m.entry_id, p) for m in case.kb for p in m.points]
    out: list[Lent] = []
    seen: set[tuple[str, str]] = set()

    def add(ref: Ref, via: str, source: str) -> None:
        key = (ref.law, ref.article)
        if key not in seen:
            seen.add(key)
            out.append(Lent(ref, via, source))

    for crime in crimes.find(text) if crimes is not None else []:
        for number in crime.articles:
            add(Ref(CRIMINAL_LAW, number), "crime", crime.name)
    for s in steps:
        if s.urgency <= URGENT:
            for b in s.basis:
                add(b, "rule", s.id)
    for entry_id, p in kb_points:
        for c in p.citations:
            add(c, "kb", f"#{entry_id}")
    for s in steps:
        if s.urgency > URGENT:
            for b in s.basis:
                add(b, "rule", s.id)
    return out


def lent_hits(searcher: Searcher, lent: list[Lent]) -> list[Hit]:
    """The lent articles the index holds as current articles, as hits marked with their bridge;
    instruments the store lacks and numbers it does not hold are left out (search shows only
    stored articles), at most MAX_LENT."""
    store = searcher.store
    out: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    for item in lent:
        if len(out) >= MAX_LENT:
            break
        title = resolve_title(store, item.ref.law)
        if title is None:
            continue
        try:
            number = canonical_article_no(item.ref.article)
        except InputError:
            continue
        hit = searcher.lookup(title, number)
        if hit is None:
            continue
        key = (hit.article.law.title, hit.article.article_no)
        if key in seen:
            continue
        seen.add(key)
        out.append(replace(hit, reasons=(f"{item.via}:{item.source}",), via=item.via))
    return out


def _key(h: Hit) -> tuple[str, str]:
    return (h.article.law.title, h.article.article_no)


def bridge(hits: list[Hit], groups: list[tuple[str, list[Hit]]], lent: list[Hit], top: int
           ) -> tuple[list[Hit], list[tuple[str, list[Hit]]]]:
    """The ranking (fetched POOL deep when anything is lent) with the lent hits placed after the
    directly cited ones and before the ranked ones, each article once (a ranked article that is
    also lent keeps its score and moves up), at most `top`; the groups without the articles the
    ranking now shows."""
    if not lent:
        return hits, groups
    direct = [h for h in hits if h.direct]
    shown = {_key(h) for h in direct}
    ranked = {_key(h): h for h in hits if not h.direct}
    merged = list(direct)
    place = {key: i for i, key in enumerate(ranked)}  # both agree: the ranking's order first
    lent = sorted(lent, key=lambda h: place.get(_key(h), len(place)))
    for h in lent:
        key = _key(h)
        if key in shown:
            continue
        shown.add(key)
        found = ranked.get(key)
        merged.append(replace(found, via=h.via, reasons=found.reasons + h.reasons) if found else h)
    merged += [h for key, h in ranked.items() if key not in shown]
    groups = [(kind, [h for h in members if _key(h) not in shown]) for kind, members in groups]
    return merged[:top], [(kind, members) for kind, members in groups if members]


def search_result(query: str, hits: list[Hit], groups) -> SearchResult:
    """The bridged ranking and its groups ((kind, hits) pairs) as the result `search` returns."""
    return SearchResult(query=query, hits=[_hit(h) for h in hits],
                        groups=[SearchGroup(kind=kind, hits=[_hit(h, kind) for h in members])
                                for kind, members in groups])


def _hit(h: Hit, group: str | None = None) -> SearchHit:
    """A ranked article as its result model: in the group of its own kind (法律 for the ranking)."""
    kind = h.article.law.doc_type
    return SearchHit.model_validate(
        dict(h.to_dict(), group=group or (LAWS_GROUP if is_law_kind(kind) else kind)))
