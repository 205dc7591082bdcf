"""Ingest seed-format documents: parse → verify → annotate → store, one transaction per batch.

Every file is parsed first (any defect rejects the batch before anything is written); then each
entry's citations are verified with the citation engine (falv.law.find / resolve / verify) and its
analysis points get currency annotations (falv.law.currency); finally everything is written inside
one write transaction. --dry-run runs the same transaction and rolls it back, so what it reports is
exactly what would be stored.
"""

from __future__ import annotations

import gc
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import db
from ..errors import InputError
from ..law.currency import find_outdated
from ..law.find import extract
from ..law.verify import Verifier
from . import seedfmt
from .similar import kb_token
from .writer import KbWriter


@dataclass
class Analysed:
    """One parsed entry with its checked citations and annotations (rows ready to store)."""

    entry: seedfmt.Entry
    basis: list[dict] = field(default_factory=list)  # roles basis · reference
    point_citations: dict[int, list[dict]] = field(default_factory=dict)  # by point ordinal
    point_annotations: dict[int, list[dict]] = field(default_factory=dict)


class _Memo:
    """What checking found, by input (verdicts per citation and quote, checked texts, outdated
    terms). It holds no store, so it can be kept for the next batch (see _checker_for)."""

    def __init__(self):
        # the names recognised: the same set object batch after batch, since find caches its
        # compiled regex by this set, and an equal set that is another object costs a
        # comparison of every name on each lookup
        self.names: frozenset[str] | None = None
        self.verdicts: dict[tuple, object] = {}  # a verdict depends on these fields, not the span
        # the same analysis point recurs under many questions: (text, quotes) → checked citations
        self.checked: dict[tuple[str, bool], list] = {}
        self.outdated: dict[str, list] = {}


class _Checker:
    """The citation engine's verify_text pipeline (extract → resolve → verify), with the
    recognised names computed once per batch instead of once per text, and what it found
    memoised: analysis points, quoted articles and outdated terms recur under many questions.
    The memo outlives its batch while the statutes it was checked against are unchanged (see
    _checker_for); each of its tables is bounded and emptied when full."""

    MEMO = 1 << 16

    def __init__(self, store, memo: _Memo | None = None):
        self.verifier = Verifier(store)
        self.memo = memo if memo is not None else _Memo()
        if self.memo.names is None:
            self.memo.names = self.verifier.resolver.names()
        self.names = self.memo.names

    def find(self, text: str, quotes: bool) -> list:
        """The resolved citations of a text."""
        return [self.verifier.resolver.resolve(cit)
                for cit in extract(text, names=self.names, quotes=quotes)]

    def verify(self, cit, quote: str | None):
        key = (cit.law_text, cit.law_title, cit.law_id, cit.ref, quote)
        verdict = self.memo.verdicts.get(key)
        if verdict is None:
            verdict = self.verifier.verify(cit, quote)
            _remember(self.memo.verdicts, key, verdict)
        return verdict

    def outdated(self, text: str) -> list:
        """find_outdated of a text, memoised like check (the result is shared, read only)."""
        found = self.memo.outdated.get(text)
        if found is None:
            found = find_outdated(text)
            _remember(self.memo.outdated, text, found)
        return found

    def check(self, text: str, quotes: bool):
        """[(citation, verdict)] of a text; the result is shared, callers only read it."""
        found = self.memo.checked.get((text, quotes))
        if found is None:
            found = [(cit, self.verify(cit, cit.quoted_text if quotes else None))
                     for cit in self.find(text, quotes)]
            _remember(self.memo.checked, (text, quotes), found)
        return found

    def end_batch(self) -> None:
        """Forget the 法律依据 blocks checked (a whole block rarely recurs in a later batch,
        and blocks are long); their verdicts per quoted article stay."""
        checked = self.memo.checked
        for key in [k for k in checked if k[1]]:
            del checked[key]


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= _Checker.MEMO:
        memo.clear()
    memo[key] = value


def _row(cit, verdict, role: str, line_start: int, line_end: int) -> dict:
    return {
        "role": role, "raw": cit.raw, "law_text": cit.law_text,
        "law": verdict.law or cit.law_title or cit.law_text,
        "article": verdict.article if verdict.article is not None else
        (cit.ref.article_no if cit.ref else None),
        "quoted_text": cit.quoted_text if role == "basis" else None,
        "verdict": verdict.kind.value, "detail": verdict.detail, "replacement": verdict.replacement,
        "diff": verdict.diff, "line_start": line_start, "line_end": line_end,
        "span": cit.span,
    }


