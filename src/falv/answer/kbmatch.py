"""Find the knowledge-base entries that answer a question.

Questions in the KB are short (个人信息泄露找什么部门投诉); users phrase the same question many ways.
Matching is on character bigrams of the normalised question without filler words, scored by the
Dice coefficient, through an inverted index so that a large KB stays fast. Only entries above a
high threshold count: a wrong Q&A answer is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import normalize
from .model import AnalysisPoint, CitedArticle

MATCH_THRESHOLD = 0.6
CONTAINMENT_MIN = 0.75
MAX_MATCHES = 2
_FILLER = re.compile(r"[我的了吗呢啊呀吧么该要请问一下你们他她它是在和与及或被把将就都也还很最怎么办样如何什哪些]|[，。？！、：；,.?!:;\s\"'“”（）()]")


def _bigrams(text: str) -> set[str]:
    core = _FILLER.sub("", normalize(text))
    if len(core) < 2:
        return {core} if core else set()
    return {core[i:i + 2] for i in range(len(core) - 1)}


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
    grams: set[str]
    points: list[AnalysisPoint]
    scenarios: frozenset[str] = frozenset()


def _scenarios(text: str) -> frozenset[str]:
    """Specific leak scenarios of a question (the general fallback does not count)."""
    from ..domain.personal_info.scenarios import detect

    return frozenset(h.id for h in detect(text) if h.id != "general")


class KbMatcher:
    def __init__(self, entries: list[_Entry]):
        self.entries = entries
        self.postings: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            for g in e.grams:
                self.postings.setdefault(g, []).append(i)

    @classmethod
    def load(cls, store) -> "KbMatcher":
        """Entries of the knowledge base in falv's store (empty when none was ingested)."""
        try:
            from ..kb.store import KnowledgeBase
        except ImportError:  # knowledge base not available in this build
            return cls([])
        kb = KnowledgeBase(store.own)
        return cls([_Entry(e.id, e.question, _bigrams(e.question), _points(e), _scenarios(e.question))
                    for e in kb.entries()])

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
            if score >= MATCH_THRESHOLD and (asked & e.scenarios or not (asked or e.scenarios)):
                scored.append((score, e))
        scored.sort(key=lambda x: -x[0])
        return [KbMatch(e.entry_id, e.question, s, [_copy(p) for p in e.points])
                for s, e in scored[:MAX_MATCHES]]


def _copy(p: AnalysisPoint) -> AnalysisPoint:
    return AnalysisPoint(p.text, p.source, list(p.citations), [dict(x) for x in p.provenance],
                         list(p.channels))


def _points(entry) -> list[AnalysisPoint]:
    """KB entry → analysis points with their provenance. A source answer's 法律依据 supports the
    answer as a whole, so its citations are listed once, on the answer's first point."""
    points = []
    for answer in entry.answers:
        cites = [CitedArticle(b.law, b.article) for b in answer.basis if b.law and b.article]
        for i, pt in enumerate(answer.points):
            points.append(AnalysisPoint(text=pt.text, source="kb",
                                        citations=list(cites) if i == 0 else [],
                                        provenance=list(pt.provenances) or [pt.provenance]))
    return points
