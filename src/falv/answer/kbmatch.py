"""Find the knowledge-base entries that answer a question.

Questions in the KB are short (个人信息泄露找什么部门投诉); users phrase the same question many ways.
Matching is on character bigrams of the normalised question without filler words, scored by the
Dice coefficient, through an inverted index so that a large KB stays fast. Only entries above a
high threshold count: a wrong Q&A answer is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain.personal_info.scenarios import detect
from ..kb.store import KnowledgeBase, bigrams
from ..text import normalize
from .model import AnalysisPoint, CitedArticle

MATCH_THRESHOLD = 0.6
CONTAINMENT_MIN = 0.75
MAX_MATCHES = 2
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


def _scenarios(text: str) -> frozenset[str]:
    """Specific leak scenarios of a question (the general fallback does not count)."""
    return frozenset(h.id for h in detect(text) if h.id != "general")


class KbMatcher:
    """Question index over the KB. Only (id, question) pairs are loaded up front; an entry's
    answers are read from the store when it first matches, so a large KB starts fast."""

    def __init__(self, entries: list[_Entry], kb=None):
        self.entries = entries
        self.kb = kb
        self.postings: dict[str, list[int]] = {}
        self._points: dict[str, list[AnalysisPoint]] = {}
        self._entry_scenarios: dict[int, frozenset[str]] = {}
        for i, e in enumerate(entries):
            for g in e.grams:
                self.postings.setdefault(g, []).append(i)

    @classmethod
    def load(cls, store) -> "KbMatcher":
        """The question index of the knowledge base in falv's store (empty when none was ingested)."""
        kb = KnowledgeBase(store.own)
        return cls([_Entry(eid, q, _bigrams(q)) for eid, q in kb.questions()], kb)

    def match(self, question: str) -> list[KbMatch]:
        """Entries asking the same question. Wording overlap alone is not enough: an entry about a
        specific leak scenario (快递信息泄露) never answers a question about another or none."""
        grams = _bigrams(question)
        if not grams or not self.entries:
            return []
        asked = _scenarios(question)
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
            scen = self._entry_scenarios.get(i)
            if scen is None:
                scen = self._entry_scenarios[i] = _scenarios(e.question)
            if asked & scen or not (asked or scen):
                scored.append((score, e))
        scored.sort(key=lambda x: -x[0])
        chosen = scored[:MAX_MATCHES]
        self._load_points([e.entry_id for _, e in chosen])
        return [KbMatch(e.entry_id, e.question, s, [_copy(p) for p in self._points[e.entry_id]])
                for s, e in chosen]

    def _load_points(self, ids: list[str]) -> None:
        missing = [i for i in ids if i not in self._points]
        if missing:
            for entry in self.kb.entries(ids=missing):
                self._points[entry.id] = _points(entry)


def _copy(p: AnalysisPoint) -> AnalysisPoint:
    return AnalysisPoint(p.text, p.source, list(p.citations), [dict(x) for x in p.provenance],
                         list(p.channels))


def _points(entry) -> list[AnalysisPoint]:
    """KB entry → analysis points with their provenance. A lead-in line (“可通过以下三种方式维权:”)
    before enumerated points is not a point of its own. A source answer's 法律依据 supports the
    answer as a whole, so its citations are listed once, on the answer's first point."""
    points = []
    for answer in entry.answers:
        cites = [CitedArticle(b.law, b.article) for b in answer.basis if b.law and b.article]
        shown = [pt for pt in answer.points if pt.kind != "intro"] or answer.points
        for i, pt in enumerate(shown):
            points.append(AnalysisPoint(text=pt.text, source="kb",
                                        citations=list(cites) if i == 0 else [],
                                        provenance=list(pt.provenances) or [pt.provenance]))
    return points
