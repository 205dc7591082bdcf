"""Reading the kind of problem before answering it: personal information, 名誉/肖像, fraud,
labour, consumer, family, lending, traffic, tenancy or other — from combined evidence, never
from one word.

Every domain reads the question into its own frame and says how well it fits (`Domain.fits`:
for each kind it answers, a score and the words behind it, and whether its core evidence is
there — a labour issue such as unpaid wages, information *and* something done with it …). The
kind with core evidence and the best score wins when it leads the next by a margin; two readings
that stay close, or none with core evidence, are not picked: the answer is the honest floor for
the likeliest kind, and 「还需要确认」 says what would decide it. Why not one classifier: the
evidence a domain needs is its own (a 给了 means nothing without information given), and each
reading stays explainable (`alternatives`: why the other kinds lost). Only where no domain's
reading leads to any kind does a model of the wording (domain.kindmodel) name the likely kind of
the floor answer, with the words that weighed most.

The kinds, their labels and their floors (the routes that are always right for a kind, the facts
that decide it) are data: data/kinds.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..errors import InputError
from ..text import parse_article_no
from .basis import Basis, parse_basis
from .channels import channel_table
from .kindmodel import KindModel, load
from .rulebook import DataFile, RulebookError, Step

MIN_SCORE = 1.0  # the weakest reading an answer may rest on (one act against the person)
MARGIN = 1.0  # how far the chosen kind must lead the next one with core evidence
MIN_GUESS = 2.0  # without core evidence, the score a kind needs to be named as a guess
WORDED_P = 0.7  # without any reading, the probability the wording model needs to name a kind


@dataclass(frozen=True)
class Fit:
    """How well one domain's reading fits one kind."""

    kind: str
    domain: str
    score: float
    core: bool  # the evidence the domain needs to answer is there
    evidence: tuple[str, ...] = ()  # "dim.id：words" behind the score
    missing: str = ""  # when not core: what the reading lacks, in words
    grave: bool = False  # an act a lawyer never leaves out (a hidden camera, a tracker): where
    # its kind overlaps the leading one, both answer however far apart their scores are

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": label(self.kind), "domain": self.domain,
                "score": round(self.score, 2), "core": self.core, "evidence": list(self.evidence),
                "missing": self.missing}


@dataclass(frozen=True)
class KindReading:
    """The kind of problem a question was read as, whether an answer may rest on it, and why."""

    kind: str
    confident: bool
    chosen: Fit | None  # the fit behind the kind (None: no domain had core evidence)
    alternatives: tuple[Fit, ...] = ()  # the other readings, best first
    why: str = ""  # why the reading is (not) confident, in words
    topic: str = ""  # for kind 'other': what it seems to be about (继承, 相邻关系 …)
    also: Fit | None = None  # a second kind the question is as much about (data/kinds.toml overlap)

    @property
    def domain(self) -> str | None:
        return self.chosen.domain if self.chosen is not None else None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": label(self.kind), "topic": self.topic or None,
                "domain": self.domain, "confident": self.confident, "why": self.why,
                "also": self.also.to_dict() if self.also else None,
                "score": round(self.chosen.score, 2) if self.chosen else 0.0,
                "evidence": list(self.chosen.evidence) if self.chosen else [],
                "alternatives": [a.to_dict() for a in self.alternatives]}


@dataclass(frozen=True)
class Fact:
    """A fact that would decide a question (「还需要确认」), not asked where the question already
    says it (`answered`: words that show it does — 没留遗嘱 answers 有没有遗嘱)."""

    ask: str
    answered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scope:
    """Where a floor's 相关法条 are searched: a law (full title), all of it or articles lo–hi."""

    law: str
    lo: int = 0
    hi: int = 0  # 0: the whole law

    def holds(self, article_no: str) -> bool:
        if not self.hi:
            return True
        try:
            number = parse_article_no(article_no)[0]
        except InputError:
            return False
        return self.lo <= number <= self.hi


