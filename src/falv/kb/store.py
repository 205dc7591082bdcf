"""The knowledge base as read: entries with their source answers, points, citations and notes.

Read API (for the answer composer and the CLI)::

    kb = KnowledgeBase(conn)            # conn: falv's own store (StatuteStore.own or db.connect())
    for entry in kb.entries():          # every entry, ordered by id
        entry.id, entry.question        # id is a string ("1", "2", …)
        for answer in entry.answers:    # one per source entry merged into this question
            answer.provenance           # {"file", "entry" (㈠), "line_start", "line_end"}
            answer.points               # Point: text, kind, label, provenance (first place),
                                        #   provenances (every place), citations, annotations
            answer.basis                # Citation: law, article, quoted_text, verdict, detail …
        entry.annotations               # every currency note on the entry's points
    kb.get("1")                         # one entry; NotFoundError when absent
    kb.questions()                      # [(id, question)] only — cheap on a large KB
    kb.entries(ids=["1", "3"])          # just these entries
    kb.export_jsonl(fh) / kb.import_jsonl(text, name)   # kb/export.py

The rows are written by kb/writer.py (which question merges into which entry: kb/similar.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Iterable, TextIO

from ..errors import NotFoundError
from ..law.models import Verdict, VerdictKind
from ..law.verdicts import label
from . import export


@dataclass(frozen=True)
class Citation:
    """A citation of a source answer with its stored Verdict (falv's one verdict type: the law
    and article as checked, kind, detail, replacement, diff). role: basis (opens a 法律依据 line,
    quoted_text is what the source quotes), reference (mentioned inside a quoted article),
    analysis (in an analysis point)."""

    id: int
    role: str
    quoted_text: str | None
    verdict: Verdict
    raw: str
    law_text: str | None
    quoted_law_id: str | None
    provenance: dict

    @property
    def law(self) -> str | None:
        return self.verdict.law

    @property
    def article(self) -> str | None:
        return self.verdict.article

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    @property
    def badge(self) -> str:
        return label(self.verdict.kind.value, "mark")

    def to_dict(self) -> dict:
        v = self.verdict
        return {"id": self.id, "role": self.role, "law": v.law, "article": v.article,
                "quoted_text": self.quoted_text, "verdict": v.kind.value, "badge": self.badge,
                "passed": self.passed, "detail": v.detail,
                "replacement": v.replacement, "diff": v.diff, "raw": self.raw,
                "law_text": self.law_text, "quoted_law_id": self.quoted_law_id,
                "provenance": self.provenance}


@dataclass(frozen=True)
class Annotation:
    """A currency note on a point's text: text[span[0]:span[1]] == term. Never a rewrite."""

    id: int
    point_id: int
    kind: str  # outdated_term · repealed
    span: tuple[int, int]
    term: str
    replacement: str
    note: str
    since: str | None
    basis: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "point_id": self.point_id, "kind": self.kind, "span": list(self.span),
                "term": self.term, "replacement": self.replacement, "note": self.note,
                "since": self.since, "basis": self.basis}


@dataclass
class Point:
    id: int
    kind: str  # intro · point
    label: str | None  # 一 / 1 where the source enumerates
    text: str  # normalised
    original: str
    provenances: list[dict] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)

    @property
    def provenance(self) -> dict:
        """Where the point first occurs (file, entry, line_start, line_end)."""
        return self.provenances[0] if self.provenances else {}

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "label": self.label, "text": self.text,
                "original": self.original, "provenances": self.provenances,
                "citations": [c.to_dict() for c in self.citations],
                "annotations": [a.to_dict() for a in self.annotations]}


@dataclass
class Answer:
    id: int
    question: str  # as the source asked it (normalised)
    provenance: dict
    points: list[Point] = field(default_factory=list)  # points first seen in this answer
    basis: list[Citation] = field(default_factory=list)
    references: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "question": self.question, "provenance": self.provenance,
                "points": [p.to_dict() for p in self.points],
                "basis": [c.to_dict() for c in self.basis],
                "references": [c.to_dict() for c in self.references]}


