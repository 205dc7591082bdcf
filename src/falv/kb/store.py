"""Knowledge-base tables: entries, near-duplicate merge, provenance, verdicts, annotations, JSONL.

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

Merging: questions whose normalised forms are equal, or whose character-bigram Jaccard similarity
is at least SIMILARITY (0.8: conservative — 个人信息泄露找什么部门投诉 and 信息泄露怎么处理怎么举报
share 3 of 19 bigrams and stay apart) and that contain the same numbers (第1038条 ≠ 第1039条), are
one entry with several source answers. Within an entry
a point whose normalised text equals an existing point is stored once, with one more provenance.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sqlite3
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Iterable, TextIO

from .. import db
from ..errors import ImportRejected, NotFoundError
from ..law.importer import canonical_title, infer_doc_type
from ..law.models import IN_FORCE, Verdict, VerdictKind
from ..law.verdicts import label
from ..text import fold_for_compare, normalize, parse_article_no

SIMILARITY = 0.8
_TRAILING = re.compile(r"[?!.。？！\s]+$")


# -- question similarity ----------------------------------------------------------------------

def question_key(question: str) -> str:
    """Normalised form of a question for exact-duplicate detection."""
    return _TRAILING.sub("", fold_for_compare(normalize(question)))


def bigrams(key: str) -> frozenset[str]:
    """Character bigrams of a normalised question (a one-character question is its own gram);
    shared by the merge here and the ask matcher (answer.kbmatch)."""
    if len(key) < 2:
        return frozenset({key}) if key else frozenset()
    return frozenset(key[i:i + 2] for i in range(len(key) - 1))


_NUMBER = re.compile(r"[0-9]+|[零〇一二两三四五六七八九十百千万]+")


def _numbers(key: str) -> list[str]:
    """Numbers in a question (第1038条, 5000条, 三年): questions that differ in one are different
    questions however similar the rest (民法典1038条是什么 ≠ 民法典1039条是什么)."""
    return _NUMBER.findall(key)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class QuestionIndex:
    """Finds the entry a question merges into: exact key, else Jaccard ≥ SIMILARITY with the same
    numbers. Near-linear on large batches (issue 11: an O(n²) scan inside the write transaction
    made concurrent writers give up):

    * postings are keyed by (the question's numbers, bigram), so questions that differ only in a
      number (问题1 … 问题20000) never meet — they could not merge anyway;
    * prefix filtering (plus PPJoin's positional bound in find): with bigrams in one fixed global
      order, two sets with Jaccard ≥ t share at least one of the first |A| − ⌈t·|A|⌉ + 1
      elements of each. The order is rarest-first by document frequency; it is recomputed (and
      every prefix with it) whenever the index has doubled since, so a batch into an empty KB
      does not index frequent bigrams (信息, 泄露) — amortised linear, and always one order for
      all entries, so no match is missed.
    `compared` counts Jaccard computations (the cost the filter bounds)."""

    REBUILD_FROM = 64

    def __init__(self, threshold: float = SIMILARITY):
        self.threshold = threshold
        self.exact: dict[str, int] = {}
        self.grams: dict[int, frozenset[str]] = {}
        self.keys: dict[int, str] = {}
        self.numbers: dict[int, tuple[str, ...]] = {}
        self.df: dict[str, int] = {}  # bigram → entries containing it, as of the last rebuild
        # (numbers, gram) → by the gram's position j in an entry's prefix → [(entry id, size)]:
        # find skips the positions whose entries cannot pass its positional filter
        self.postings: dict[tuple[tuple[str, ...], str], list[list[tuple[int, int]]]] = {}
        self.compared = 0
        self._built_at = 0
        self._generation = 0  # rebuilds so far: a prefix computed under another order is stale
        self._rank: dict[str, tuple[int, int]] = {}  # memo of _order under the current df
        self._last: tuple | None = None  # (key, grams, numbers, prefix, generation) of last find

    def _order(self, gram: str) -> tuple[int, int]:
        return self.df.get(gram, 0), zlib.crc32(gram.encode("utf-8"))

    def _prefix(self, grams: frozenset[str]) -> list[str]:
        rank = self._rank  # _order memoised under the current df, so sorting calls no Python code
        if len(rank) > 1 << 20:  # bounded; also cleared at each rebuild
            rank.clear()
        for gram in grams:
            if gram not in rank:
                rank[gram] = self._order(gram)
        ordered = sorted(grams, key=rank.__getitem__)
        return ordered[:len(ordered) - math.ceil(self.threshold * len(ordered)) + 1]

    def add(self, entry_id: int, key: str, grams: frozenset[str] | None = None) -> None:
        self.exact.setdefault(key, entry_id)
        self.keys[entry_id] = key
        last, prefix = self._last, None
        if grams is None and last is not None and last[0] == key:
            # the question find just looked up (the ingest's find → add): its grams, and its
            # prefix unless a rebuild changed the order since
            _key, g, nums, prefix, generation = last
            if generation != self._generation:
                prefix = None
        else:
            g = grams if grams is not None else bigrams(key)
            nums = tuple(_numbers(key))
        self.grams[entry_id] = g
        self.numbers[entry_id] = nums
        if len(self.keys) >= max(self.REBUILD_FROM, 2 * self._built_at):
            self._rebuild()
            return
        if prefix is None:
            prefix = self._prefix(g)
        self._post(entry_id, nums, prefix, len(g))

    def _post(self, entry_id: int, nums: tuple[str, ...], prefix: list[str], size: int) -> None:
        postings = self.postings
        for pos, gram in enumerate(prefix):
            by_pos = postings.setdefault((nums, gram), [])
            while len(by_pos) <= pos:
                by_pos.append([])
            by_pos[pos].append((entry_id, size))

    def _rebuild(self) -> None:
        """Document frequencies of now, and every prefix under that order."""
        df = dict(Counter(chain.from_iterable(self.grams.values())))  # each set counts a gram once
        self.df, self.postings, self._built_at, self._rank = df, {}, len(self.keys), {}
        self._generation += 1
        for eid in sorted(self.grams):
            g = self.grams[eid]
            self._post(eid, self.numbers[eid], self._prefix(g), len(g))

    def find(self, key: str) -> int | None:
        found = self.exact.get(key)
        if found is not None:
            return found
        g = bigrams(key)
        numbers = tuple(_numbers(key))
        prefix = self._prefix(g)
        self._last = (key, g, numbers, prefix, self._generation)
        best, best_score = None, 0.0
        seen: set[int] = set()
        t, n = self.threshold, len(g)
        low, high = t * n, n / t if t else 1e9
        t1 = 1 + t
        postings = self.postings
        compared = 0
        for i, gram in enumerate(prefix):
            by_pos = postings.get((numbers, gram))
            if not by_pos:
                continue
            after = n - i - 1
            # positional filter (PPJoin): this gram sits at i here and at j in the other's
            # prefix, and both sets are in one order, so they share at most
            # 1 + min(n-i-1, m-j-1) grams; Jaccard ≥ t needs t/(1+t)·(n+m) (margin for floats).
            # Hence m ≤ (1+after)·(1+t)/t − n here, and m ≥ (t·n + j·(1+t)) / (1+t−t) at j:
            # past the j where these cross (with a margin far above float error) none passes
            top = min(high, (1 + after) * t1 / t - n if t else 1e9) + 1e-6
            for j, bucket in enumerate(by_pos):
                if (t * n + j * t1) / (t1 - t) > top:
                    break  # no entry with the gram at j or later can pass
                for eid, m in bucket:
                    if not low <= m <= high:  # Jaccard ≥ t bounds the size ratio
                        continue
                    rest = m - j - 1
                    if (1 + (after if after < rest else rest)) * t1 < t * (n + m) - 1e-9:
                        continue
                    # an entry that fails at its first shared gram fails at every later one (i
                    # and j only grow), so one that passes is evaluated once, as before
                    if eid in seen:
                        continue
                    seen.add(eid)
                    compared += 1
                    inter = len(g & self.grams[eid])  # jaccard(g, other), both non-empty
                    score = inter / (n + m - inter)
                    if score >= t and (score > best_score or (score == best_score and eid < best)):
                        best, best_score = eid, score
        self.compared += compared
        return best

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> "QuestionIndex":
        index = cls()
        for eid, norm in conn.execute("SELECT id, norm FROM kb_entries ORDER BY id"):
            index.keys[eid] = norm
            index.exact.setdefault(norm, eid)
            index.grams[eid] = bigrams(norm)
            index.numbers[eid] = tuple(_numbers(norm))
        index._rebuild()
        return index


def kb_token(conn: sqlite3.Connection) -> tuple:
    """What a QuestionIndex built from kb_entries is valid for: the store revision (bumped by every
    write) and the entries' extent. Read inside the write transaction that reuses the index."""
    rev = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    count, top = conn.execute("SELECT count(*), max(id) FROM kb_entries").fetchone()
    last = conn.execute("SELECT norm FROM kb_entries WHERE id = ?", (top,)).fetchone()
    return rev[0] if rev else None, count, top, last[0] if last else None


# -- writing ----------------------------------------------------------------------------------

def _citation_row(cid, answer_id, point_id, ordinal, cit, quoted_law_id=None) -> tuple:
    return (cid, answer_id, point_id, cit["role"], ordinal, cit["raw"], cit["law_text"], cit["law"],
            cit["article"], cit["quoted_text"], cit["verdict"], cit["detail"], cit["replacement"],
            cit["diff"], quoted_law_id, cit["line_start"], cit["line_end"])


# What KbWriter inserts, parents before children (foreign keys are checked per statement).
_WRITES: dict[str, str] = {
    "kb_sources": "INSERT INTO kb_sources(id, file, sha256, encoding, style, entries)",
    "kb_entries": "INSERT INTO kb_entries(id, question, norm)",
    "kb_answers": "INSERT INTO kb_answers(id, entry_id, source_id, marker, number, question,"
                  " question_original, line_start, line_end, raw)",
    "kb_points": "INSERT INTO kb_points(id, entry_id, answer_id, ordinal, kind, label, text,"
                 " original, norm)",
    "kb_point_sources": "INSERT OR IGNORE INTO kb_point_sources(point_id, answer_id, line_start,"
                        " line_end)",
    "kb_citations": "INSERT INTO kb_citations(id, answer_id, point_id, role, ordinal, raw, law_text,"
                    " law, article, quoted_text, verdict, detail, replacement, diff, quoted_law_id,"
                    " line_start, line_end)",
    "kb_annotations": "INSERT INTO kb_annotations(id, point_id, kind, span_start, span_end, term,"
                      " replacement, note, since, basis)",
}
_WRITE_SQL = {t: f"{head} VALUES ({','.join('?' * (head.count(',') + 1))})"
              for t, head in _WRITES.items()}


class KbWriter:
    """Writes analysed documents inside the caller's write transaction (falv.kb.ingest).

    Row ids are given here (max(id) + 1 onwards, read inside the transaction: what SQLite would
    have chosen) and each document's rows are inserted with one executemany per table, instead
    of one execute per row (issue 11)."""

    def __init__(self, conn: sqlite3.Connection, index: QuestionIndex | None = None):
        """`index`: the QuestionIndex of kb_entries as they are now (the caller checked kb_token),
        reused across batches instead of reloaded — a reload per batch made a long ingest
        quadratic. It is updated in place."""
        self.conn = conn
        self.index = index if index is not None else QuestionIndex.load(conn)
        # entry id → {point norm: point id}, for the entries this writer has touched (an entry it
        # created starts empty; one from before is read once) — not one SELECT per point
        self._points: dict[int, dict[str, int]] = {}
        self.index_s = 0.0  # CPU seconds in the near-duplicate index (bench/bench_ingest.py)
        self._rows: dict[str, list[tuple]] = {t: [] for t in _WRITES}
        self.quoted = False  # whether texts quoted by a source were stored (statutes changed)
        self._next = {t: (conn.execute(f"SELECT max(id) FROM {t}").fetchone()[0] or 0) + 1
                      for t in _WRITES if t != "kb_point_sources"}

    def _id(self, table: str) -> int:
        rid = self._next[table]
        self._next[table] = rid + 1
        return rid

    def _flush(self) -> None:
        for table, rows in self._rows.items():
            if rows:
                self.conn.executemany(_WRITE_SQL[table], rows)
                rows.clear()

    def add_document(self, doc, entries) -> dict:
        """Store one parsed document (seedfmt.Document) with its Analysed entries; returns what
        was stored. A document already ingested (same sha256) is left as it is."""
        c = self.conn
        report = {"file": doc.file, "encoding": doc.encoding, "style": doc.style,
                  "sha256": doc.sha256, "skipped_lines": doc.skipped_lines, "entries": [],
                  "quoted_articles": []}
        if c.execute("SELECT 1 FROM kb_sources WHERE sha256 = ?", (doc.sha256,)).fetchone():
            report["action"] = "unchanged"
            return report
        report["action"] = "added"
        source_id = self._id("kb_sources")
        self._rows["kb_sources"].append(
            (source_id, doc.file, doc.sha256, doc.encoding, doc.style, len(entries)))
        for a in entries:
            report["entries"].append(self._add_entry(source_id, doc.file, a, report))
        self._flush()
        return report

    def _entry_points(self, entry_id: int) -> dict[str, int]:
        points = self._points.get(entry_id)
        if points is None:
            points = self._points[entry_id] = {}
            for pid, norm in self.conn.execute(
                    "SELECT id, norm FROM kb_points WHERE entry_id = ? ORDER BY id", (entry_id,)):
                points.setdefault(norm, pid)
        return points

    def _add_entry(self, source_id: int, file: str, a, report: dict) -> dict:
        e, rows = a.entry, self._rows
        t0 = time.process_time()
        key = question_key(e.question)
        entry_id = self.index.find(key)
        merged = entry_id is not None
        if entry_id is None:
            entry_id = self._id("kb_entries")
            rows["kb_entries"].append((entry_id, e.question, key))
            self.index.add(entry_id, key)
            self._points[entry_id] = {}
        self.index_s += time.process_time() - t0
        known = self._entry_points(entry_id)
        answer_id = self._id("kb_answers")
        rows["kb_answers"].append((answer_id, entry_id, source_id, e.marker, e.number, e.question,
                                   e.question_original, e.line_start, e.line_end, e.raw))
        ordinal = 0  # points first seen in this (new) answer, in source order
        new_points = 0
        cit_ordinal = 0
        citations, annotations = rows["kb_citations"], rows["kb_annotations"]
        for pt in e.points:
            norm = pt.norm
            point_id = known.get(norm)
            if point_id is None:
                ordinal += 1
                new_points += 1
                point_id = known[norm] = self._id("kb_points")
                rows["kb_points"].append((point_id, entry_id, answer_id, ordinal, pt.kind, pt.label,
                                          pt.text, pt.original, norm))
                for cit in a.point_citations.get(pt.ordinal, []):
                    cit_ordinal += 1
                    citations.append(_citation_row(self._id("kb_citations"), answer_id, point_id,
                                                   cit_ordinal, cit))
                for n in a.point_annotations.get(pt.ordinal, []):
                    annotations.append((self._id("kb_annotations"), point_id, n["kind"],
                                        n["span_start"], n["span_end"], n["term"],
                                        n["replacement"], n["note"], n["since"], n["basis"]))
            # else the same point again: one more provenance, stored once
            rows["kb_point_sources"].append((point_id, answer_id, pt.line_start, pt.line_end))
        for cit in a.basis:
            cit_ordinal += 1
            quoted_law_id = None
            if cit["role"] == "basis" and cit["verdict"] == "unverifiable" and cit["quoted_text"] \
                    and cit["law"] and cit["article"]:
                quoted_law_id = self._quoted_article(cit, file, e, report)
            citations.append(_citation_row(self._id("kb_citations"), answer_id, None, cit_ordinal,
                                           cit, quoted_law_id))
        return {"entry_id": str(entry_id), "marker": e.marker, "question": e.question,
                "merged": merged, "lines": [e.line_start, e.line_end], "points": len(e.points),
                "new_points": new_points,
                "basis": [{"law": b["law"], "article": b["article"], "role": b["role"],
                           "verdict": b["verdict"]} for b in a.basis],
                "analysis_citations": sum(len(v) for v in a.point_citations.values()),
                "annotations": [{"term": n["term"], "kind": n["kind"], "replacement": n["replacement"]}
                                for v in a.point_annotations.values() for n in v]}

    def _quoted_article(self, cit: dict, file: str, e, report: dict) -> str:
        """Keep the source's quoted text as a 'quoted by source' article in the KB's own tables
        (never the statute tables): the store reads it as an unverified source ('quoted'), so
        `falv article` can show it, marked so, until the official text is imported."""
        c = self.conn
        self.quoted = True
        # the importer's spelling of the title, so that an import of the official text later
        # lands under the same title and takes precedence over the quoted one
        title = canonical_title(cit["law"])[0] or cit["law"]
        law_id = "q-" + hashlib.sha256(title.encode()).hexdigest()[:12]
        where = f"{file} {e.marker}（第 {cit['line_start']}–{cit['line_end']} 行）"
        if c.execute("SELECT 1 FROM kb_quoted_laws WHERE law_id = ?", (law_id,)).fetchone() is None:
            c.execute(
                "INSERT INTO kb_quoted_laws(law_id, title, doc_type, status, note, source_file,"
                " content_hash) VALUES (?, ?, ?, ?, ?, ?, '')",
                (law_id, title, infer_doc_type(title) or "法律", IN_FORCE,
                 f"问答来源引用的文本，未经官方文本核验；首见于 {where}", file))
        number, suffix = parse_article_no(cit["article"])
        added = c.execute(
            "INSERT OR IGNORE INTO kb_quoted_articles(law_id, ordinal, article_no, number, suffix,"
            " provenance, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (law_id, number * 1000 + suffix, cit["article"], number, suffix,
             f"问答来源引用：{where}", cit["quoted_text"])).rowcount
        if added:
            texts = c.execute("SELECT article_no, text FROM kb_quoted_articles WHERE law_id = ?"
                              " ORDER BY ordinal", (law_id,)).fetchall()
            digest = hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:32]
            c.execute("UPDATE kb_quoted_laws SET content_hash = ? WHERE law_id = ?", (digest, law_id))
            report["quoted_articles"].append({"law": title, "article": cit["article"],
                                              "law_id": law_id})
        return law_id


