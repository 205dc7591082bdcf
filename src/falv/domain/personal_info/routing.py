"""Complaint routing: a question (read into a case frame) or a named frame → the steps of advice
and the channels they name, in the steps' order (safety and money first), each channel once.

Why from the frame: `falv ask` and `falv route` must name the same authorities in the same order,
so both take them from the same frame through the same rules (rules.toml); there is no second
understanding of a question. `route()` returns a JSON-ready dict shared by the CLI, the HTTP API
and the MCP server.
"""

from __future__ import annotations

from ...errors import InputError
from ..basis import resolve_title
from ..channels import Channel, channel_table
from .frame import Frame, actor_entry, named_frame, named_frames, read_frame
from .rules import FrameStep, steps_for_frame
from .severity import assess

NO_SCENARIO = "未识别出个人信息相关的情形；可以指定场景（见场景列表）后再查"


def channel_ids(steps: list[FrameStep]) -> list[str]:
    """The channels the steps name, in step order, each once."""
    return list(dict.fromkeys(c for s in steps for c in s.channels))


def channels_for(frame: Frame, steps: list[FrameStep]) -> list[Channel]:
    """The cards of the steps' channels; the handler's card adds the actor's own duty article and
    its regulator's card the article the regulator acts under (frame.toml)."""
    table = channel_table()
    entry = actor_entry(frame.actor)
    out = []
    for cid in channel_ids(steps):
        card = table[cid]
        if entry is not None and cid == "handler":
            card = card.with_basis(entry.duty)
        elif entry is not None and cid == entry.regulator:
            card = card.with_basis(entry.regulator_basis)
        out.append(card)
    return out


def _step_dict(step: FrameStep, store) -> dict:
    out = step.to_dict()
    if store is not None:  # the title under which the store keeps the law (the imported 两高解释)
        for c in out["citations"]:
            c["law"] = resolve_title(store, c["law"]) or c["law"]
    return out


def route(question: str | None = None, scenario_id: str | None = None, store=None,
          quote_text: bool = True) -> dict:
    """JSON-ready routing for a question (its case frame) or one named frame (`scenario_id`)."""
    if scenario_id:
        frame, text = named_frame(scenario_id), ""
    elif isinstance(question, str) and question.strip():
        frame, text = read_frame(question), question
    else:
        raise InputError("请给出问题或场景")
    steps = steps_for_frame(frame, text)
    chans = channels_for(frame, steps)
    result = {
        "question": question,
        "scenario": scenario_id or None,
        "frame": frame.to_dict(),
        "channels": [dict(c.to_dict(store, quote_text), order=n) for n, c in enumerate(chans, 1)],
        "steps": [_step_dict(s, store) for s in steps],
        "notes": [] if steps else [NO_SCENARIO],
    }
    estimate = _severity_estimate(frame) if not scenario_id else None
    if estimate:
        result["severity"] = estimate
    return result


def _severity_estimate(frame: Frame) -> dict | None:
    """When the question states counts or gains, the 第五条 level they would reach (a hint for
    the police channel; `falv severity` gives the full reasoning)."""
    facts = frame.facts
    if not facts:
        return None
    a = assess(facts["counts"], facts["gains"], insider=facts["insider"])
    return {"facts": facts, "level": a.level, "label": a.label,
            "rules": [r.clause for r in a.rules], "estimate": True}


def list_scenarios() -> list[dict]:
    """The named frames, each with the channels its steps name."""
    out = []
    for sid, spec in named_frames().items():
        frame = named_frame(sid)
        out.append({"id": sid, "name": spec["name"],
                    "routes": channel_ids(steps_for_frame(frame, ""))})
    return out
