"""A domain's rules (turning slots into steps of advice) and clarifying questions, loaded from its
data file and validated against its vocabulary and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..basis import Basis, parse_basis
from .datafile import DataFile
from .vocabulary import Vocabulary

RULE_KEYS = frozenset({"id", "urgency", "priority", "when", "unless", "text", "basis", "channels",
                       "generic"})

@dataclass(frozen=True)
class Rule:
    id: str
    urgency: int
    priority: int
    when: dict
    unless: dict
    text: str
    basis: tuple[Basis, ...]
    channels: tuple[str, ...]
    attrs: dict = field(default_factory=dict, compare=False, hash=False)
    generic: bool = False  # a step any case gets (keep evidence): never alone the ground of an answer


@dataclass(frozen=True)
class Step:
    """One step of advice for a case: our wording, the articles it rests on, the channel ids it
    routes to, its urgency and the rule (and domain) it came from."""

    id: str
    text: str
    basis: tuple[Basis, ...]
    channels: tuple[str, ...]
    urgency: int
    domain: str = ""
    generic: bool = False  # see Rule.generic

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "channels": list(self.channels),
                "citations": [{"law": b.law, "article": b.clause} for b in self.basis]}


Flag = Callable[[object, object, str], bool]  # (frame, value, text) → holds


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[Rule, ...]
    flags: dict[str, Flag]
    settings: dict

    def holds(self, key: str, value, frame, text: str) -> bool:
        flag = self.flags.get(key)
        if flag is not None:
            return flag(frame, value, text)
        return any(v in frame.get(key) for v in value)

    def applies(self, when: dict, unless: dict, frame, text: str) -> bool:
        if not all(self.holds(k, v, frame, text) for k, v in when.items()):
            return False
        return not any(self.holds(k, v, frame, text) for k, v in unless.items())

    def fired(self, frame, text: str) -> list[Rule]:
        """The rules that apply, most urgent first, by explicit priority within an urgency."""
        return sorted((r for r in self.rules if self.applies(r.when, r.unless, frame, text)),
                      key=lambda r: (r.urgency, r.priority))


def check_conditions(file: DataFile, where: tuple[str, ...], conditions: dict, vocab: Vocabulary,
                     flags: dict) -> None:
    """Every key of a when/unless table is a dimension or a flag; every id a dimension entry."""
    for key, value in conditions.items():
        if key in flags:
            continue
        if key not in vocab.dims:
            raise file.error(f"未知的条件 {key!r}", *where, key)
        if not isinstance(value, list) or not value:
            raise file.error(f"条件 {key} 应为非空的 id 列表", *where, key)
        for v in value:
            if not vocab.has(key, v):
                raise file.error(f"{key} 没有条目 {v!r}", *where, v)


def load_rulebook(file: DataFile, vocab: Vocabulary, flags: dict[str, Flag],
                  extra_keys: frozenset[str] = frozenset(), channels: frozenset[str] | None = None,
                  placeholders: frozenset[str] = frozenset()) -> Rulebook:
    """The rules of `file` ([[rule]] tables), validated against the vocabulary and the flags:
    unknown keys, ids, channels → error with file:line; (urgency, priority) unique."""
    rules = []
    seen_ids: set[str] = set()
    seen_order: dict[tuple[int, int], str] = {}
    for spec in file.data.get("rule", []):
        rid = spec.get("id")
        if not isinstance(rid, str) or not rid:
            raise file.error("规则缺少 id", "[[rule]]")
        where = (f'id = "{rid}"',)
        if rid in seen_ids:
            raise file.error(f"规则 id 重复：{rid}", *where)
        seen_ids.add(rid)
        unknown = set(spec) - RULE_KEYS - extra_keys
        if unknown:
            key = sorted(unknown)[0]
            raise file.error(f"规则 {rid}: 未知的键 {key!r}", *where, key)
        for part in ("when", "unless"):
            check_conditions(file, where, dict(spec.get(part, {})), vocab, flags)
        if "priority" not in spec:
            raise file.error(f"规则 {rid}: 缺少 priority（同一 urgency 内的先后须写明）", *where)
        urgency, priority = int(spec.get("urgency", 3)), int(spec["priority"])
        if (urgency, priority) in seen_order:
            raise file.error(f"规则 {rid}: urgency {urgency} 的 priority {priority} 已被 "
                             f"{seen_order[(urgency, priority)]} 使用", *where, "priority")
        seen_order[(urgency, priority)] = rid
        for c in spec.get("channels", []):
            if channels is not None and c not in channels and c not in placeholders:
                raise file.error(f"规则 {rid}: 未知的渠道 {c!r}", *where, c)
        try:
            basis = tuple(parse_basis(b) for b in spec.get("basis", []))
        except Exception as exc:  # InputError from parse_basis
            raise file.error(f"规则 {rid}: 法律依据格式不对：{exc}", *where, "basis") from None
        rules.append(Rule(id=rid, urgency=urgency, priority=priority, when=dict(spec.get("when", {})),
                          unless=dict(spec.get("unless", {})), text=spec["text"], basis=basis,
                          channels=tuple(spec.get("channels", [])),
                          attrs={k: spec[k] for k in extra_keys if k in spec},
                          generic=bool(spec.get("generic", False))))
    settings = {k: v for k, v in file.data.items() if k not in ("rule", "missing")}
    return Rulebook(tuple(rules), dict(flags), settings)


@dataclass(frozen=True)
class Question:
    """A clarifying question (「还需要确认」) and when it is asked."""

    id: str
    ask: str
    when: dict
    unless: dict


def load_questions(file: DataFile, vocab: Vocabulary, flags: dict) -> tuple[Question, ...]:
    out = []
    for spec in file.data.get("missing", []):
        mid = spec.get("id", "")
        where = (f'id = "{mid}"',)
        for part in ("when", "unless"):
            check_conditions(file, where, dict(spec.get(part, {})), vocab, flags)
        out.append(Question(mid, spec["ask"], dict(spec.get("when", {})), dict(spec.get("unless", {}))))
    return tuple(out)