# -- read API ---------------------------------------------------------------------------------

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
        points: dict[int, Point] = {}
        pwhere = f"WHERE p.entry_id IN ({marks})" if only is not None else ""
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
        for row in c.execute(
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
        for row in c.execute(
                "SELECT n.id, n.point_id, n.kind, n.span_start, n.span_end, n.term, n.replacement,"
                " n.note, n.since, n.basis FROM kb_annotations n JOIN kb_points p ON p.id = n.point_id"
                f" {pwhere} ORDER BY n.point_id, n.span_start, n.id", args):
            nid, pid, kind, s0, s1, term, repl, note, since, basis = row
            points[pid].annotations.append(Annotation(nid, pid, kind, (s0, s1), term, repl, note,
                                                      since, basis))
        return list(entries.values())

    # -- export / import ----------------------------------------------------------------------

    def export_lines(self) -> Iterable[str]:
        """JSONL records, deterministic (ordered by id, sorted keys): export → import into an
        empty store → export gives the same bytes."""
        yield _dump({"type": "falv-kb", "format": 1})
        for row in _rows(self.conn, "SELECT * FROM kb_sources ORDER BY id"):
            yield _dump({"type": "source", **row})
        for law in _rows(self.conn, "SELECT * FROM kb_quoted_laws ORDER BY law_id"):
            law["articles"] = _rows(self.conn, "SELECT ordinal, article_no, number, suffix,"
                                    " provenance, text FROM kb_quoted_articles WHERE law_id = ?"
                                    " ORDER BY ordinal, article_no", (law["law_id"],))
            yield _dump({"type": "quoted_law", **law})
        for entry in _rows(self.conn, "SELECT * FROM kb_entries ORDER BY id"):
            eid = entry["id"]
            entry["answers"] = _rows(self.conn, "SELECT * FROM kb_answers WHERE entry_id = ?"
                                     " ORDER BY id", (eid,))
            for a in entry["answers"]:
                a["citations"] = _rows(self.conn, "SELECT * FROM kb_citations WHERE answer_id = ?"
                                       " ORDER BY id", (a["id"],))
            entry["points"] = _rows(self.conn, "SELECT * FROM kb_points WHERE entry_id = ?"
                                    " ORDER BY id", (eid,))
            for p in entry["points"]:
                p["sources"] = _rows(self.conn, "SELECT * FROM kb_point_sources WHERE point_id = ?"
                                     " ORDER BY answer_id, line_start", (p["id"],))
                p["annotations"] = _rows(self.conn, "SELECT * FROM kb_annotations WHERE point_id = ?"
                                         " ORDER BY id", (p["id"],))
            yield _dump({"type": "entry", **entry})

    def export_jsonl(self, fh: TextIO) -> int:
        n = 0
        for line in self.export_lines():
            fh.write(line + "\n")
            n += 1
        return n

    def import_jsonl(self, text: str, name: str) -> dict:
        """Load an export into an EMPTY knowledge base, ids and verdicts exactly as exported.
        Malformed input → ImportRejected at file:line, nothing written."""

        records = _parse_export(text, name)
        if self.count():
            raise ImportRejected("知识库非空：kb import 只能导入到空的知识库（导出文件保留原编号）",
                                 location=f"{name}:1",
                                 hint="请使用新的 FALV_HOME，或用 falv kb ingest 导入源文档")
        counts = {"sources": 0, "entries": 0, "quoted_laws": 0}
        with db.write_transaction(self.conn):
            if self.count():  # re-check under the lock
                raise ImportRejected("知识库非空", location=f"{name}:1")
            for lineno, rec in records:
                try:
                    _insert_record(self.conn, rec, counts)
                except (KeyError, TypeError, ValueError, sqlite3.Error) as exc:
                    raise ImportRejected(f"记录无效：{exc}", location=f"{name}:{lineno}") from None
            db.bump_revision(self.conn)
        return counts

    def dump(self) -> list[tuple]:
        """Every row of every kb table and of the statute tables (tests compare before/after)."""
        out = []
        for table in ("kb_sources", "kb_entries", "kb_answers", "kb_points", "kb_point_sources",
                      "kb_citations", "kb_annotations", "kb_quoted_laws", "kb_quoted_articles"):
            out += [(table, *r) for r in self.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        out += [("laws", *r) for r in self.conn.execute("SELECT * FROM laws ORDER BY law_id")]
        out += [("articles", *r) for r in self.conn.execute(
            "SELECT law_id, article_no, text FROM articles ORDER BY law_id, article_no")]
        return out


def _prov(file: str, marker: str, line_start: int, line_end: int) -> dict:
    return {"file": file, "entry": marker, "line_start": line_start, "line_end": line_end}


def _rows(conn, sql: str, args=()) -> list[dict]:
    cur = conn.execute(sql, args)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _parse_export(text: str, name: str) -> list[tuple[int, dict]]:
    records = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportRejected(f"不是合法的 JSON：{exc.msg}", location=f"{name}:{lineno}") from None
        if not isinstance(rec, dict) or rec.get("type") not in ("falv-kb", "source", "quoted_law",
                                                                 "entry"):
            raise ImportRejected("不是 falv kb export 的记录（缺少或未知的 type）",
                                 location=f"{name}:{lineno}")
        records.append((lineno, rec))
    if not records or records[0][1].get("type") != "falv-kb" or records[0][1].get("format") != 1:
        raise ImportRejected("不是 falv kb export --jsonl 的输出（首行应为 falv-kb 格式 1）",
                             location=f"{name}:1")
    return records[1:]


def _insert(conn, table: str, row: dict, columns: list[str], verb: str = "INSERT") -> None:
    conn.execute(f"{verb} INTO {table}({','.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                 [row[c] for c in columns])


_COLUMNS: dict[str, list[str]] = {}


def _columns(conn, table: str) -> list[str]:
    if table not in _COLUMNS:
        _COLUMNS[table] = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    return _COLUMNS[table]


def _insert_record(conn, rec: dict, counts: dict) -> None:
    kind = rec["type"]
    if kind == "source":
        _insert(conn, "kb_sources", rec, _columns(conn, "kb_sources"))
        counts["sources"] += 1
    elif kind == "quoted_law":
        _insert(conn, "kb_quoted_laws", rec, _columns(conn, "kb_quoted_laws"), "INSERT OR REPLACE")
        conn.execute("DELETE FROM kb_quoted_articles WHERE law_id = ?", (rec["law_id"],))
        for art in rec["articles"]:
            # an export of an older version names the provenance `chapter`
            art = {"provenance": art.get("chapter"), **art, "law_id": rec["law_id"]}
            _insert(conn, "kb_quoted_articles", art, _columns(conn, "kb_quoted_articles"))
        counts["quoted_laws"] += 1
    else:
        _insert(conn, "kb_entries", rec, _columns(conn, "kb_entries"))
        for a in rec["answers"]:
            _insert(conn, "kb_answers", a, _columns(conn, "kb_answers"))
        for p in rec["points"]:
            _insert(conn, "kb_points", p, _columns(conn, "kb_points"))
            for s in p["sources"]:
                _insert(conn, "kb_point_sources", s, _columns(conn, "kb_point_sources"))
            for n in p["annotations"]:
                _insert(conn, "kb_annotations", n, _columns(conn, "kb_annotations"))
        for a in rec["answers"]:  # citations may name points of this entry
            for cit in a["citations"]:
                _insert(conn, "kb_citations", cit, _columns(conn, "kb_citations"))
        counts["entries"] += 1


__all__ = ["KnowledgeBase", "Entry", "Answer", "Point", "Citation", "Annotation", "QuestionIndex",
           "question_key", "bigrams", "jaccard", "SIMILARITY"]
