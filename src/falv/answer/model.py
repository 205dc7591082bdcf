"""The Answer value type and its stable JSON schema (docs/answer-schema.md).

Field names are English and stable; texts are Chinese. Every basis text is an article text read
from the statute store, never generated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..law.models import Ref, Verdict, VerdictKind

SCHEMA_VERSION = 3  # 3: `reading` (the kind of problem) and `floor`; 2: `scenarios` gone


CitedArticle = Ref  # an article an analysis point rests on (falv's one reference type)


@dataclass
class AnalysisPoint:
    text: str
    source: str  # "kb" (a stored Q&A answer), "rule" (a domain's rule) or "floor" (the kind's floor)
    citations: list[CitedArticle] = field(default_factory=list)
    provenance: list[dict] = field(default_factory=list)  # kb: file, entry, lines; rule: rule id
    channels: list[dict] = field(default_factory=list)  # routing cards (body, contact, …)

    def to_dict(self) -> dict:
        return {"text": self.text, "source": self.source,
                "citations": [c.to_dict() for c in self.citations],
                "provenance": self.provenance, "channels": self.channels}


@dataclass
class BasisArticle:
    law: str
    article: str
    text: str  # verbatim from the store
    status: str  # the law's status label (现行有效 …)
    verdict: VerdictKind  # the verifier's kind (its detail and replacement below)
    detail: str = ""
    replacement: str | None = None
    origin: str = "analysis"  # "analysis" (cited by a point), "question" (cited in it), "search"
    score: float | None = None
    chapter: str | None = None

    @classmethod
    def checked(cls, law: str, article: str, text: str, status: str, verdict: Verdict,
                **extra) -> "BasisArticle":
        """A basis article with the verifier's Verdict on it (kind, detail, replacement)."""
        return cls(law=law, article=article, text=text, status=status, verdict=verdict.kind,
                   detail=verdict.detail or "", replacement=verdict.replacement, **extra)

    def to_dict(self) -> dict:
        return dict(asdict(self), verdict=self.verdict.value)


@dataclass
class Note:
    kind: str  # "outdated" (an old name/law met on the way) · "verification" · "version" · "scope"
    text: str
    term: str | None = None
    replacement: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    question: str
    grounded: bool
    analysis: list[AnalysisPoint] = field(default_factory=list)
    basis: list[BasisArticle] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    related: list[BasisArticle] = field(default_factory=list)
    kb_entries: list[dict] = field(default_factory=list)  # matched KB entries: id, question, score
    timings: dict = field(default_factory=dict)
    frame: dict = field(default_factory=dict)  # the case frame read from the question
    missing: list[dict] = field(default_factory=list)  # 还需要确认: facts that change the advice
    missing_instruments: list[dict] = field(default_factory=list)  # 未收录的依据
    severity: dict | None = None  # 两高解释第五条 estimate from stated counts/gains
    letters: list[dict] = field(default_factory=list)  # drafts filled with the question's facts
    reading: dict = field(default_factory=dict)  # the kind of problem, the evidence, the rivals
    floor: bool = False  # no rule fits with confidence: the kind's always-right routes only

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "question": self.question,
            "grounded": self.grounded,
            "reading": self.reading,
            "floor": self.floor,
            "analysis": [p.to_dict() for p in self.analysis],
            "basis": [b.to_dict() for b in self.basis],
            "notes": [n.to_dict() for n in self.notes],
            "related": [r.to_dict() for r in self.related],
            "kb_entries": self.kb_entries,
            "timings": self.timings,
            "frame": self.frame,
            "missing": self.missing,
            "missing_instruments": self.missing_instruments,
            "severity": self.severity,
            "letters": self.letters,
        }
