"""Statute import: parse a batch of files, then write it into falv's own store in one transaction.

Why one transaction for the whole batch: `falv statutes import a.md b.md` must never leave half a
batch behind (a killed import, a rejected second file). Every file is parsed and validated first;
only then is one `db.write_transaction` opened, so by default a malformed file writes nothing at
all. With keep_going (real corpora are messy) the files that parse are written, still in one
transaction, and each rejected one is reported with file:line and reason.

The steps, a module each: reading what the user named — files, folders, archives
(law/sources.py) and what LawRefBook's layout and metadata database say about each file
(law/lawrefbook.py); parsing — bytes to lines (law/parse.py), markdown (law/markdown.py), JSONL
(law/jsonl.py), header fields (law/headers.py) into ParsedLaws (law/parsed.py); and here, the
batch: true duplicates dropped, laws the base database already holds skipped, versions settled,
rows written.

Identity: law_id = "imp-" + hash(canonical title, version). Re-importing an unchanged law is a
no-op; changed content replaces the stored version. The db revision is bumped on every change.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import db
from ..errors import ImportRejected, InputError, NotFoundError
from . import lawrefbook
from .headers import vocab
from .models import HISTORICAL, IN_FORCE
from .names import base_versions
from .parse import parse_bytes
from .parsed import ParsedLaw
from .sources import Collected, Source, check_paths, collect


# -- report types ---------------------------------------------------------------------------------

@dataclass
class ImportedLaw:
    file: str
    law_id: str
    title: str
    version: str | None
    status: str
    doc_type: str
    articles: int
    action: str  # added · replaced · unchanged
    issuing_body: str | None = None
    document_number: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    chapters: int = 0
    note: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ImportReport:
    laws: list[ImportedLaw]
    dry_run: bool = False
    rejected: list[dict] = field(default_factory=list)  # {location, reason, hint} (--keep-going)
    duplicates: list[dict] = field(default_factory=list)  # {file, duplicate_of, title}: skipped
    skipped: list[dict] = field(default_factory=list)  # {file, reason}: not statute files
    warnings: list[str] = field(default_factory=list)  # metadata not read, or read in part

    @property
    def changed(self) -> bool:
        return any(l.action != "unchanged" for l in self.laws)

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "changed": self.changed,
                "laws": [l.to_dict() for l in self.laws], "rejected": self.rejected,
                "duplicates": self.duplicates, "skipped": self.skipped, "warnings": self.warnings}


# -- entry points ---------------------------------------------------------------------------------

def import_files(store_or_path=None, paths=(), dry_run: bool = False, keep_going: bool = False,
                 progress=None, metadata: str | Path | None = None) -> ImportReport:
    """Import files, folders (recursively) and archives as ONE transaction.

    Default: all or nothing — ImportRejected before anything is written if any file is
    malformed. keep_going: every file that parses is stored (still one transaction) and each
    rejected file is reported with file:line and reason. True duplicates (same title, same
    article texts) are skipped and named in both modes.

    store_or_path: a StatuteStore (reloaded afterwards), a path to falv's own store, or None (the
    configured store). progress: optional callable(done, total, name) called per file read.
    metadata: a LawRefBook db.sqlite3 to read for every file (by default only the one inside each
    folder or archive given is read: law/sources.py).
    """

    skips = vocab().get("lawrefbook", {})
    collected = collect(check_paths(paths), frozenset(skips.get("skip_files", ())),
                        frozenset(skips.get("skip_folders", ())), metadata)
    return _import(store_or_path, collected, dry_run, keep_going, progress,
                   location=", ".join(str(p) for p in paths)[:200])


def import_texts(store_or_path=None, files=(), dry_run: bool = False) -> ImportReport:
    """import_files of files given as (name, bytes) pairs — uploads, never written to disk, so
    no temporary folder is left and no metadata database is looked for around them."""
    if not files:
        raise InputError("没有指定要导入的文件")
    collected = Collected([Source(name, (), (lambda data=data: data), len(data)) for name, data in files])
    return _import(store_or_path, collected, dry_run, False, None, location=files[0][0])


def remove_law(store_or_path, title: str, version: str | None = None) -> list[str]:
    """Delete imported versions of a law (all versions, or the one with this version label)."""
    conn, store, owned = _open(store_or_path)
    try:
        with db.write_transaction(conn):
            sql, args = "SELECT law_id FROM laws WHERE title = ?", [title]
            if version:
                sql, args = sql + " AND version = ?", args + [version]
            ids = [r[0] for r in conn.execute(sql, args)]
            if not ids:
                what = f"{title}（{version}）" if version else title
                raise NotFoundError(f"导入的法规中没有：{what}", hint="用 falv statutes list --imported 查看")
            for law_id in ids:
                conn.execute("DELETE FROM articles WHERE law_id = ?", (law_id,))
                conn.execute("DELETE FROM laws WHERE law_id = ?", (law_id,))
            db.bump_revision(conn)
    finally:
        if owned:
            conn.close()
    if store is not None:
        store.reload()
    return ids


# -- the batch ------------------------------------------------------------------------------------

@dataclass
class _Parsed:
    """What reading and parsing a batch gave: its laws, the files rejected (keep_going), the
    warnings about metadata."""

    laws: list[ParsedLaw] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _import(store_or_path, collected: Collected, dry_run: bool, keep_going: bool, progress,
            location: str) -> ImportReport:
    try:
        parsed = _parse_all(collected, keep_going, progress)
    finally:
        collected.close()
    if not parsed.laws and not parsed.rejected:
        raise ImportRejected("没有找到可导入的法规文件（.md / .jsonl）", location=location)

    laws, duplicates = _dedupe(parsed.laws, keep_going, parsed.rejected)
    laws, in_base = _without_base_laws(laws)
    conn, store, owned = _open(store_or_path)
    try:
        results = _write_batch(conn, laws, dry_run)
    finally:
        if owned:
            conn.close()
    if store is not None and not dry_run:
        store.reload()
    return ImportReport(results, dry_run=dry_run, rejected=parsed.rejected, duplicates=duplicates,
                        skipped=[{"file": n, "reason": why} for n, why in collected.skipped]
                        + in_base, warnings=parsed.warnings)


def _parse_all(collected: Collected, keep_going: bool, progress) -> _Parsed:
    """Every source read and parsed, with what its LawRefBook layout says (its metadata database
    read once per import); a rejected file raises, or with keep_going is reported."""
    known = tuple(vocab()["doc_type"]["known"])
    out = _Parsed(warnings=list(collected.notes))
    metas: dict = {}  # MetaSource → its rows (None: unusable), read once per import
    total = len(collected.sources)
    for done, src in enumerate(collected.sources, 1):
        try:
            hints = lawrefbook.hints_for(src.filename, src.parts, _metadata(src, metas, out.warnings),
                                         known)
            out.laws.extend(parse_bytes(src.read(), src.name, src.suffix, hints))
        except ImportRejected as exc:
            if not keep_going:
                raise
            out.rejected.append({"location": exc.location or src.name, "reason": exc.message,
                                 "hint": exc.hint})
        if progress is not None:
            progress(done, total, src.name)
    return out


def _metadata(src: Source, metas: dict, warnings: list[str]):
    """The rows of the source's LawRefBook db.sqlite3 (None without one, or an unusable one)."""
    if src.meta_db is None:
        return None
    if src.meta_db not in metas:
        metas[src.meta_db], warning = lawrefbook.read_metadata(src.meta_db)
        if warning:
            warnings.append(warning)
    return metas[src.meta_db]