_SCOPE = re.compile(r"^(?P<law>\S+)(?: (?P<lo>\d+)-(?P<hi>\d+))?$")


@dataclass(frozen=True)
class KindSpec:
    id: str
    label: str
    steps: tuple[Step, ...]  # the floor: routes that are always right for this kind
    facts: tuple[Fact, ...]  # what would decide a question of this kind
    scope: tuple[Scope, ...] = ()  # where its floor's 相关法条 are searched


@dataclass(frozen=True)
class Topic:
    """A kind of problem falv has no domain for (继承, 相邻关系 …), named in a floor answer."""

    id: str
    label: str
    terms: tuple[str, ...]
    steps: tuple[Step, ...]
    facts: tuple[Fact, ...]
    scope: tuple[Scope, ...] = ()


@lru_cache(maxsize=1)
def _file() -> DataFile:
    return DataFile.load(__package__, "kinds.toml")


def _floor_steps(file: DataFile, owner: str, specs: list, channels: frozenset[str]) -> tuple[Step, ...]:
    out = []
    for n, spec in enumerate(specs):
        unknown = set(spec) - {"text", "basis", "channels", "urgency", "stake"}
        if unknown:
            raise file.error(f"{owner}: 未知的键 {sorted(unknown)[0]!r}", owner)
        for c in spec.get("channels", []):
            if c not in channels:
                raise file.error(f"{owner}: 未知的渠道 {c!r}", owner, c)
        try:
            basis = tuple(parse_basis(b) for b in spec.get("basis", []))
        except Exception as exc:
            raise file.error(f"{owner}: 法律依据格式不对：{exc}", owner) from None
        stake = spec.get("stake")
        sid = f"floor.{owner.strip('[]').split('.')[-1]}.{n + 1}" + (f".{stake}" if stake else "")
        out.append(Step(sid, spec["text"], basis, tuple(spec.get("channels", [])),
                        int(spec.get("urgency", 3)), "floor"))
    return tuple(out)


def _facts(file: DataFile, owner: str, specs: list) -> tuple[Fact, ...]:
    out = []
    for spec in specs:
        if isinstance(spec, str):
            out.append(Fact(spec))
            continue
        unknown = set(spec) - {"ask", "answered"} if isinstance(spec, dict) else {"?"}
        if unknown or "ask" not in spec:
            raise file.error(f"{owner}: facts 的一项应为文字或 {{ask, answered}}", owner)
        out.append(Fact(spec["ask"], tuple(spec.get("answered", []))))
    return tuple(out)


def _scope(file: DataFile, owner: str, specs: list) -> tuple[Scope, ...]:
    out = []
    for spec in specs:
        m = _SCOPE.match(spec) if isinstance(spec, str) else None
        if m is None or (m["lo"] and int(m["lo"]) > int(m["hi"])):
            raise file.error(f"{owner}: scope 的一项应为「法律全称」或「法律全称 起-止条号」：{spec!r}",
                             owner)
        out.append(Scope(m["law"], int(m["lo"] or 0), int(m["hi"] or 0)))
    return tuple(out)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, KindSpec], tuple[Topic, ...], dict]:
    file = _file()
    known = frozenset(channel_table())
    kinds = {}
    for kid, spec in file.data.get("kind", {}).items():
        unknown = set(spec) - {"label", "floor", "facts", "scope"}
        if unknown:
            raise file.error(f"kind.{kid}: 未知的键 {sorted(unknown)[0]!r}", f"[kind.{kid}]")
        kinds[kid] = KindSpec(kid, spec["label"],
                              _floor_steps(file, f"[kind.{kid}]", spec.get("floor", []), known),
                              _facts(file, f"[kind.{kid}]", spec.get("facts", [])),
                              _scope(file, f"[kind.{kid}]", spec.get("scope", [])))
    if "other" not in kinds:
        raise RulebookError(f"{file.name}: 缺少 [kind.other]")
    topics = []
    for tid, t in file.data.get("topic", {}).items():
        unknown = set(t) - {"label", "terms", "floor", "facts", "scope"}
        if unknown:
            raise file.error(f"topic.{tid}: 未知的键 {sorted(unknown)[0]!r}", f"[topic.{tid}]")
        topics.append(Topic(tid, t["label"], tuple(t.get("terms", [])),
                            _floor_steps(file, f"[topic.{tid}]", t.get("floor", []), known),
                            _facts(file, f"[topic.{tid}]", t.get("facts", [])),
                            _scope(file, f"[topic.{tid}]", t.get("scope", []))))
    stakes = {sid: (tuple(s.get("terms", [])), _floor_steps(file, f"[stake.{sid}]", s.get("floor", []), known))
              for sid, s in file.data.get("stake", {}).items()}
    return kinds, tuple(topics), stakes


