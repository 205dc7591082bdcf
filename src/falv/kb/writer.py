"""Writing the knowledge base: analysed seed documents → the kb_* tables of falv's own store.

Runs inside the caller's write transaction (falv.kb.ingest). A question joins the entry it is a
near-duplicate of (kb/similar.py) as one more source answer; within an entry a point whose
normalised text is already stored gets one more provenance instead of a copy. A basis article
the store lacks is kept as a "quoted by source" article in the KB's own tables — the KB never
writes the statute tables.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time

from ..law.headers import canonical_title, infer_doc_type
from ..law.models import IN_FORCE
from ..text import parse_article_no
from .similar import QuestionIndex, question_key


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
        entry_id, merged = self._entry_for(e.question)
        answer_id = self._id("kb_answers")
        rows["kb_answers"].append((answer_id, entry_id, source_id, e.marker, e.number, e.question,
                                   e.question_original, e.line_start, e.line_end, e.raw))
        new_points, cit_ordinal = self._add_points(entry_id, answer_id, a)
        for cit in a.basis:
            cit_ordinal += 1
            quoted_law_id = None
            if cit["role"] == "basis" and cit["verdict"] == "unverifiable" and cit["quoted_text"] \
                    and cit["law"] and cit["article"]:
                quoted_law_id = self._quoted_article(cit, file, e, report)
            rows["kb_citations"].append(_citation_row(self._id("kb_citations"), answer_id, None,
                                                      cit_ordinal, cit, quoted_law_id))
        return {"entry_id": str(entry_id), "marker": e.marker, "question": e.question,
                "merged": merged, "lines": [e.line_start, e.line_end], "points": len(e.points),
                "new_points": new_points,
                "basis": [{"law": b["law"], "article": b["article"], "role": b["role"],
                           "verdict": b["verdict"]} for b in a.basis],
                "analysis_citations": sum(len(v) for v in a.point_citations.values()),
                "annotations": [{"term": n["term"], "kind": n["kind"], "replacement": n["replacement"]}
                                for v in a.point_annotations.values() for n in v]}

    def _entry_for(self, question: str) -> tuple[int, bool]:
        """(entry id, merged): the entry the question merges into, or a new one."""
        t0 = time.process_time()
        key = question_key(question)
        entry_id = self.index.find(key)
        merged = entry_id is not None
        if entry_id is None:
            entry_id = self._id("kb_entries")
            self._rows["kb_entries"].append((entry_id, question, key))
            self.index.add(entry_id, key)
            self._points[entry_id] = {}
        self.index_s += time.process_time() - t0
        return entry_id, merged

    def _add_points(self, entry_id: int, answer_id: int, a) -> tuple[int, int]:
        """The answer's points: one the entry holds already gets one more provenance (stored
        once); a new one is stored with its citations and annotations. Returns (new points,
        citations written)."""
        rows, known = self._rows, self._entry_points(entry_id)
        ordinal = 0  # points first seen in this (new) answer, in source order
        new_points = 0
        cit_ordinal = 0
        citations, annotations = rows["kb_citations"], rows["kb_annotations"]
        for pt in a.entry.points:
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
            rows["kb_point_sources"].append((point_id, answer_id, pt.line_start, pt.line_end))
        return new_points, cit_ordinal

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
