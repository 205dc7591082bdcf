"""Case frame → ordered steps of advice, their articles and channels (data: data/rules.toml).

Why rules over the frame: each step is written for a combination of facts (who, what, what was
done) and names the articles it rests on, so the answer's 法律依据 is exactly what the steps need.
Steps come out in order of urgency (threats, extortion, fraud first), each channel card once.
"""

from __future__ import annotations

from functools import lru_cache

from ...text import normalize
from ..channels import channel_table
from ..rulebook import DataFile, Rulebook, Step, load_questions, load_rulebook
from .frame import Frame, _vocab, actor_entry

FrameStep = Step  # one step for a frame (the domains' one step type)
PLACEHOLDER_CHANNELS = frozenset({"{regulator}"})


def _holder(frame: Frame, value, text: str) -> bool:
    entry = actor_entry(frame.actor)
    return bool(entry and entry.regulator) == bool(value)


# conditions besides the frame's dimensions (frame.toml)
FLAGS = {
    "holder": _holder,
    "sensitive": lambda frame, value, text: frame.sensitive == bool(value),
    "private": lambda frame, value, text: frame.private == bool(value),
    "facts": lambda frame, value, text: bool(frame.facts) == bool(value),
    "words": lambda frame, value, text: any(w in text for w in value),
}


@lru_cache(maxsize=1)
def _file() -> DataFile:
    return DataFile.load(__package__, "rules.toml")


@lru_cache(maxsize=1)
def rulebook() -> Rulebook:
    return load_rulebook(_file(), _vocab(), FLAGS, extra_keys=frozenset({"duty"}),
                         channels=frozenset(channel_table()), placeholders=PLACEHOLDER_CHANNELS)


@lru_cache(maxsize=1)
def _questions():
    return load_questions(_file(), _vocab(), FLAGS)


def rules():
    return rulebook().rules


def applies(when: dict, unless: dict, frame: Frame, text: str) -> bool:
    return rulebook().applies(when, unless, frame, text)


def steps_for_frame(frame: Frame, text: str) -> list[FrameStep]:
    """The steps of the rules that apply, most urgent first, at most max_steps; a channel card
    appears on the first step that names it only."""
    text = normalize(text).lower()
    entry = actor_entry(frame.actor)
    holder = entry.name if entry and entry.name else "处理者"
    reg = channel_table().get(entry.regulator) if entry and entry.regulator else None
    regulator = reg.body if reg else "主管部门"
    wording = frame.wording()
    book = rulebook()
    fired = book.fired(frame, text)
    out: list[FrameStep] = []
    seen_channels: set[str] = set()
    for r in fired[: int(book.settings.get("max_steps", 6))]:
        channels = _new_channels(r, entry, seen_channels)
        words = r.text.replace("{holder}", holder).replace("{regulator_body}", regulator)
        for key, value in wording.items():
            words = words.replace("{" + key + "}", value)
        out.append(FrameStep(r.id, words, _step_basis(r, entry), channels, r.urgency,
                             "personal_info", r.generic))
    return out


def _step_basis(r, entry) -> tuple:
    """A rule's basis for the actor: its own duty first where the rule says so (the most
    specific), its regulator's basis added where the rule routes to the regulator."""
    basis = list(r.basis)
    if r.attrs.get("duty") and entry is not None:  # the actor's own duty first: the most specific
        basis = list(entry.duty) + [b for b in basis if b not in entry.duty]
    if "{regulator}" in r.channels and entry is not None:
        basis += [b for b in entry.regulator_basis if b not in basis]
    return tuple(basis)


def _new_channels(r, entry, seen: set[str]) -> tuple[str, ...]:
    """The rule's channels ({regulator}: the actor's) not on an earlier step; adds them to `seen`."""
    channels = []
    for c in r.channels:
        cid = (entry.regulator if entry else None) if c == "{regulator}" else c
        if cid and cid not in seen:
            seen.add(cid)
            channels.append(cid)
    return tuple(channels)


def missing_facts(frame: Frame, text: str = "") -> list[dict]:
    """「还需要确认」: facts the question leaves open that would change the advice."""
    out = [{"id": q.id, "ask": q.ask} for q in _questions()
           if applies(q.when, q.unless, frame, text)]
    return out[: int(rulebook().settings.get("max_missing", 3))]