_OVERLAP_ORDER = ("family", "labour", "tenancy", "consumer", "lending", "traffic", "personal_info",
                  "personality", "fraud")  # which answers first when two overlapping kinds tie


@lru_cache(maxsize=1)
def overlaps() -> frozenset[frozenset[str]]:
    """Pairs of kinds one question may be equally about (data/kinds.toml [[overlap]]): when they
    tie, both domains' steps answer it instead of the floor."""
    file = _file()
    out = set()
    for spec in file.data.get("overlap", []):
        pair = frozenset(spec.get("kinds", []))
        unknown = pair - set(kinds())
        if len(pair) != 2 or unknown:
            raise file.error(f"overlap 应为两个已知的问题类型：{sorted(pair)}", "[[overlap]]")
        out.add(pair)
    return frozenset(out)


def kinds() -> dict[str, KindSpec]:
    return _tables()[0]


def label(kind: str) -> str:
    spec = kinds().get(kind)
    return spec.label if spec else kind


def topic_of(text: str) -> Topic | None:
    """The topic of a question no domain reads (the one with most of its words in it)."""
    best, hits = None, 0
    for t in _tables()[1]:
        n = sum(1 for w in t.terms if w in text)
        if n > hits:
            best, hits = t, n
    return best


def stakes_of(text: str) -> list[tuple[str, tuple[Step, ...]]]:
    """Safety and money at stake in the question (words of data/kinds.toml [stake]), with the
    routes they add to a floor (110, 96110)."""
    return [(sid, steps) for sid, (terms, steps) in _tables()[2].items()
            if any(w in text for w in terms)]


def decide(fits: list[Fit], text: str) -> KindReading:
    """The kind of problem, from every domain's fits (see the module docstring)."""
    ranked = sorted(fits, key=lambda f: (-f.core, -f.score))
    cores = [f for f in ranked if f.core]
    if not cores:
        return _without_core(ranked, text)
    top = cores[0]
    rivals = [f for f in cores[1:] if f.domain != top.domain]
    rest = tuple(f for f in ranked if f is not top)
    if top.score < MIN_SCORE:
        return KindReading(top.kind, False, top, rest, f"{label(top.kind)}的依据不足")
    paired = [f for f in rivals if frozenset({top.kind, f.kind}) in overlaps()
              and (top.score - f.score < 2 * MARGIN or f.grave)]
    if paired:  # one question, two areas: both answer
        return _both(top, paired[0], ranked)
    if rivals and top.score - rivals[0].score < MARGIN:
        return KindReading(top.kind, False, top, rest,
                           f"既像{label(top.kind)}问题，也像{label(rivals[0].kind)}问题")
    return KindReading(top.kind, True, top, rest, "")