def analyse(checker: _Checker, entry: seedfmt.Entry) -> Analysed:
    out = Analysed(entry)
    if entry.basis is not None:
        out.basis = _basis_rows(checker, entry.basis)
    for point in entry.points:
        rows = []
        for cit, verdict in checker.check(point.text, quotes=False):
            line = point.line_start + point.text.count("\n", 0, cit.span[0])
            rows.append(_row(cit, verdict, "analysis", line, line))
        if rows:
            out.point_citations[point.ordinal] = rows
        notes = _point_notes(checker, point, rows)
        if notes:
            out.point_annotations[point.ordinal] = sorted(notes, key=lambda n: n["span_start"])
    return out


def _basis_rows(checker: _Checker, b) -> list[dict]:
    """The 法律依据 block's citations: one that opens a line (or quotes a text) is basis, with
    the quote's extent; one inside a quoted article is a reference."""
    rows = []
    for cit, verdict in checker.check(b.text, quotes=True):
        start, end = cit.span
        line_head = b.text.rfind("\n", 0, start) + 1
        at_head = not b.text[line_head:start].strip()
        role = "basis" if cit.ref is not None and (at_head or cit.quoted_text) else "reference"
        if role == "basis" and cit.quoted_text:
            pos = b.text.find(cit.quoted_text, end)
            if pos >= 0:
                end = pos + len(cit.quoted_text)
        rows.append(_row(cit, verdict, role, b.line_at(start), b.line_at(max(start, end - 1))))
    return rows


def _point_notes(checker: _Checker, point, rows: list[dict]) -> list[dict]:
    """Currency notes on a point's text: outdated terms (repealed where a cited repealed law
    covers the term), and every cited repealed instrument the term table does not cover."""
    notes = []
    for m in checker.outdated(point.text):
        repealed = next((r for r in rows if r["verdict"] == "repealed"
                         and r["span"][0] < m.span[1] and m.span[0] < r["span"][1]), None)
        notes.append({"kind": "repealed" if repealed else "outdated_term",
                      "span_start": m.span[0], "span_end": m.span[1], "term": m.text,
                      "replacement": m.entry.replacement, "note": m.entry.note,
                      "since": m.entry.since or None, "basis": m.entry.basis or None})
    for r in rows:
        if r["verdict"] == "repealed" and not any(
                n["span_start"] < r["span"][1] and r["span"][0] < n["span_end"] for n in notes):
            notes.append({"kind": "repealed", "span_start": r["span"][0],
                          "span_end": r["span"][1], "term": point.text[r["span"][0]:r["span"][1]],
                          "replacement": r["replacement"] or "", "note": r["detail"],
                          "since": None, "basis": None})
    return notes


@dataclass
class IngestReport:
    dry_run: bool
    files: list[dict] = field(default_factory=list)
    # CPU seconds per phase (parse, analyse, index, write, commit, reload): for bench/, not
    # part of the report's dict
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(f["action"] == "added" for f in self.files)

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "changed": self.changed, "files": self.files}


# store → (kb_token, QuestionIndex) after this process's last committed ingest: the next batch
# reuses the index when nothing changed the KB in between (issue 11: reloading it per batch made
# 100 batches quadratic). Held as long as the store, like the store's other caches.
INGEST_CACHE_KIB = 64 * 1024  # page cache of the connection while it ingests
_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# store → (store revision after this process's last committed ingest, its checker's _Memo): the
# next batch reuses the memo when nothing was written in between and that ingest stored no
# quoted article texts — the statutes (and texts quoted by sources) it verified against are
# then the same. Any other write bumps the revision. (A _Memo holds no store: a value that
# held its key would keep every store alive.)
_MEMOS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _revision(conn) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    return row[0] if row else None


def _checker_for(store) -> _Checker:
    cached = _MEMOS.pop(store, None)
    if cached is not None and cached[0] == _revision(store.own):
        return _Checker(store, cached[1])
    return _Checker(store)


class _DryRun(Exception):
    """Raised inside the write transaction of a dry run, so that it rolls back."""


def ingest_files(store, paths, dry_run: bool = False, names=None) -> IngestReport:
    """Ingest seed-format files into the knowledge base of `store` (a StatuteStore).

    All files are parsed before anything is written; a malformed file raises ImportRejected
    (file:line) and the store stays unchanged. A file already ingested (same bytes) is skipped.
    `names` (one per path) are the file names recorded as provenance and used in errors — for
    uploads stored under temporary paths.
    """
    with _gc_paused():
        return _ingest(store, paths, dry_run, names)


def ingest_texts(store, files, dry_run: bool = False) -> IngestReport:
    """ingest_files of documents given as (name, bytes) pairs — uploads, never written to disk."""
    if not files:
        raise InputError("没有指定要导入的问答文件")
    with _gc_paused():
        return _ingest(store, [], dry_run, None, docs=[seedfmt.parse_bytes(data, name) for name, data in files])