def _write_batch(conn, laws: list[ParsedLaw], dry_run: bool) -> list[ImportedLaw]:
    """Settle the batch's versions against the store, then write it in one transaction (a dry
    run only says what it would do)."""
    batch_ids = {law.law_id for law in laws}
    newer_stored = _newer_stored(conn, batch_ids)
    currents = lawrefbook.assign_versions(laws, newer_stored)
    _older_are_historical(laws, newer_stored)
    if dry_run:
        return [_result(law, _action(conn, law)) for law in laws]
    results = []
    with db.write_transaction(conn):
        for law in laws:
            action = _action(conn, law)
            if action != "unchanged":
                _write(conn, law)
            results.append(_result(law, action))
        superseded = _supersede_older(conn, currents, batch_ids)
        if superseded or any(r.action != "unchanged" for r in results):
            db.bump_revision(conn)
    return results


def _newer_stored(conn, batch_ids: set[str]):
    def newer_stored(title: str, version: str) -> str | None:
        """The version in force the store already holds that this one does not replace:
        a newer import, or a base text at least as new (the base DB stays the version of
        record unless a newer text comes)."""
        base = base_versions().get(title)
        if base and base >= version:
            return base
        for law_id, v in conn.execute(
                "SELECT law_id, coalesce(version, publish_date, '') FROM laws WHERE title = ?"
                " AND status = ? AND source = 'import'", (title, IN_FORCE)):
            if law_id not in batch_ids and v > version:
                return v
        return None
    return newer_stored


def _supersede_older(conn, currents: dict[str, str], batch_ids: set[str]) -> int:
    """Stored versions in force that a newer version of this batch replaces become 历史版本
    (an instrument imported one version at a time)."""
    changed = 0
    for title, version in currents.items():
        rows = conn.execute("SELECT law_id, coalesce(version, publish_date, '') FROM laws WHERE"
                            " title = ? AND status = ? AND source = 'import'", (title, IN_FORCE)).fetchall()
        for law_id, v in rows:
            if law_id not in batch_ids and v < version:
                conn.execute("UPDATE laws SET status = ?, note = coalesce(note || char(10), '') || ?"
                             " WHERE law_id = ?",
                             (HISTORICAL, f"时效性：已有新版本（{version}），本版本为历史版本", law_id))
                changed += 1
    return changed


