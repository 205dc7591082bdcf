"""One case analysis per question: which domain reads it, its frame, the steps the domain's rules
give, the facts still missing, the knowledge-base entries that answer it and the threshold
estimate where one applies. Computed once and shared by `ask`, `route`, search's bridges and the
letters, so none of them reads the question a second time or in another way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain.basis import place
from ..domain.frame import NO_DOMAIN
from ..domain.kinds import KindReading, decide, floor_facts, floor_steps
from ..domain.protocol import Domain, Frame
from ..domain.registry import DOMAINS, get, scenario
from ..domain.rulebook import Step
from ..text import normalize
from .kbmatch import KbMatch, KbMatcher

URGENT = 2  # steps of this urgency or more urgent come before the knowledge base's points


@dataclass(frozen=True)
class CaseAnalysis:
    question: str  # as asked (stripped); letters quote it
    text: str  # normalised
    domain: Domain  # the domain that answers (NO_DOMAIN: none reads it)
    frame: Frame
    steps: tuple[Step, ...]
    reading: KindReading | None = None  # the kind of problem, and how sure
    floor: bool = False  # no rule fits with confidence: the steps are the kind's floor
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


def read(question: str) -> tuple[KindReading, dict[str, Frame]]:
    """The kind of problem (domain.kinds.decide over every domain's fits) and each domain's frame.
    What one domain reads as reported words (the rumour in 说我偷拿货款被开除) is no fact of the
    case for the others: they read the question with those words blanked."""
    frames = {d.id: d.read(question) for d in DOMAINS}
    spans = [sp for d in DOMAINS for sp in getattr(d, "reported", lambda f: [])(frames[d.id])]
    if spans:
        text = list(normalize(question))
        for start, end in spans:
            text[start:end] = "□" * (end - start)
        masked = "".join(text)
        for d in DOMAINS:
            if not getattr(d, "reported", lambda f: [])(frames[d.id]):
                frames[d.id] = d.read(masked)
    fits = [f for d in DOMAINS for f in d.fits(frames[d.id])]
    return decide(fits, normalize(question)), frames


def entry_topics(question: str) -> frozenset[str]:
    """What sets a stored question's case apart, read the way a user's question is: its kind
    and what its domain says sets it apart."""
    reading, frames = read(question)
    if reading.domain is None:
        return frozenset({f"kind.{reading.kind}"})
    domain = get(reading.domain)
    return frozenset({f"kind.{reading.kind}"}) | domain.topics(frames[domain.id])


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
    articles are placed in the store's versions of their laws. The domain the kind reading
    chose answers with its rules when they fit with confidence; otherwise the steps are the
    honest floor of the kind (data/kinds.toml) and 「还需要确认」 asks what would decide it."""
    asked = question.strip()
    text = normalize(question)
    reading, frames = read(question)
    domain = get(reading.domain) if reading.domain else NO_DOMAIN
    frame = frames.get(domain.id, NO_DOMAIN.read(""))
    steps = domain.steps(frame) if reading.confident else []
    if reading.confident and reading.also is not None:  # the second area's steps join
        steps = _joined(steps, get(reading.also.domain).steps(frames[reading.also.domain]))
    floor = not any(not s.generic for s in steps)
    if floor:
        steps = floor_steps(reading, text)
        missing = _floor_missing(reading, text)
    else:
        missing = domain.missing(frame)
    steps, placed, unplaced = place_steps(steps, store)
    topics = frozenset({f"kind.{reading.kind}"}) | domain.topics(frame)
    matches = tuple(kb.match(text, topics, entry_topics)) if kb is not None else ()
    return CaseAnalysis(question=asked, text=text, domain=domain, frame=frame, steps=steps,
                        reading=reading, floor=floor, missing=tuple(missing), kb=matches,
                        severity=None if floor else domain.severity(frame), placed=placed,
                        unplaced=unplaced)


def _joined(first: list[Step], second: list[Step], most: int = 6) -> list[Step]:
    """Two domains' steps as one answer: most urgent first (the first domain's before the
    second's within an urgency), each text and each channel once, at most `most`."""
    merged = sorted(first + second, key=lambda s: s.urgency)  # stable: first domain first
    out, seen = [], set()
    for s in merged:
        if s.generic and any(o.generic for o in out):
            continue
        channels = tuple(c for c in s.channels if c not in seen)
        seen.update(channels)
        out.append(replace(s, channels=channels))
    return out[:most]


def _floor_missing(reading: KindReading, text: str) -> list[dict]:
    """「还需要确认」 of a floor answer: why the reading is unsure, then the deciding facts."""
    out = []
    if reading.why:
        out.append({"id": "reading", "ask": f"{reading.why}；补充事情的经过和你想要的结果，才能判断适用哪些规则。"})
    out += [{"id": f"fact{n}", "ask": ask} for n, ask in enumerate(floor_facts(reading, text), 1)]
    return out[:3]


def analyse_scenario(sid: str, store=None) -> CaseAnalysis:
    """The analysis of a named frame (`route --scenario`): no question, no KB, no estimate."""
    domain, frame = scenario(sid)
    steps, placed, unplaced = place_steps(domain.steps(frame), store)
    fit = max(domain.fits(frame), key=lambda f: (f.core, f.score))
    return CaseAnalysis(question="", text="", domain=domain, frame=frame, steps=steps,
                        reading=KindReading(fit.kind, True, fit), missing=tuple(domain.missing(frame)),
                        scenario=sid, placed=placed, unplaced=unplaced)
