"""A domain's vocabulary: the slots it reads (in reading order) and, for each, the entries a slot
can take with the words that say them — loaded from a data file and validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .datafile import DataFile, RulebookError

ENTRY_KEYS = frozenset({"terms", "patterns", "exclude", "unless", "needs"})
# `states`: words that, in a step, state this entry's fact of the case (tests tie them to rules'
# conditions); `presumed`: an actor every case of the domain has (a labour dispute's employer), whose
# words state nothing; `near`: dimensions one of whose entries must stand close by in the same
# sentence (卖 counts as selling information only next to the information sold); `weight`: the
# entry's share of its domain's fit score (area domains)
COMMON_ATTRIBUTES = frozenset({"states", "weight", "presumed", "near"})


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
    negatable: tuple[str, ...] = ()  # dimensions whose negated words do not count (acts, issues)
    asker_acts: tuple[str, ...] = ()  # dimensions of acts that do not count when the asker did them

    def __getitem__(self, dim: str) -> dict[str, Entry]:
        return self.entries[dim]

    def has(self, dim: str, eid: str) -> bool:
        return eid in self.entries.get(dim, {})


def load_vocabulary(file: DataFile, dims: tuple[str, ...], attrs: dict[str, frozenset[str]] | None = None,
                    fuzzy: tuple[str, ...] = (), ordered: str | None = None,
                    negatable: tuple[str, ...] = (), asker_acts: tuple[str, ...] = ()) -> Vocabulary:
    """The vocabulary of `file`, validated: each entry's keys are the common ones or the
    dimension's declared attributes (`attrs[dim]`), `unless` names entries of the same
    dimension, `needs` names dimensions read before this one, patterns compile."""
    attrs = attrs or {}
    entries: dict[str, dict[str, Entry]] = {}
    for n, dim in enumerate(dims):
        entries[dim] = {eid: _entry(file, dims, n, eid, spec, attrs.get(dim, frozenset()))
                        for eid, spec in file.data.get(dim, {}).items()}
        _check_unless(file, dim, entries[dim])
    for d in fuzzy:
        if d not in dims:
            raise RulebookError(f"{file.name}: 模糊匹配的维度 {d!r} 不存在")
    if "typos" in file.data:  # typo tolerance is the reading's, measured over whole sets
        raise file.error("不收录“已知错别字”表：容错由模糊匹配负责", "[typos]")
    return Vocabulary(tuple(dims), entries, tuple(fuzzy), ordered, tuple(negatable),
                      tuple(asker_acts))


def _entry(file: DataFile, dims: tuple[str, ...], n: int, eid: str, spec, declared: frozenset[str]) -> Entry:
    """Entry `eid` of the n-th dimension, its keys, `needs`, `near` and patterns checked."""
    dim = dims[n]
    where = (f"[{dim}.{eid}]",)
    if not isinstance(spec, dict):
        raise file.error(f"{dim}.{eid} 应为表", *where)
    unknown = set(spec) - ENTRY_KEYS - COMMON_ATTRIBUTES - declared
    if unknown:
        key = sorted(unknown)[0]
        raise file.error(f"{dim}.{eid}: 未知的键 {key!r}", *where, key)
    for key in ("needs", "near"):
        for d in spec.get(key, []):
            if d not in dims[:n + (key == "near")]:
                raise file.error(f"{dim}.{eid}: {key} 只能是先读的维度，{d!r} 不是", *where, key)
    try:
        patterns = tuple(re.compile(p) for p in spec.get("patterns", []))
        exclude = tuple(re.compile(p) for p in spec.get("exclude", []))
    except re.error as exc:
        raise file.error(f"{dim}.{eid}: 正则表达式有误：{exc}", *where) from None
    return Entry(dim=dim, id=eid, terms=tuple(t.lower() for t in spec.get("terms", [])),
                 patterns=patterns, exclude=exclude, unless=tuple(spec.get("unless", [])),
                 needs=tuple(spec.get("needs", [])),
                 attrs={k: v for k, v in spec.items() if k not in ENTRY_KEYS})


def _check_unless(file: DataFile, dim: str, entries: dict[str, Entry]) -> None:
    """Every `unless` of the dimension's entries names an entry of the same dimension."""
    for eid, e in entries.items():
        for u in e.unless:
            if u not in entries:
                raise file.error(f"{dim}.{eid}: unless 中的 {u!r} 不是 {dim} 的条目", f"[{dim}.{eid}]", u)
