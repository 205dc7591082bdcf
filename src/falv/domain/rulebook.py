"""The machinery every domain shares: a vocabulary that reads a question into slots (who, what,
what was done …, each with the words that supported it), and a rulebook whose rules turn slots
into steps of advice. Both are data files of the domain; both validate themselves on load, so an
unknown key or id (`act = ["harras"]`) is an error naming file:line, never a rule that silently
never fires.

Why one machinery: a domain is data plus a little code. Personal information, labour, family …
read questions and order their steps the same way; only their words, rules and flags differ.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable

from ..text import normalize
from .basis import Basis, parse_basis

FUZZY_MIN_LEN = 3  # terms this long also match with one character wrong (nouns only)
MAX_FUZZY_TEXT = 400  # fuzzy matching only on question-sized text
ENTRY_KEYS = frozenset({"terms", "patterns", "exclude", "unless", "needs"})
# `states`: words that, in a step, state this entry's fact of the case (tests tie them to rules'
# conditions); `presumed`: an actor every case of the domain has (a labour dispute's employer), whose
# words state nothing; `weight`: the entry's share of its domain's fit score (area domains)
COMMON_ATTRIBUTES = frozenset({"states", "weight", "presumed"})
RULE_KEYS = frozenset({"id", "urgency", "priority", "when", "unless", "text", "basis", "channels",
                       "generic"})


class RulebookError(ValueError):
    """A domain data file that does not validate: the message names file:line."""


# -- data files ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DataFile:
    """A TOML data file of a domain package, with its raw lines for error locations."""

    name: str  # package-relative label (personal_info/data/rules.toml)
    data: dict
    lines: tuple[str, ...]

    @classmethod
    def load(cls, package: str, name: str) -> "DataFile":
        raw = resources.files(package).joinpath("data", name).read_text("utf-8")
        label = f"{package.rsplit('.', 1)[-1]}/data/{name}"
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise RulebookError(f"{label}: {exc}") from None
        return cls(label, data, tuple(raw.splitlines()))

    def line_of(self, *needles: str) -> int:
        """The line (1-based) where the needles occur in order, each on or after the previous
        one's line; 0 when not found."""
        start = 0
        for needle in needles:
            for i in range(start, len(self.lines)):
                if needle in self.lines[i]:
                    start = i
                    break
            else:
                return 0
        return start + 1

    def error(self, message: str, *needles: str) -> RulebookError:
        line = self.line_of(*needles) if needles else 0
        return RulebookError(f"{self.name}:{line}: {message}" if line else f"{self.name}: {message}")


# -- vocabulary ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One value a slot can take (actor.express, act.sell …) and the words that say it."""

    dim: str
    id: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern, ...] = ()
    exclude: tuple[re.Pattern, ...] = ()
    unless: tuple[str, ...] = ()  # other entries of the dimension that make this one yield
    needs: tuple[str, ...] = ()  # dimensions (read earlier) that must be filled for this to count
    attrs: dict = field(default_factory=dict, compare=False, hash=False)  # domain attributes

    def get(self, key: str, default=None):
        return self.attrs.get(key, default)


@dataclass(frozen=True)
class Vocabulary:
    """The slots of a domain (in reading order) and their entries; `fuzzy`: the dimensions whose
    longer terms also match with one wrong character; `ordered`: the dimension whose entries are
    ordered by where they first occur (the actor)."""

    dims: tuple[str, ...]
    entries: dict[str, dict[str, Entry]]
    fuzzy: tuple[str, ...] = ()
    ordered: str | None = None
    typos: tuple[tuple[str, str], ...] = ()

    def __getitem__(self, dim: str) -> dict[str, Entry]:
        return self.entries[dim]

    def has(self, dim: str, eid: str) -> bool:
        return eid in self.entries.get(dim, {})


