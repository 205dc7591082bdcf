"""Case frame → ordered steps of advice, their articles and channels (data: data/rules.toml).

Why rules over the frame: each step is written for a combination of facts (who, what, what was
done) and names the articles it rests on, so the answer's 法律依据 is exactly what the steps need.
Steps come out in order of urgency (threats, extortion, fraud first), each channel card once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ...text import normalize
from .basis import Basis, load_toml, parse_basis
from .channels import channel_table
from .frame import Frame, actor_entry

KEYS = ("actor", "info", "act", "harm", "wish", "place", "right", "subject")


@dataclass(frozen=True)
class Rule:
    id: str
    urgency: int
    when: dict
    unless: dict
    text: str
    basis: tuple[Basis, ...]
    channels: tuple[str, ...]
    duty: bool = False


@dataclass(frozen=True)
class FrameStep:
    """One step for this frame: our wording, its articles (Basis) and channel ids."""

    id: str
    text: str
    basis: tuple[Basis, ...]
    channels: tuple[str, ...]
    urgency: int

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "channels": list(self.channels),
                "citations": [{"law": b.law, "article": b.clause} for b in self.basis]}


@lru_cache(maxsize=1)
def _data() -> dict:
    return load_toml("rules.toml")


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    return tuple(Rule(id=r["id"], urgency=int(r.get("urgency", 3)), when=dict(r.get("when", {})),
                      unless=dict(r.get("unless", {})), text=r["text"],
                      basis=tuple(parse_basis(b) for b in r.get("basis", [])),
                      channels=tuple(r.get("channels", [])), duty=bool(r.get("duty", False)))
                 for r in _data()["rule"])


def _holds(key: str, value, frame: Frame, text: str) -> bool:
    if key in KEYS:
        return any(v in frame.get(key) for v in value)
    if key == "holder":
        entry = actor_entry(frame.actor)
        return bool(entry and entry.regulator) == bool(value)
    if key == "sensitive":
        return frame.sensitive == bool(value)
    if key == "private":
        return frame.private == bool(value)
    if key == "facts":
        return bool(frame.facts) == bool(value)
    if key == "words":
        return any(w in text for w in value)
    raise ValueError(f"rules.toml: unknown condition {key!r}")


def applies(when: dict, unless: dict, frame: Frame, text: str) -> bool:
    if not all(_holds(k, v, frame, text) for k, v in when.items()):
        return False
    return not any(_holds(k, v, frame, text) for k, v in unless.items())


def steps_for_frame(frame: Frame, text: str) -> list[FrameStep]:
    """The steps of the rules that apply, most urgent first, at most max_steps; a channel card
    appears on the first step that names it only."""
    text = normalize(text).lower()
    entry = actor_entry(frame.actor)
    holder = entry.name if entry and entry.name else "处理者"
    reg = channel_table().get(entry.regulator) if entry and entry.regulator else None
    regulator = reg.body if reg else "主管部门"
    wording = frame.wording()
    fired = [r for r in rules() if applies(r.when, r.unless, frame, text)]
    fired.sort(key=lambda r: r.urgency)  # stable: data order within an urgency
    out: list[FrameStep] = []
    seen_channels: set[str] = set()
    for r in fired[: int(_data().get("max_steps", 6))]:
        basis = list(r.basis)
        if r.duty and entry is not None:
            basis += [b for b in entry.duty if b not in basis]
        channels = []
        for c in r.channels:
            cid = (entry.regulator if entry else None) if c == "{regulator}" else c
            if cid and cid not in seen_channels:
                seen_channels.add(cid)
                channels.append(cid)
        if "{regulator}" in r.channels and entry is not None:
            basis += [b for b in entry.regulator_basis if b not in basis]
        words = r.text.replace("{holder}", holder).replace("{regulator_body}", regulator)
        for key, value in wording.items():
            words = words.replace("{" + key + "}", value)
        out.append(FrameStep(r.id, words, tuple(basis),
                             tuple(channels), r.urgency))
    return out


def missing_facts(frame: Frame, text: str = "") -> list[dict]:
    """「还需要确认」: facts the question leaves open that would change the advice."""
    out = []
    for m in _data().get("missing", []):
        if applies(m.get("when", {}), m.get("unless", {}), frame, text):
            out.append({"id": m["id"], "ask": m["ask"]})
    return out[: int(_data().get("max_missing", 3))]
