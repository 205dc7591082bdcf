"""One case analysis per question: which domain reads it, its frame, the steps the domain's rules
give, the facts still missing, the knowledge-base entries that answer it and the threshold
estimate where one applies. Computed once and shared by `ask`, `route`, search's bridges and the
letters, so none of them reads the question a second time or in another way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..domain.basis import place
from ..domain.protocol import Domain, Frame
from ..domain.registry import DOMAINS, scenario
from ..domain.rulebook import Step
from ..text import normalize
from .kbmatch import KbMatch, KbMatcher

URGENT = 2  # steps of this urgency or more urgent come before the knowledge base's points


@dataclass(frozen=True)
class CaseAnalysis:
    question: str  # as asked (stripped); letters quote it
    text: str  # normalised
    domain: Domain
    frame: Frame
    steps: tuple[Step, ...]
    missing: tuple[dict, ...] = ()
    kb: tuple[KbMatch, ...] = ()
    severity: dict | None = None
    scenario: str | None = None
    placed: tuple[tuple[object, str], ...] = ()  # (basis as placed, why): the store's version
    unplaced: tuple[tuple[object, str], ...] = ()  # (basis, why): its meant text is not stored

    @property
    def urgent(self) -> list[Step]:
        return [s for s in self.steps if s.urgency <= URGENT]

    @property
    def later(self) -> list[Step]:
        return [s for s in self.steps if s.urgency > URGENT]

    def channel_ids(self) -> list[str]:
        """The channels the steps name, in step order, each once."""
        return list(dict.fromkeys(c for s in self.steps for c in s.channels))


def _domain_for(text: str) -> Domain:
    return DOMAINS[0]


def entry_topics(question: str) -> frozenset[str]:
    """What sets a stored question's case apart, read the way a user's question is."""
    domain = _domain_for(normalize(question))
    return domain.topics(domain.read(question))


def place_steps(steps, store) -> tuple[tuple[Step, ...], tuple, tuple]:
    """The steps with each article placed in the store's version of its law (domain.basis.place):
    a rule written against another version cites the number that holds its text there, and an
    article whose text the store does not hold at all is left out of the step (the answer lists
    it under 未收录的依据). Returns (steps, placed, unplaced)."""
    if store is None:
        return tuple(steps), (), ()
    out, placed, unplaced = [], [], []
    for step in steps:
        bases = []
        for b in step.basis:
            where = place(store, b)
            if where.basis is None:
                unplaced.append((b, where.note))
                continue
            if where.note:
                placed.append((where.basis, where.note))
            bases.append(where.basis)
        out.append(replace(step, basis=tuple(bases)) if bases != list(step.basis) else step)
    return tuple(out), tuple(placed), tuple(unplaced)


def analyse(question: str, kb: KbMatcher | None = None, store=None) -> CaseAnalysis:
    """The analysis of a question (checked by the caller: falv.limits); with `store`, its steps'
    articles are placed in the store's versions of their laws."""
    asked = question.strip()
    text = normalize(question)
    domain = _domain_for(text)
    frame = domain.read(question)
    steps, placed, unplaced = place_steps(domain.steps(frame), store)
    matches = tuple(kb.match(text, domain.topics(frame), entry_topics)) if kb is not None else ()
    return CaseAnalysis(question=asked, text=text, domain=domain, frame=frame, steps=steps,
                        missing=tuple(domain.missing(frame)), kb=matches,
                        severity=domain.severity(frame), placed=placed, unplaced=unplaced)


def analyse_scenario(sid: str, store=None) -> CaseAnalysis:
    """The analysis of a named frame (`route --scenario`): no question, no KB, no estimate."""
    domain, frame = scenario(sid)
    steps, placed, unplaced = place_steps(domain.steps(frame), store)
    return CaseAnalysis(question="", text="", domain=domain, frame=frame, steps=steps,
                        missing=tuple(domain.missing(frame)), scenario=sid, placed=placed,
                        unplaced=unplaced)
