"""Complaint routing: scenario(s) → the ordered channels a person can turn to (data:
data/channels.toml for the channels, data/scenarios.toml for each scenario's order).

`route()` returns a JSON-ready dict shared by the CLI, the HTTP API and the MCP server.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ...errors import InputError
from .basis import Basis, load_toml, parse_basis, quote_all
from .scenarios import ScenarioHit, detect, scenario, scenarios, steps_for
from .severity import assess, facts_from_text


@dataclass(frozen=True)
class Contact:
    kind: str  # hotline · website · how
    value: str
    unconfirmed: bool = False
    note: str | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "unconfirmed": self.unconfirmed,
                "note": self.note}


@dataclass(frozen=True)
class Channel:
    id: str
    body: str
    handles: str
    prepare: tuple[str, ...]
    contact: tuple[Contact, ...]
    basis: tuple[Basis, ...]

    def with_basis(self, extra: tuple[Basis, ...]) -> "Channel":
        seen = {b.clause + b.law for b in self.basis}
        added = tuple(b for b in extra if b.clause + b.law not in seen)
        return Channel(self.id, self.body, self.handles, self.prepare, self.contact,
                       self.basis + added)

    def to_dict(self, store=None, quote_text: bool = True) -> dict:
        if quote_text and store is not None:
            basis = quote_all(store, self.basis)
        else:
            basis = [{"law": b.law, "article": b.article} for b in self.basis]
        return {"id": self.id, "body": self.body, "contact": [c.to_dict() for c in self.contact],
                "handles": self.handles, "prepare": list(self.prepare), "basis": basis}


@lru_cache(maxsize=1)
def channel_table() -> dict[str, Channel]:
    out = {}
    for cid, c in load_toml("channels.toml")["channel"].items():
        out[cid] = Channel(
            id=cid, body=c["body"], handles=c["handles"], prepare=tuple(c.get("prepare", [])),
            contact=tuple(Contact(x["kind"], x["value"], bool(x.get("unconfirmed", False)),
                                  x.get("note")) for x in c.get("contact", [])),
            basis=tuple(parse_basis(b) for b in c.get("basis", [])))
    return out


def channels_for(scenario_ids) -> list[Channel]:
    """Ordered channels for one or more scenarios: the first scenario's order leads, later ones
    add the channels it lacks; scenario-specific articles are merged into each channel's basis."""
    table = channel_table()
    merged: dict[str, Channel] = {}
    for sid in scenario_ids:
        sc = scenario(sid)
        for cid in sc.routes:
            base = merged.get(cid) or table[cid]
            merged[cid] = base.with_basis(sc.route_basis.get(cid, ()))
    return list(merged.values())


NO_SCENARIO = "未识别出个人信息相关的场景；可以指定场景（见场景列表）后再查"


def route(question: str | None = None, scenario_id: str | None = None, store=None,
          quote_text: bool = True) -> dict:
    """JSON-ready routing for a question (detected scenarios) or one named scenario."""
    if scenario_id:
        sc = scenario(scenario_id)
        hits = [ScenarioHit(sc.id, sc.name, (), 0)]
    elif question and question.strip():
        hits = detect(question)
    else:
        raise InputError("请给出问题或场景")
    ids = [h.id for h in hits]
    notes = [scenario(i).route_note for i in ids if scenario(i).route_note]
    if not ids:
        notes.append(NO_SCENARIO)
    chans = channels_for(ids)
    result = {
        "question": question,
        "scenarios": [h.to_dict() for h in hits],
        "channels": [dict(c.to_dict(store, quote_text), order=n) for n, c in enumerate(chans, 1)],
        "steps": [s.to_dict() for s in steps_for(ids, store)],
        "notes": notes,
    }
    estimate = _severity_estimate(question) if question and not scenario_id else None
    if estimate:
        result["severity"] = estimate
    return result


def _severity_estimate(question: str) -> dict | None:
    """When the question states counts or gains, the 第五条 level they would reach (a hint for
    the police channel; `falv severity` gives the full reasoning)."""
    facts = facts_from_text(question)
    if not facts:
        return None
    a = assess(facts["counts"], facts["gains"], insider=facts["insider"])
    return {"facts": facts, "level": a.level, "label": a.label,
            "rules": [r.clause for r in a.rules], "estimate": True}


def list_scenarios() -> list[dict]:
    return [{"id": s.id, "name": s.name, "routes": list(s.routes)} for s in scenarios().values()]
