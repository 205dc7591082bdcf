"""What one revision of the store derives, as one immutable object the engine swaps whole.

A Context is built from explicit parts (new_context): the store, its revision, the resolver of its
law names, the searcher of its content, the KB matcher of its knowledge base, the crime names, a
composer over those, and a bounded cache of case analyses. Nothing in it is ever replaced: a new
revision, or a rebuilt index or KB matcher, makes a NEW Context (new_context again, or with_parts)
that the engine installs with one reference assignment.

Parts that are expensive and not always needed (the searcher loads or builds the search index, the
KB matcher reads every stored question) are Lazy cells: built on first use, once, so that `falv
article` or `health` never pays for them and a cold `falv ask` pays only for what it reads. A cell
is filled under the engine's lock (every use of a context is); it holds one value for its life.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Callable, Generic, TypeVar

from .answer.analysis import CaseAnalysis, analyse
from .answer.compose import Composer
from .answer.kbmatch import KbMatcher
from .law.crimes import CrimeNames, crime_names
from .law.resolve import Resolver, resolver_for
from .law.store import StatuteStore
from .search.retrieve import Searcher

T = TypeVar("T")
ANALYSES_KEPT = 128  # case analyses kept per context (eval asks and searches each question)


class Lazy(Generic[T]):
    """One part, built by `build()` on first use — or handed in already built — and then fixed."""

    __slots__ = ("_build", "_value")

    def __init__(self, build: Callable[[], T], value: T | None = None):
        self._build = build
        self._value = value

    def get(self) -> T:
        if self._value is None:
            self._value = self._build()
        return self._value

    @property
    def built(self) -> T | None:
        """The part if it was built (or handed in), else None."""
        return self._value


@dataclass(frozen=True)
class KbPart:
    """A KB matcher and what the KB held when it was loaded (kb_key): a rebuild loads a new
    matcher only when the key has moved."""

    matcher: KbMatcher
    key: tuple

    @classmethod
    def load(cls, store: StatuteStore) -> "KbPart":
        key = kb_key(store)  # read first: a write landing meanwhile moves it on, never back
        return cls(KbMatcher.load(store), key)


class Analyses:
    """The case analyses of the last ANALYSES_KEPT questions asked of one context (`ask`,
    `route`, search's bridges and the letters of one question share one reading); least
    recently used out first. It holds matches of its context's KB matcher, so it lives and dies
    with that context."""

    def __init__(self, read: Callable[[str], CaseAnalysis], kept: int = ANALYSES_KEPT):
        self._read = read
        self._kept = kept
        self._cases: dict[str, CaseAnalysis] = {}

    def get(self, question: str) -> CaseAnalysis:
        key = question.strip()
        case = self._cases.pop(key, None)
        if case is None:
            case = self._read(question)
        self._cases[key] = case  # most recently used last
        while len(self._cases) > self._kept:
            self._cases.pop(next(iter(self._cases)))
        return case


@dataclass(frozen=True)
class Context:
    """One revision's parts (see the module docstring); use it with the engine's lock held."""

    store: StatuteStore
    revision: str | None
    dense: bool | None
    searcher_cell: Lazy[Searcher]
    kb_cell: Lazy[KbPart]
    crimes_cell: Lazy[CrimeNames]
    composer_cell: Lazy[Composer]
    analyses: Analyses = field(compare=False)

    @property
    def resolver(self) -> Resolver:
        """The resolver of the store's law names (law/resolve.py keeps one per store generation,
        which a new revision's reload moves on)."""
        return resolver_for(self.store)

    @property
    def searcher(self) -> Searcher:
        return self.searcher_cell.get()

    @property
    def kb(self) -> KbMatcher:
        return self.kb_cell.get().matcher

    @property
    def kb_key(self) -> tuple | None:
        """What the KB held when this context's KB matcher was loaded (None: not loaded)."""
        part = self.kb_cell.built
        return part.key if part is not None else None

    @property
    def crimes(self) -> CrimeNames:
        return self.crimes_cell.get()

    @property
    def composer(self) -> Composer:
        return self.composer_cell.get()

    def analysis(self, question: str) -> CaseAnalysis:
        """The question's case analysis (the engine checked the question), read once per context."""
        return self.analyses.get(question)

    def with_parts(self, searcher: Searcher, kb: KbPart | None = None) -> "Context":
        """A new context of the same revision over this searcher and KB matcher (None: this
        one's), with a new composer and analyses (the old ones hold the old parts' matches)."""
        return new_context(self.store, self.revision, self.dense, searcher=searcher,
                           kb=kb if kb is not None else self.kb_cell.built)


def new_context(store: StatuteStore, revision: str | None, dense: bool | None,
                searcher: Searcher | None = None, kb: KbPart | None = None) -> Context:
    """The context of `revision`: the parts handed in (a searcher, a KB matcher built beside the
    old ones, or the previous context's kept until those are ready), the rest built on first use."""
    searcher_cell = Lazy(lambda: Searcher(store, dense=dense), searcher)
    kb_cell = Lazy(lambda: KbPart.load(store), kb)
    composer_cell = Lazy(lambda: Composer(store, searcher_cell.get(), kb_cell.get().matcher))
    return Context(
        store=store, revision=revision, dense=dense,
        searcher_cell=searcher_cell, kb_cell=kb_cell,
        crimes_cell=Lazy(lambda: crime_names(store)),
        composer_cell=composer_cell,
        analyses=Analyses(lambda question: analyse(question, kb_cell.get().matcher, store)))


def kb_key(store) -> tuple:
    """What the KB holds, as far as a KB matcher is concerned: its entries, and the last answer
    (an ingest that merges into existing entries adds answers, whose points the matcher caches)."""
    try:
        return tuple(store.own.execute(
            "SELECT (SELECT count(*) FROM kb_entries), (SELECT max(id) FROM kb_entries),"
            " (SELECT count(*) FROM kb_answers), (SELECT max(id) FROM kb_answers)").fetchone())
    except sqlite3.OperationalError:
        return (0, None, 0, None)


def read_revision(store) -> str | None:
    """The store's revision: the meta row every write moves on (None: never written)."""
    try:
        row = store.own.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    except sqlite3.OperationalError:  # a store without the meta table has never been written
        return None
    return row[0] if row else None
