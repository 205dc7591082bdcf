"""Find the knowledge-base entries that answer a question.

Questions in the KB are short (个人信息泄露找什么部门投诉); users phrase the same question many ways.
Matching is on character bigrams of the normalised question without filler words, scored by the
Dice coefficient, through an inverted index so that a large KB stays fast. Only entries above a
high threshold count: a wrong Q&A answer is worse than none. Besides, an entry asking the general
question of the case's kind (个人信息泄露怎么办) answers every question of that kind whose case holds
its own (a hospital's leak), however differently worded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from functools import cached_property
from typing import Callable

from ..kb.similar import bigrams
from ..kb.store import KnowledgeBase
from ..limits import MAX_GENERAL_ENTRIES
from ..text import normalize
from ..results.answer import AnalysisPoint, CitedArticle

MATCH_THRESHOLD = 0.6
CONTAINMENT_MIN = 0.75
MAX_MATCHES = 2
GENERAL_SCORE = 0.5  # the score of an entry matched by its kind of case, not by its wording
GENERAL_POINTS = 2  # points a general entry lends an answer (its first ones; the rules say the rest)
_FILLER = re.compile(r"[我的了吗呢啊呀吧么该要请问一下你们他她它是在和与及或被把将就都也还很最怎么办样如何什哪些]|[，。？！、：；,.?!:;\s\"'“”（）()]")


def _bigrams(text: str) -> frozenset[str]:
    """Bigrams of the question without filler words (the KB's own bigram function; only the
    normalisation and the threshold differ from the KB's merge of near-duplicate questions)."""
    return bigrams(_FILLER.sub("", normalize(text)))


@dataclass
class KbMatch:
    entry_id: str
    question: str
    score: float
    points: list[AnalysisPoint] = field(default_factory=list)


@dataclass
class _Entry:
    entry_id: str
    question: str
    grams: frozenset[str]


class KbMatcher:
    """Question index over the KB. Only (id, question) pairs are loaded up front; an entry's
    answers are read from the store when it first matches, so a large KB starts fast."""

    def __init__(self, entries: list[_Entry], kb=None):
        self.entries = entries
        self.kb = kb
        self.postings: dict[str, list[int]] = {}
        self._points: dict[str, list[AnalysisPoint]] = {}
        self._entry_topics: dict[int, frozenset[str]] = {}
        for i, e in enumerate(entries):
            for g in e.grams:
                self.postings.setdefault(g, []).append(i)

    @classmethod
    def load(cls, store) -> "KbMatcher":
        """The question index of the knowledge base in falv's store (empty when none was ingested)."""
        kb = KnowledgeBase(store.own)
        return cls([_Entry(eid, q, _bigrams(q)) for eid, q in kb.questions()], kb)

    def match(self, question: str, asked: frozenset[str],
              topics_of: Callable[[str], frozenset[str]]) -> list[KbMatch]:
        """Entries asking the same question. Wording overlap alone is not enough: an entry about a
        specific case (快递信息泄露: the 快递 holder) never answers a question about another or
        none. `asked`: what sets the question's case apart (its domain's topics); `topics_of`
        reads the same of a stored question."""
        grams = _bigrams(question)
        if not grams or not self.entries:
            return []
        scored = self._similar(grams, asked, topics_of)
        taken = {e.entry_id for _, e in scored}
        scored += [(GENERAL_SCORE, e) for e in self._general(asked, topics_of)
                   if e.entry_id not in taken]
        chosen = scored[:MAX_MATCHES]
        self._load_points([e.entry_id for _, e in chosen])
        return [KbMatch(e.entry_id, e.question, s,
                        [_uncited(p) if s == GENERAL_SCORE else _copy(p)
                         for p in self._points[e.entry_id]][:GENERAL_POINTS if s == GENERAL_SCORE else None])
                for s, e in chosen]

    def _topics(self, i: int, topics_of) -> frozenset[str]:
        scen = self._entry_topics.get(i)
        if scen is None:
            scen = self._entry_topics[i] = topics_of(self.entries[i].question)
        return scen

    def _similar(self, grams, asked, topics_of) -> list[tuple[float, _Entry]]:
        """Entries whose wording is close to the question's and whose case it is: what sets the
        stored question's case apart (快递) is in the question's too."""
        overlap: dict[int, int] = {}
        for g in grams:
            for i in self.postings.get(g, ()):
                overlap[i] = overlap.get(i, 0) + 1
        scored = []
        for i, n in overlap.items():
            e = self.entries[i]
            dice = 2 * n / (len(grams) + len(e.grams))
            # a KB question (almost) wholly contained in a longer user question counts too
            containment = n / len(e.grams) if len(e.grams) >= 4 else 0.0
            score = max(dice, 0.9 * containment if containment >= CONTAINMENT_MIN else 0.0)
            if score < MATCH_THRESHOLD:
                continue
            if self._topics(i, topics_of) <= asked:
                scored.append((score, e))
        scored.sort(key=lambda x: -x[0])
        return scored

    def _general(self, asked, topics_of) -> list[_Entry]:
        """Stored answers to the general question of the case's kind (个人信息泄露怎么办 for a
        hospital that leaked records): among the MAX_GENERAL_ENTRIES shortest stored questions,
        those whose case — its kind and what sets it apart — is wholly within the question's."""
        out = []
        for i in self._shortest:
            scen = self._topics(i, topics_of)
            if len(scen) >= 2 and scen <= asked:  # a kind and at least the kind of act
                out.append(self.entries[i])
        return out

    @cached_property
    def _shortest(self) -> list[int]:
        order = sorted(range(len(self.entries)), key=lambda i: len(self.entries[i].grams))
        return order[:MAX_GENERAL_ENTRIES]

    def _load_points(self, ids: list[str]) -> None:
        missing = [i for i in ids if i not in self._points]
        if missing:
            for entry in self.kb.entries(ids=missing):
                self._points[entry.id] = _points(entry)


def _copy(p: AnalysisPoint) -> AnalysisPoint:
    """A point of its own (the matcher's cached points are shared; the composer edits its lists)."""
    return p.model_copy(update={"citations": list(p.citations),
                                "provenance": [x.model_copy() for x in p.provenance],
                                "channels": list(p.channels)})


def _uncited(p: AnalysisPoint) -> AnalysisPoint:
    """A general entry's point lends its wording and provenance, not its 法律依据: those articles
    were chosen for the general question (信息泄露怎么处理 → 两高解释第五条), not for this case's facts;
    the rules' steps cite what the case rests on."""
    out = _copy(p)
    out.citations = []
    return out


def _points(entry) -> list[AnalysisPoint]:
    """KB entry → analysis points with their provenance. A lead-in line (“可通过以下三种方式维权:”)
    before enumerated points is not a point of its own. Each article of a source answer's 法律依据
    goes to the point it supports (attribute()), not glued to the first one; outdated wording is
    marked where it stands (工商部门〔现为市场监督管理部门〕)."""
    points = []
    for answer in entry.answers:
        shown = [pt for pt in answer.points if pt.kind != "intro"] or answer.points
        owners = attribute([pt.text for pt in shown],
                           [(b.law, b.quoted_text or "") for b in answer.basis if b.law and b.article])
        cited = [b for b in answer.basis if b.law and b.article]
        for i, pt in enumerate(shown):
            cites = [CitedArticle(law=b.law, article=b.article) for b, owner in zip(cited, owners) if owner == i]
            points.append(AnalysisPoint(text=mark_outdated(pt.text, pt.annotations), source="kb",
                                        citations=cites,
                                        provenance=list(pt.provenances) or [pt.provenance]))
    return points


_CRIMINAL = ("刑法", "刑事案件")
_POLICE = ("公安", "报案", "报警", "刑事")


def _short_names(law: str) -> list[str]:
    """How a point names a law: 民法典, 消费者权益保护法, 关于加强网络信息保护的决定 …"""
    short = law.removeprefix("中华人民共和国")
    names = [short]
    if "关于" in short:
        names.append(short[short.index("关于"):])
    return names


def attribute(points: list[str], articles: list[tuple[str, str]]) -> list[int]:
    """For each (law, quoted text) of a 法律依据 block, the index of the point it supports: the point
    that names the law, else (criminal provisions) the point about reporting to the police, else
    the point whose wording overlaps the article's most (character bigrams)."""
    if not points:
        return [0] * len(articles)
    grams = [bigrams(normalize(p)) for p in points]
    owners = []
    for law, quoted in articles:
        def score(i: int) -> float:
            text = points[i]
            s = 0.0
            if any(n and n in text for n in _short_names(law)):
                s += 3
            if any(c in law for c in _CRIMINAL) and any(w in text for w in _POLICE):
                s += 2
            q = bigrams(normalize(quoted))
            if q and grams[i]:
                s += len(q & grams[i]) / len(grams[i])
            return s
        owners.append(max(range(len(points)), key=lambda i: (score(i), -i)))
    return owners


def mark_outdated(text: str, annotations) -> str:
    """Insert 〔现为…〕 right after each outdated term the KB annotated (spans into `text`)."""
    spans = sorted(((a.span[1], a.replacement) for a in annotations
                    if a.replacement and 0 < a.span[1] <= len(text)), reverse=True)
    for end, replacement in spans:
        if text[end:end + 1] == "》":  # after the title mark: 《侵权责任法》〔现为…〕
            end += 1
        text = f"{text[:end]}〔现为{replacement}〕{text[end:]}"
    return text