def _older_are_historical(laws: list[ParsedLaw], newer_stored) -> None:
    """A text in force older than the version the store holds never replaces it: it is stored
    as a historical version (reachable with --version), whatever its own header says."""
    for law in laws:
        if law.status != IN_FORCE:
            continue
        newer = newer_stored(law.title, law.version or law.publish_date or "")
        if newer is not None:
            law.status = HISTORICAL
            law.add_note(f"时效性：库中已有现行版本（{newer}），本版本作为历史版本导入")


def _without_base_laws(laws: list[ParsedLaw]) -> tuple[list[ParsedLaw], list[dict]]:
    """LawRefBook's own copies of laws the base database holds (its 法律 folders, when the whole
    repository is imported) are skipped unless newer than the base text: the base text stays
    the version of record until a newer text comes (which then becomes current)."""

    base = base_versions()
    keep, skipped = [], []
    for law in laws:
        stored = base.get(law.title)
        if law.hints is not None and law.hints.lawrefbook and not law.explicit_status \
                and law.doc_type in ("宪法", "法律") and stored is not None \
                and (law.version or law.publish_date or "") <= stored:
            skipped.append({"file": law.source_file,
                            "reason": f"基础法规库已收录《{law.title}》（{stored} 版本，不早于此文件）"})
        else:
            keep.append(law)
    return keep, skipped


def _dedupe(parsed: list[ParsedLaw], keep_going: bool, rejected: list[dict]
            ) -> tuple[list[ParsedLaw], list[dict]]:
    """Drop true duplicates (same title and article texts: skipped and named); two different
    texts claiming the same version of one law are rejected (the later file under keep_going)."""
    by_text: dict[tuple[str, str], ParsedLaw] = {}
    by_id: dict[str, ParsedLaw] = {}
    laws, duplicates = [], []
    # a dated file wins over an undated copy of it: LawRefBook keeps both for a few instruments
    for law in sorted(parsed, key=lambda l: l.version is None):
        key = (law.title, law.text_hash)
        twin = by_text.get(key)
        if twin is not None:
            duplicates.append({"file": law.source_file, "duplicate_of": twin.source_file,
                               "title": law.title})
            continue
        other = by_id.get(law.law_id)
        if other is not None:
            exc = ImportRejected(
                f"与 {other.source_file} 是同一法规的同一版本（{law.title} {law.version or ''}），"
                "但条文不同", location=law.source_file)
            if not keep_going:
                raise exc
            rejected.append({"location": exc.location, "reason": exc.message, "hint": None})
            continue
        by_text[key] = by_id[law.law_id] = law
        laws.append(law)
    order = {id(l): i for i, l in enumerate(parsed)}
    laws.sort(key=lambda l: order[id(l)])
    return laws, duplicates


def _open(store_or_path):
    if store_or_path is None or isinstance(store_or_path, (str, Path)):
        return db.connect(Path(store_or_path) if store_or_path else None), None, True
    return store_or_path.own, store_or_path, False


def _action(conn, law: ParsedLaw) -> str:
    row = conn.execute("SELECT content_hash FROM laws WHERE law_id = ?", (law.law_id,)).fetchone()
    if row is None:
        return "added"
    return "unchanged" if row[0] == law.content_hash else "replaced"


def _write(conn, law: ParsedLaw) -> None:
    conn.execute("DELETE FROM articles WHERE law_id = ?", (law.law_id,))
    conn.execute("DELETE FROM laws WHERE law_id = ?", (law.law_id,))
    conn.execute(
        "INSERT INTO laws(law_id, title, doc_type, status, issuing_body, document_number,"
        " publish_date, effective_date, version, source, note, source_file, content_hash, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?, ?, ?, ?)",
        (law.law_id, law.title, law.doc_type, law.status, law.issuing_body, law.document_number,
         law.publish_date, law.effective_date, law.version, law.note, law.source_file,
         law.content_hash, _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")))
    conn.executemany(
        "INSERT INTO articles(law_id, ordinal, article_no, number, suffix, chapter, section, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(law.law_id, i, a.article_no, a.number, a.suffix, a.chapter, a.section, a.text)
         for i, a in enumerate(law.articles, 1)])


def _result(law: ParsedLaw, action: str) -> ImportedLaw:
    return ImportedLaw(law.source_file, law.law_id, law.title, law.version, law.status,
                       law.doc_type, len(law.articles), action, law.issuing_body,
                       law.document_number, law.publish_date, law.effective_date,
                       len({a.chapter for a in law.articles if a.chapter}), law.note)


__all__ = ["import_files", "import_texts", "remove_law", "ImportReport", "ImportedLaw"]