def load_vocabulary(file: DataFile, dims: tuple[str, ...], attrs: dict[str, frozenset[str]] | None = None,
                    fuzzy: tuple[str, ...] = (), ordered: str | None = None) -> Vocabulary:
    """The vocabulary of `file`, validated: each entry's keys are the common ones or the
    dimension's declared attributes (`attrs[dim]`), `unless` names entries of the same
    dimension, `needs` names dimensions read before this one, patterns compile."""
    attrs = attrs or {}
    entries: dict[str, dict[str, Entry]] = {}
    for n, dim in enumerate(dims):
        entries[dim] = {}
        for eid, spec in file.data.get(dim, {}).items():
            where = (f"[{dim}.{eid}]",)
            if not isinstance(spec, dict):
                raise file.error(f"{dim}.{eid} 应为表", *where)
            unknown = set(spec) - ENTRY_KEYS - COMMON_ATTRIBUTES - attrs.get(dim, frozenset())
            if unknown:
                key = sorted(unknown)[0]
                raise file.error(f"{dim}.{eid}: 未知的键 {key!r}", *where, key)
            needs = tuple(spec.get("needs", []))
            for d in needs:
                if d not in dims[:n]:
                    raise file.error(f"{dim}.{eid}: needs 只能是先读的维度，{d!r} 不是", *where, "needs")
            try:
                patterns = tuple(re.compile(p) for p in spec.get("patterns", []))
                exclude = tuple(re.compile(p) for p in spec.get("exclude", []))
            except re.error as exc:
                raise file.error(f"{dim}.{eid}: 正则表达式有误：{exc}", *where) from None
            entries[dim][eid] = Entry(
                dim=dim, id=eid, terms=tuple(t.lower() for t in spec.get("terms", [])),
                patterns=patterns, exclude=exclude, unless=tuple(spec.get("unless", [])),
                needs=needs, attrs={k: v for k, v in spec.items() if k not in ENTRY_KEYS})
        for eid, e in entries[dim].items():
            for u in e.unless:
                if u not in entries[dim]:
                    raise file.error(f"{dim}.{eid}: unless 中的 {u!r} 不是 {dim} 的条目",
                                     f"[{dim}.{eid}]", u)
    for d in fuzzy:
        if d not in dims:
            raise RulebookError(f"{file.name}: 模糊匹配的维度 {d!r} 不存在")
    typos = tuple((str(k), str(v)) for k, v in file.data.get("typos", {}).items())
    return Vocabulary(tuple(dims), entries, tuple(fuzzy), ordered, typos)


def _fuzzy_find(term: str, text: str) -> str | None:
    """The window of `text` that equals `term` but for one character (same length), if any. The
    first and last characters must agree (快第员 is 快递员, 第三员 is not)."""
    n = len(term)
    i = text.find(term[0])
    while i != -1 and i + n <= len(text):
        window = text[i:i + n]
        if window[-1] == term[-1] and sum(a != b for a, b in zip(term, window)) == 1:
            return window
        i = text.find(term[0], i + 1)
    return None


def _named(term: str, text: str, ordered: bool) -> bool:
    """Whether `term` occurs in `text`; in the ordered (actor) dimension not only as 我的X (then X
    is information: 把我的单位公布出来)."""
    if not ordered:
        return term in text
    start = text.find(term)
    while start != -1:
        if not text[max(0, start - 2):start].endswith(("我的", "我们的")):
            return True
        start = text.find(term, start + 1)
    return False


def _fired(entry: Entry, text: str, fuzzy: bool, ordered: bool) -> list[str]:
    if any(p.search(text) for p in entry.exclude):
        return []
    words = [t for t in entry.terms if _named(t, text, ordered)]
    words += [m.group(0) for p in entry.patterns if (m := p.search(text))]
    if not words and fuzzy:
        for t in entry.terms:
            if len(t) >= FUZZY_MIN_LEN and (w := _fuzzy_find(t, text)):
                words.append(w)
                break
    return words


def prepare(vocab: Vocabulary, question: str) -> str:
    """The text a vocabulary reads: normalised (繁→简, 全角→半角), lower case, typos put right."""
    text = normalize(question).lower()
    for wrong, right in vocab.typos:
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def read_slots(vocab: Vocabulary, text: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(slots, evidence) of a prepared text: each dimension's entry ids in data order (the ordered
    dimension by first occurrence), and `dim.id` → the words that fired it."""
    fuzzy = len(text) <= MAX_FUZZY_TEXT
    found: dict[str, list[str]] = {}
    evidence: dict[str, list[str]] = {}
    for dim in vocab.dims:
        table = vocab[dim]
        ordered = dim == vocab.ordered
        hits = {}
        for eid, entry in table.items():
            words = _fired(entry, text, fuzzy and dim in vocab.fuzzy, ordered)
            if words:
                hits[eid] = words
        kept = [eid for eid in hits if not any(u in hits for u in table[eid].unless)]
        if ordered:  # the one named first comes first
            kept.sort(key=lambda e: min((text.find(w) for w in hits[e] if w in text),
                                        default=len(text)))
        kept = [eid for eid in kept if all(found.get(d) for d in table[eid].needs)]
        found[dim] = kept
        for eid in kept:
            evidence[f"{dim}.{eid}"] = list(dict.fromkeys(hits[eid]))
    return found, evidence


# -- rules ---------------------------------------------------------------------------------------

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
