"""Leak-scenario detection and the analysis steps per scenario (data: data/scenarios.toml).

Why keywords and patterns and not a model: the rules are few, legible and testable, and every hit
can say which words caused it; the answer composer shows that to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ...errors import InputError
from ...law.models import Ref
from ...text import normalize
from .basis import Basis, load_toml, parse_basis, resolve_title

STRONG, WEAK, PATTERN = 2, 1, 3


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    steps: tuple[str, ...]
    routes: tuple[str, ...]
    route_basis: dict = field(default_factory=dict, compare=False, hash=False)
    route_note: str | None = None
    fallback: bool = False
    requires: tuple[str, ...] = ()  # at least one must occur (empty: no condition)
    exclude: re.Pattern | None = None  # a match vetoes the scenario


@dataclass(frozen=True)
class ScenarioHit:
    id: str
    name: str
    terms: tuple[str, ...]  # keywords and pattern matches that fired
    score: int

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "terms": list(self.terms), "score": self.score}


@dataclass(frozen=True)
class Step:
    """One action for the user, in our own words, with the channels and articles behind it."""

    id: str
    text: str
    channels: tuple[str, ...]
    citations: tuple[Ref, ...]  # law title as stored, article no (no 款/项)
    scenarios: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "channels": list(self.channels),
                "citations": [{"law": c.law, "article": c.article} for c in self.citations],
                "scenarios": list(self.scenarios)}


@lru_cache(maxsize=1)
def _data() -> dict:
    return load_toml("scenarios.toml")


@lru_cache(maxsize=1)
def scenarios() -> dict[str, Scenario]:
    """All scenarios by id, in data-file order."""
    out: dict[str, Scenario] = {}
    for entry in _data()["scenario"]:
        out[entry["id"]] = Scenario(
            id=entry["id"], name=entry["name"],
            strong=tuple(k.lower() for k in entry.get("strong", [])),
            weak=tuple(k.lower() for k in entry.get("weak", [])),
            patterns=tuple(re.compile(p) for p in entry.get("patterns", [])),
            steps=tuple(entry.get("steps", [])), routes=tuple(entry.get("routes", [])),
            route_basis={k: tuple(parse_basis(b) for b in v)
                         for k, v in entry.get("route_basis", {}).items()},
            route_note=entry.get("route_note"), fallback=bool(entry.get("fallback", False)),
            requires=tuple(k.lower() for k in entry.get("requires", [])),
            exclude=re.compile(entry["exclude"]) if entry.get("exclude") else None)
    return out


def scenario(scenario_id: str) -> Scenario:
    try:
        return scenarios()[scenario_id]
    except KeyError:
        raise InputError(f"未知的场景：{scenario_id}",
                         hint="可用场景：" + "、".join(scenarios())) from None


@lru_cache(maxsize=1)
def step_table() -> dict[str, tuple[str, tuple[str, ...], tuple[Basis, ...]]]:
    return {sid: (s["text"], tuple(s.get("channels", [])), tuple(parse_basis(b) for b in s.get("basis", [])))
            for sid, s in _data()["step"].items()}


def _score(sc: Scenario, text: str) -> tuple[int, list[str]]:
    if sc.requires and not any(k in text for k in sc.requires):
        return 0, []
    if sc.exclude is not None and sc.exclude.search(text):
        return 0, []
    score, terms = 0, []
    for kw in sc.strong:
        if kw in text:
            score += STRONG
            terms.append(kw)
    for kw in sc.weak:
        if kw in text:
            score += WEAK
            terms.append(kw)
    for pat in sc.patterns:
        m = pat.search(text)
        if m:
            score += PATTERN
            terms.append(m.group(0))
    return score, terms


def detect(question: str) -> list[ScenarioHit]:
    """Every scenario the question matches, strongest first; `general` only when nothing more
    specific matches but the question is about personal information; [] when unrelated."""
    if not isinstance(question, str):
        raise InputError("问题必须是文本")
    text = normalize(question).lower()
    min_score = int(_data().get("min_score", 2))
    hits, fallbacks = [], []
    for order, sc in enumerate(scenarios().values()):
        score, terms = _score(sc, text)
        if score >= min_score:
            (fallbacks if sc.fallback else hits).append((score, -order, sc, terms))
    chosen = hits or fallbacks
    chosen.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [ScenarioHit(sc.id, sc.name, tuple(dict.fromkeys(terms)), score)
            for score, _, sc, terms in chosen]


def _ids(items) -> list[str]:
    ids = []
    for item in items:
        sid = item.id if hasattr(item, "id") else str(item)
        scenario(sid)  # unknown ids are an input error
        ids.append(sid)
    return ids


def steps_for(items, store=None) -> list[Step]:
    """Analysis steps for these scenarios (ids or hits), in order, each step once. With a store,
    citations carry the title under which the store keeps the law (e.g. the imported 两高解释)."""
    table = step_table()
    merged: dict[str, Step] = {}
    for sid in _ids(items):
        for step_id in scenario(sid).steps:
            if step_id in merged:
                prev = merged[step_id]
                merged[step_id] = Step(prev.id, prev.text, prev.channels, prev.citations,
                                       prev.scenarios + (sid,))
                continue
            text, channels, bases = table[step_id]
            cites = tuple(Ref((resolve_title(store, b.law) or b.law) if store is not None else b.law,
                              b.article) for b in bases)
            merged[step_id] = Step(step_id, text, channels, cites, (sid,))
    return list(merged.values())