@contextmanager
def _gc_paused():
    """Python's cycle collector paused for one batch. A batch allocates millions of objects
    (lines, citations, rows, index postings) that reference counting frees, and each of them
    counted towards the next collection, which re-scanned the whole heap (the store's article
    caches, the question index): a quarter of an ingest's CPU time (issue 11). Restored after
    the batch; cycles made meanwhile (few: exceptions) are collected by the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest(store, paths, dry_run: bool, names, docs=None) -> IngestReport:
    report = IngestReport(dry_run)
    phase = _Phases(report.timings)
    if docs is None:
        paths = [Path(p) for p in paths]
        if not paths:
            raise InputError("没有指定要导入的问答文件")
        names = list(names) if names is not None else [None] * len(paths)
        if len(names) != len(paths):
            raise InputError("names 的个数应与文件个数相同")
        docs = [seedfmt.parse_file(p, n) for p, n in zip(paths, names)]
    phase("parse")
    checker = _checker_for(store)
    analysed = [[analyse(checker, e) for e in doc.entries] for doc in docs]
    checker.end_batch()
    phase("analyse")
    conn = store.own
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    # a batch writes tens of MB of rows and index entries at scattered places of a growing store:
    # with SQLite's default 2 MB page cache each batch re-reads the index pages it touched
    conn.execute(f"PRAGMA cache_size = {min(cache, -INGEST_CACHE_KIB)}")
    try:
        with db.write_transaction(conn):
            cached = _INDEXES.pop(store, None)  # taken out: kept again only after a commit
            reuse = cached[1] if cached is not None and cached[0] == kb_token(conn) else None
            writer = KbWriter(conn, reuse)
            for doc, entries in zip(docs, analysed):
                report.files.append(writer.add_document(doc, entries))
            if report.changed:
                db.bump_revision(conn)
            if dry_run:
                raise _DryRun
            token = kb_token(conn)
            phase("write")
        phase("commit")
        _INDEXES[store] = (token, writer.index)
        if not writer.quoted:
            _MEMOS[store] = (token[0], checker.memo)
    except _DryRun:
        phase("write")
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")
    if not dry_run:
        store.reload()
        phase("reload")
    report.timings["index"] = writer.index_s  # near-duplicate lookup, part of "write"
    return report


class _Phases:
    """Process CPU time since the previous call, recorded under a phase name."""

    def __init__(self, out: dict[str, float]):
        self.out, self.last = out, time.process_time()

    def __call__(self, name: str) -> None:
        now = time.process_time()
        self.out[name] = self.out.get(name, 0.0) + now - self.last
        self.last = now


def reverify(store, dry_run: bool = False) -> dict:
    """Verify every stored citation again against the store as it is now (after statutes were
    imported, say) and update the verdicts that changed (kind or replacement; a new wording of
    the same verdict is not a change). Each citation is re-read from its raw
    text (plus the quoted text for a basis citation); one whose raw text no longer yields the same
    law and article on its own (本法, 同法 …) keeps its verdict."""
    checker = _Checker(store)
    conn = store.own
    rows = conn.execute("SELECT id, role, raw, law_text, article, quoted_text, verdict, detail,"
                        " replacement, diff FROM kb_citations ORDER BY id").fetchall()
    changes = []
    for cid, role, raw, law_text, article, quote, *old in rows:
        found = checker.find(raw, quotes=False)
        if not found:
            continue
        cit = found[0]
        if cit.law_text != law_text:
            continue
        verdict = checker.verify(cit, quote if role == "basis" else None)
        art = verdict.article if verdict.article is not None else (
            cit.ref.article_no if cit.ref else None)
        if art != article:
            continue
        new = [verdict.kind.value, verdict.detail, verdict.replacement, verdict.diff]
        if (new[0], new[2]) != (old[0], old[2]):  # the verdict itself, not just its wording
            changes.append({"id": cid, "role": role, "law": verdict.law or law_text,
                            "article": article, "old": old[0], "new": new[0], "row": new})
    if changes and not dry_run:
        with db.write_transaction(conn):
            conn.executemany("UPDATE kb_citations SET verdict = ?, detail = ?, replacement = ?,"
                             " diff = ? WHERE id = ?", [(*c["row"], c["id"]) for c in changes])
            db.bump_revision(conn)
    return {"dry_run": dry_run, "checked": len(rows),
            "changed": [{k: v for k, v in c.items() if k != "row"} for c in changes]}


__all__ = ["ingest_files", "reverify", "analyse", "Analysed", "IngestReport"]
