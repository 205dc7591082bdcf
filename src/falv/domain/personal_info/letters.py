"""Letters an answer offers, already filled with the facts read from the question (the case
frame): a deletion request to the holder, a complaint to the holder's own regulator citing the
actor's provisions, and a police report whose 情节参考 comes from stated counts/gains (两高解释
第五条). Which letter when and the wording per act are data (data/letters.toml)."""

from __future__ import annotations

from functools import lru_cache

from ..basis import load_toml
from ..channels import channel_table
from ..drafts import render_draft
from .frame import Frame, actor_entry
from .severity import assess

# info kinds whose words name *what* information (the rest are too vague to list)
_LISTED_INFO = ("contact", "identity", "medical", "financial", "location", "biometric", "comms",
                "employment", "portrait", "intimate", "private", "name", "marital")


@lru_cache(maxsize=1)
def _data() -> dict:
    return load_toml("letters.toml", __package__)


def _info_words(frame: Frame) -> list[str]:
    words: list[str] = []
    for kind in _LISTED_INFO:
        if kind in frame.info:
            words += [w for w in frame.evidence.get(f"info.{kind}", []) if w not in words]
    return words


def _reasons(frame: Frame) -> str:
    table = _data()["reason"]
    whose = frame.wording().get("letter_whose", "本人")
    return "；".join(table[a].replace("{whose}", whose) for a in frame.acts if a in table)


def _severity_text(frame: Frame) -> str | None:
    if not frame.facts:
        return None
    f = frame.facts
    a = assess(f["counts"], f["gains"], insider=f["insider"])
    rules = "、".join(dict.fromkeys(r.clause for r in a.rules))
    return f"{a.label}" + (f"（两高解释{rules}）" if rules else "") + "；按所述数量估算，仅供参考"


def fills(kind: str, frame: Frame, question: str, steps=()) -> tuple[dict, tuple]:
    """(fill, extra articles) of one letter for this frame."""
    fill, extra = _FILLS[kind](frame, question, steps) if kind in _FILLS else ({}, ())
    return {k: v for k, v in fill.items() if v}, extra


def _delete_fill(frame: Frame, question: str, steps) -> tuple[dict, tuple]:
    """A request to delete: which information (whose), and why."""
    info = _info_words(frame)
    whose = frame.wording().get("letter_whose", "本人")
    whose_de = whose if whose.endswith("的") else whose + "的"
    return {"删除范围": (whose_de + "、".join(info) + "等个人信息") if info else f"贵方处理的{whose_de}全部个人信息",
            "删除理由": _reasons(frame)}, ()


def _complaint_fill(frame: Frame, question: str, steps) -> tuple[dict, tuple]:
    """A complaint to the actor's regulator, with the actor's duties as extra articles."""
    entry = actor_entry(frame.actor)
    fill: dict[str, str] = {}
    reg = channel_table().get(entry.regulator) if entry and entry.regulator else None
    if reg is not None:
        fill["主管部门"] = reg.body
    fill["事实经过"] = question
    fill["请求事项"] = _data()["request"]["complaint"]
    return fill, (tuple(entry.duty + entry.regulator_basis) if entry else ())


def _police_fill(frame: Frame, question: str, steps) -> tuple[dict, tuple]:
    """A report to the police: the facts, the counts and gains stated, the severity estimate; the
    articles of the steps that route to the police as extra."""
    fill = {"事实经过": question}
    if frame.facts:
        counts = frame.facts["counts"]
        if counts:
            fill["信息种类与数量"] = "、".join(f"{k} {v} 条" for k, v in counts.items())
        if frame.facts.get("gains") not in (None, "0"):
            fill["违法所得"] = f"{frame.facts['gains']} 元"
    estimate = _severity_text(frame)
    if estimate:
        fill["情节估算"] = estimate
    return fill, tuple(b for s in steps if "police" in s.channels or s.id.endswith("police")
                       for b in s.basis)


_FILLS = {"delete": _delete_fill, "complaint": _complaint_fill, "police": _police_fill}


def letters_for(frame: Frame, question: str, store, steps=()) -> list[dict]:
    """The letters this case calls for, as plain text ready to copy, with the facts filled in;
    each says what it asks for and by when a reply is expected (the templates' 答复期限)."""
    entry = actor_entry(frame.actor)
    is_holder = bool(entry and entry.regulator)
    channels = {c for s in steps for c in s.channels}
    out = []
    for kind, spec in _data()["letter"].items():
        if spec.get("holder") and not is_holder:
            continue
        if not set(spec.get("acts", [])) & set(frame.acts):
            continue
        if spec.get("needs_channel") and spec["needs_channel"] not in channels:
            continue
        if frame.actor in spec.get("unless_actors", []):
            continue
        fill, extra = fills(kind, frame, question, steps)
        draft = render_draft(kind, fill, store, "text", extra=extra)
        out.append({"kind": kind, "title": draft["title"], "fill": fill, "text": draft["text"],
                    "missing": draft["missing"]})
    return out


__all__ = ["letters_for", "fills"]
