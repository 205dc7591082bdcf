"""The knowledge base as JSONL (`falv kb export --jsonl` / `falv kb import`): every row of the kb
tables, ids and verdicts as stored, so that export → import into an empty store → export gives
the same bytes. An import goes into an EMPTY knowledge base only (the ids are kept), in one
write transaction; malformed input is ImportRejected at file:line and writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, TextIO

from .. import db
from ..errors import ImportRejected


def export_lines(conn: sqlite3.Connection) -> Iterable[str]:
    """JSONL records, deterministic (ordered by id, sorted keys)."""
    yield _dump({"type": "falv-kb", "format": 1})
    for row in _rows(conn, "SELECT * FROM kb_sources ORDER BY id"):
        yield _dump({"type": "source", **row})
    for law in _rows(conn, "SELECT * FROM kb_quoted_laws ORDER BY law_id"):
        law["articles"] = _rows(conn, "SELECT ordinal, article_no, number, suffix,"
                                " provenance, text FROM kb_quoted_articles WHERE law_id = ?"
                                " ORDER BY ordinal, article_no", (law["law_id"],))
        yield _dump({"type": "quoted_law", **law})
    for entry in _rows(conn, "SELECT * FROM kb_entries ORDER BY id"):
        yield _dump({"type": "entry", **_entry_rows(conn, entry)})


def _entry_rows(conn, entry: dict) -> dict:
    """An entry's row with its answers (and their citations) and points (and their sources and
    annotations) nested."""
    eid = entry["id"]
    entry["answers"] = _rows(conn, "SELECT * FROM kb_answers WHERE entry_id = ? ORDER BY id", (eid,))
    for a in entry["answers"]:
        a["citations"] = _rows(conn, "SELECT * FROM kb_citations WHERE answer_id = ?"
                               " ORDER BY id", (a["id"],))
    entry["points"] = _rows(conn, "SELECT * FROM kb_points WHERE entry_id = ? ORDER BY id", (eid,))
    for p in entry["points"]:
        p["sources"] = _rows(conn, "SELECT * FROM kb_point_sources WHERE point_id = ?"
                             " ORDER BY answer_id, line_start", (p["id"],))
        p["annotations"] = _rows(conn, "SELECT * FROM kb_annotations WHERE point_id = ?"
                                 " ORDER BY id", (p["id"],))
    return entry


def export_jsonl(conn: sqlite3.Connection, fh: TextIO) -> int:
    """Write the export to fh; returns the number of lines."""
    n = 0
    for line in export_lines(conn):
        fh.write(line + "\n")
        n += 1
    return n


def import_jsonl(conn: sqlite3.Connection, text: str, name: str) -> dict:
    """Load an export into an EMPTY knowledge base, ids and verdicts exactly as exported.
    Malformed input → ImportRejected at file:line, nothing written."""

    records = _parse_export(text, name)
    if _count(conn):
        raise ImportRejected("知识库非空：kb import 只能导入到空的知识库（导出文件保留原编号）",
                             location=f"{name}:1",
                             hint="请使用新的 FALV_HOME，或用 falv kb ingest 导入源文档")
    counts = {"sources": 0, "entries": 0, "quoted_laws": 0}
    with db.write_transaction(conn):
        if _count(conn):  # re-check under the lock
            raise ImportRejected("知识库非空", location=f"{name}:1")
        for lineno, rec in records:
            try:
                _insert_record(conn, rec, counts)
            except (KeyError, TypeError, ValueError, sqlite3.Error) as exc:
                raise ImportRejected(f"记录无效：{exc}", location=f"{name}:{lineno}") from None
        db.bump_revision(conn)
    return counts


def _count(conn) -> int:
    return conn.execute("SELECT count(*) FROM kb_entries").fetchone()[0]


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