def _without_core(ranked: list[Fit], text: str) -> KindReading:
    """No domain's core facts are all there: the closest fit as a guess (where it scores
    MIN_GUESS and no topic is named), else the kind the wording model (domain.kindmodel) gives at
    least WORDED_P (with the words that weighed most; the fit of the domain that reads that kind,
    where it has one), else the kind 'other' with the topic the words suggest."""
    topic = topic_of(text)
    why = "没有哪一类问题的关键事实齐备" + (f"；看起来是{topic.label}问题" if topic else "")
    guess = ranked[0] if ranked and ranked[0].score >= MIN_GUESS else None
    if guess is not None and topic is None:
        return KindReading(guess.kind, False, guess, tuple(ranked[1:]),
                           why + f"；最接近{label(guess.kind)}（{guess.missing}）")
    worded = kind_model().guess(text) if topic is None else None
    if worded is not None and worded.kind != "other" and worded.p >= WORDED_P and worded.words:
        words = f"用词：{'、'.join(worded.words)}"
        fit = next((f for f in ranked if f.kind == worded.kind), None)  # its domain's reading
        fit = replace(fit, evidence=fit.evidence + (words,)) if fit is not None else None
        return KindReading(worded.kind, False, fit, tuple(f for f in ranked if f.kind != worded.kind),
                           why + f"；从用词看像{label(worded.kind)}问题（{words}）")
    return KindReading("other", False, None, tuple(ranked), why, topic.label if topic else "")


@lru_cache(maxsize=1)
def kind_model() -> KindModel:
    """The wording model (data/kind_model.npz), checked against the kinds of data/kinds.toml."""
    return load(set(kinds()))


def _both(top: Fit, other: Fit, ranked: list[Fit]) -> KindReading:
    """Two areas that overlap (data/kinds.toml) both answer: the higher score first, ties in
    _OVERLAP_ORDER."""
    first = min((top, other), key=lambda f: (-f.score, _OVERLAP_ORDER.index(f.kind)
                                             if f.kind in _OVERLAP_ORDER else 99))
    second = other if first is top else top
    return KindReading(first.kind, True, first, tuple(f for f in ranked if f is not first),
                       f"同时涉及{label(first.kind)}和{label(second.kind)}", also=second)


def floor_steps(reading: KindReading, text: str) -> list[Step]:
    """The honest floor: the routes that are always right for the kind (or topic) and for the
    safety and money at stake, most urgent first, each channel once."""
    steps: list[Step] = []
    for _, stake_steps in stakes_of(text):
        steps += stake_steps
    topic = topic_of(text) if reading.kind == "other" else None
    spec = kinds().get(reading.kind) or kinds()["other"]
    steps += topic.steps if topic is not None and topic.steps else spec.steps
    steps.sort(key=lambda s: s.urgency)
    out, seen = [], set()
    for s in steps:
        channels = tuple(c for c in s.channels if c not in seen)
        seen.update(channels)
        if s.text in {o.text for o in out}:
            continue
        out.append(Step(s.id, s.text, s.basis, channels, s.urgency, s.domain))
    return out


def floor_scope(reading: KindReading, text: str) -> tuple[Scope, ...]:
    """Where the 相关法条 of a floor answer are searched: the topic's laws for kind 'other' (继承:
    民法典 继承编), else the kind's; () where neither names any (the whole ranking)."""
    if reading.kind == "other":
        topic = topic_of(text)
        return topic.scope if topic is not None else ()
    spec = kinds().get(reading.kind)
    return spec.scope if spec is not None else ()


def floor_facts(reading: KindReading, text: str) -> list[str]:
    """The two or three facts that would decide a question of the kind (or topic)."""
    topic = topic_of(text) if reading.kind == "other" else None
    facts = topic.facts if topic is not None and topic.facts else (
        kinds().get(reading.kind) or kinds()["other"]).facts
    return [f.ask for f in facts if not any(w in text for w in f.answered)]


__all__ = ["Fit", "KindReading", "Basis", "Scope", "decide", "floor_steps", "floor_facts",
           "floor_scope", "kinds", "label", "stakes_of", "topic_of", "MIN_SCORE", "MARGIN"]
