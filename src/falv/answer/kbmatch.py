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

MATCH_THRESHOLD = 0.5
MAX_MATCHES = 2
_FILLER = re.compile(r"[我的了吗呢啊呀吧么该要请问一下你们他她它是在和与及或被把将就都也还很最怎么办样如何什哪些个]|[，。？！、：；,.?!:;\s\"'“”（）()]")


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
        return cls([_Entry(e.id, e.question, _bigrams(e.question), _points(e)) for e in kb.entries()])

    def match(self, question: str) -> list[KbMatch]:
        grams = _bigrams(question)
        if not grams or not self.entries:
            return []
        overlap: dict[int, int] = {}
        for g in grams:
            for i in self.postings.get(g, ()):
                overlap[i] = overlap.get(i, 0) + 1
        scored = []
        for i, n in overlap.items():
            e = self.entries[i]
            dice = 2 * n / (len(grams) + len(e.grams))
            # a short KB question fully contained in the user's question counts as a match too
            containment = n / len(e.grams) if len(e.grams) >= 4 else 0.0
            score = max(dice, 0.9 * containment)
            if score >= MATCH_THRESHOLD:
                scored.append((score, e))
        scored.sort(key=lambda x: -x[0])
        return [KbMatch(e.entry_id, e.question, s, [_copy(p) for p in e.points])
                for s, e in scored[:MAX_MATCHES]]


def _copy(p: AnalysisPoint) -> AnalysisPoint:
    return AnalysisPoint(p.text, p.source, list(p.citations), [dict(x) for x in p.provenance],
                         list(p.channels))


def _points(entry) -> list[AnalysisPoint]:
    """KB entry → analysis points, each with its provenance and the citations its answer rests on."""
    points = []
    for answer in entry.answers:
        cites = [CitedArticle(b.law, b.article) for b in answer.basis if b.law and b.article]
        for pt in answer.points:
            points.append(AnalysisPoint(text=pt.text, source="kb", citations=list(cites),
                                        provenance=[pt.provenance] if pt.provenance else []))
    return points