@dataclass
class Entry:
    id: str
    question: str
    answers: list[Answer] = field(default_factory=list)

    @property
    def points(self) -> list[Point]:
        return [p for a in self.answers for p in a.points]

    @property
    def basis(self) -> list[Citation]:
        return [c for a in self.answers for c in a.basis]

    @property
    def annotations(self) -> list[Annotation]:
        return [n for p in self.points for n in p.annotations]

    def to_dict(self) -> dict:
        return {"id": self.id, "question": self.question,
                "answers": [a.to_dict() for a in self.answers],
                "annotations": [n.to_dict() for n in self.annotations]}


def _text(value) -> str:
    """A text column as text: SQLite keeps whatever was written (a BLOB in kb_entries.question
    passes quick_check), and a bytes value must not become a TypeError in `kb list` or `ask`
    (issue 22). Bytes are decoded as UTF-8 with replacement characters; NULL is empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


class KnowledgeBase:
    """The knowledge base in falv's own store (a sqlite3 connection from falv.db.connect)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM kb_entries").fetchone()[0]

    def entries(self, ids=None) -> list[Entry]:
        """Every entry (ids=None), or the entries with these ids, ordered by id. Loading all of a
        large knowledge base takes a while (≈10 s for 90k entries): a matcher can index
        `questions()` and load only the entries it matched."""
        if ids is None:
            return self._load(None)
        wanted = sorted({int(i) for i in ids})
        out: list[Entry] = []
        for k in range(0, len(wanted), 500):  # SQLite parameter limit
            out += self._load(wanted[k:k + 500])
        return out

    def questions(self) -> list[tuple[str, str]]:
        """(id, question) of every entry — cheap, for building a question index."""
        return [(str(i), _text(q)) for i, q in self.conn.execute(
            "SELECT id, question FROM kb_entries ORDER BY id")]

    def get(self, entry_id: str | int) -> Entry:
        text = str(entry_id).strip()
        if not (text.isascii() and text.isdigit()):  # ², ① and 5,000 digits never reach int()
            raise NotFoundError(f"知识库条目编号应为数字：{text[:20]}")
        if len(text) > 18:  # past SQLite's integers: no such entry
            raise NotFoundError(f"知识库中没有条目 {text[:20]}…", hint="用 falv kb list 查看")
        eid = int(text)
        found = self._load(eid)
        if not found:
            raise NotFoundError(f"知识库中没有条目 {entry_id}", hint="用 falv kb list 查看")
        return found[0]

    def _load(self, only) -> list[Entry]:
        """Entries with these ids (an int or a list of ints), or every entry (None)."""
        c = self.conn
        if isinstance(only, int):
            only = [only]
        marks = ",".join("?" * len(only)) if only is not None else ""
        where, args = (f"WHERE e.id IN ({marks})", tuple(only)) if only is not None else ("", ())
        entries: dict[int, Entry] = {}
        for eid, q in c.execute(f"SELECT e.id, e.question FROM kb_entries e {where} ORDER BY e.id",
                                args):
            entries[eid] = Entry(str(eid), _text(q))
        if not entries:
            return []
        ewhere = f"WHERE a.entry_id IN ({marks})" if only is not None else ""
        answers: dict[int, Answer] = {}
        for aid, eid, marker, q, ls, le, file in c.execute(
                "SELECT a.id, a.entry_id, a.marker, a.question, a.line_start, a.line_end, s.file"
                f" FROM kb_answers a JOIN kb_sources s ON s.id = a.source_id {ewhere}"
                " ORDER BY a.id", args):
            ans = Answer(aid, _text(q), _prov(file, marker, ls, le))
            answers[aid] = ans
            entries[eid].answers.append(ans)
        pwhere = f"WHERE p.entry_id IN ({marks})" if only is not None else ""
        points = self._load_points(answers, pwhere, args)
        self._load_citations(answers, points, ewhere, args)
        for row in c.execute(
                "SELECT n.id, n.point_id, n.kind, n.span_start, n.span_end, n.term, n.replacement,"
                " n.note, n.since, n.basis FROM kb_annotations n JOIN kb_points p ON p.id = n.point_id"
                f" {pwhere} ORDER BY n.point_id, n.span_start, n.id", args):
            nid, pid, kind, s0, s1, term, repl, note, since, basis = row
            points[pid].annotations.append(Annotation(nid, pid, kind, (s0, s1), term, repl, note,
                                                      since, basis))
        return list(entries.values())

    def _load_points(self, answers: dict[int, Answer], pwhere: str, args) -> dict[int, Point]:
        """The answers' points, each with every place it occurs."""
        c = self.conn
        points: dict[int, Point] = {}
        for pid, aid, kind, label, text, orig in c.execute(
                f"SELECT p.id, p.answer_id, p.kind, p.label, p.text, p.original FROM kb_points p"
                f" {pwhere} ORDER BY p.answer_id, p.ordinal, p.id", args):
            pt = Point(pid, kind, label, _text(text), _text(orig))
            points[pid] = pt
            answers[aid].points.append(pt)
        for pid, aid, ls, le in c.execute(
                "SELECT ps.point_id, ps.answer_id, ps.line_start, ps.line_end FROM kb_point_sources ps"
                " JOIN kb_points p ON p.id = ps.point_id " + pwhere +
                " ORDER BY ps.point_id, ps.answer_id, ps.line_start", args):
            a = answers[aid]
            points[pid].provenances.append(_prov(a.provenance["file"], a.provenance["entry"], ls, le))
        return points

    def _load_citations(self, answers: dict[int, Answer], points: dict[int, Point], ewhere: str,
                        args) -> None:
        """The answers' citations: basis, references, and those of analysis points."""
        for row in self.conn.execute(
                "SELECT c.id, c.answer_id, c.point_id, c.role, c.law, c.article, c.quoted_text,"
                " c.verdict, c.detail, c.replacement, c.diff, c.raw, c.law_text, c.quoted_law_id,"
                " c.line_start, c.line_end FROM kb_citations c JOIN kb_answers a ON a.id = c.answer_id"
                f" {ewhere} ORDER BY c.answer_id, c.ordinal, c.id", args):
            (cid, aid, pid, role, law, art, quote, verdict, detail, repl, diff, raw, law_text, qlid,
             ls, le) = row
            a = answers[aid]
            checked = Verdict(VerdictKind(verdict), law, art, _text(detail), repl, diff)
            cit = Citation(cid, role, _text(quote) if quote is not None else None, checked, raw, law_text, qlid,
                           _prov(a.provenance["file"], a.provenance["entry"], ls, le))
            if role == "analysis" and pid in points:
                points[pid].citations.append(cit)
            elif role == "reference":
                a.references.append(cit)
            else:
                a.basis.append(cit)

    # -- export / import (kb/export.py) --------------------------------------------------------

    def export_lines(self) -> Iterable[str]:
        """JSONL records, deterministic: export → import into an empty store → export gives the
        same bytes."""
        return export.export_lines(self.conn)

    def export_jsonl(self, fh: TextIO) -> int:
        return export.export_jsonl(self.conn, fh)

    def import_jsonl(self, text: str, name: str) -> dict:
        """Load an export into an EMPTY knowledge base (ImportRejected at file:line otherwise)."""
        return export.import_jsonl(self.conn, text, name)


def _prov(file: str, marker: str, line_start: int, line_end: int) -> dict:
    return {"file": file, "entry": marker, "line_start": line_start, "line_end": line_end}


__all__ = ["KnowledgeBase", "Entry", "Answer", "Point", "Citation", "Annotation"]
