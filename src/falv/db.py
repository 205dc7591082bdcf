"""falv's own SQLite store: connection, schema migrations, write transactions.

One file (config.store_path()) holds imported statutes and the knowledge base. It runs in WAL mode
so readers keep working while an import writes, and every write happens inside one
`write_transaction`, so a killed import leaves all of its batch or none of it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from . import config
from .errors import StoreError
from .limits import MAX_QUICK_CHECK_BYTES

# Each migration takes the store from version N-1 to N. Append; never edit a released one.
MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE IF NOT EXISTS laws (
        law_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        doc_type TEXT NOT NULL,
        status TEXT NOT NULL,
        issuing_body TEXT,
        document_number TEXT,
        publish_date TEXT,
        effective_date TEXT,
        version TEXT,
        source TEXT NOT NULL DEFAULT 'import',
        note TEXT,
        source_file TEXT,
        content_hash TEXT NOT NULL,
        imported_at TEXT
    );
    CREATE INDEX IF NOT EXISTS laws_title ON laws(title);
    CREATE TABLE IF NOT EXISTS articles (
        id INTEGER PRIMARY KEY,
        law_id TEXT NOT NULL REFERENCES laws(law_id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        article_no TEXT NOT NULL,
        number INTEGER NOT NULL,
        suffix INTEGER NOT NULL DEFAULT 0,
        chapter TEXT,
        section TEXT,
        text TEXT NOT NULL,
        UNIQUE (law_id, article_no)
    );
    CREATE INDEX IF NOT EXISTS articles_law ON articles(law_id, ordinal);
    """),
    # 2: the Q&A knowledge base (falv.kb.store): entries, their source answers, points with every
    # place they occur, citations with verdicts, currency annotations.
    (2, """
    CREATE TABLE IF NOT EXISTS kb_sources (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        encoding TEXT NOT NULL,
        style TEXT NOT NULL,
        entries INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS kb_entries (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        norm TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kb_entries_norm ON kb_entries(norm);
    CREATE TABLE IF NOT EXISTS kb_answers (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES kb_entries(id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES kb_sources(id) ON DELETE CASCADE,
        marker TEXT NOT NULL,
        number INTEGER NOT NULL,
        question TEXT NOT NULL,
        question_original TEXT NOT NULL,
        line_start INTEGER NOT NULL,
        line_end INTEGER NOT NULL,
        raw TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kb_answers_entry ON kb_answers(entry_id);
    CREATE TABLE IF NOT EXISTS kb_points (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES kb_entries(id) ON DELETE CASCADE,
        answer_id INTEGER NOT NULL REFERENCES kb_answers(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        kind TEXT NOT NULL,
        label TEXT,
        text TEXT NOT NULL,
        original TEXT NOT NULL,
        norm TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kb_points_entry ON kb_points(entry_id, norm);
    CREATE TABLE IF NOT EXISTS kb_point_sources (
        point_id INTEGER NOT NULL REFERENCES kb_points(id) ON DELETE CASCADE,
        answer_id INTEGER NOT NULL REFERENCES kb_answers(id) ON DELETE CASCADE,
        line_start INTEGER NOT NULL,
        line_end INTEGER NOT NULL,
        PRIMARY KEY (point_id, answer_id, line_start)
    );
    CREATE TABLE IF NOT EXISTS kb_citations (
        id INTEGER PRIMARY KEY,
        answer_id INTEGER NOT NULL REFERENCES kb_answers(id) ON DELETE CASCADE,
        point_id INTEGER REFERENCES kb_points(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        raw TEXT NOT NULL,
        law_text TEXT,
        law TEXT,
        article TEXT,
        quoted_text TEXT,
        verdict TEXT NOT NULL,
        detail TEXT NOT NULL,
        replacement TEXT,
        diff TEXT,
        quoted_law_id TEXT,
        line_start INTEGER NOT NULL,
        line_end INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kb_citations_answer ON kb_citations(answer_id);
    CREATE TABLE IF NOT EXISTS kb_annotations (
        id INTEGER PRIMARY KEY,
        point_id INTEGER NOT NULL REFERENCES kb_points(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        term TEXT NOT NULL,
        replacement TEXT NOT NULL,
        note TEXT NOT NULL,
        since TEXT,
        basis TEXT
    );
    CREATE INDEX IF NOT EXISTS kb_annotations_point ON kb_annotations(point_id);
    """),
    # 3: texts quoted by a Q&A source live in the knowledge base's own tables, not in the statute
    # tables (laws/articles hold imported instruments only); the store reads them as a separate,
    # unverified source ('quoted'). Rows an older version wrote into laws/articles move over.
    (3, """
    CREATE TABLE IF NOT EXISTS kb_quoted_laws (
        law_id TEXT PRIMARY KEY,  -- q-…
        title TEXT NOT NULL,  -- the importer's spelling, so that an import later takes over
        doc_type TEXT NOT NULL,
        status TEXT NOT NULL,
        note TEXT,  -- where the text was first quoted
        source_file TEXT,
        content_hash TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS kb_quoted_articles (
        law_id TEXT NOT NULL REFERENCES kb_quoted_laws(law_id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        article_no TEXT NOT NULL,  -- 第X条[之Y]
        number INTEGER NOT NULL,
        suffix INTEGER NOT NULL DEFAULT 0,
        provenance TEXT,  -- 问答来源引用：FILE ENTRY（第 N–M 行）
        text TEXT NOT NULL,  -- as the source quotes it
        PRIMARY KEY (law_id, article_no)
    );
    INSERT INTO kb_quoted_laws SELECT law_id, title, doc_type, status, note, source_file,
        content_hash FROM laws WHERE source = 'quoted';
    INSERT INTO kb_quoted_articles SELECT a.law_id, a.ordinal, a.article_no, a.number, a.suffix,
        a.chapter, a.text FROM articles a JOIN laws l ON l.law_id = a.law_id
        WHERE l.source = 'quoted';
    DELETE FROM articles WHERE law_id IN (SELECT law_id FROM laws WHERE source = 'quoted');
    DELETE FROM laws WHERE source = 'quoted';
    """),
]

SCHEMA_VERSION = max(v for v, _ in MIGRATIONS)
BUSY_TIMEOUT_MS = 10_000  # default; FALV_BUSY_TIMEOUT_MS overrides (how long a writer waits)


def busy_timeout_ms() -> int:
    """How long a second writer waits for the first one before giving up with a clear message."""
    raw = os.environ.get("FALV_BUSY_TIMEOUT_MS")
    if raw is None:
        return BUSY_TIMEOUT_MS
    try:
        return max(0, int(raw))
    except ValueError:
        raise StoreError(f"FALV_BUSY_TIMEOUT_MS 不是整数：{raw!r}") from None


RESTORE_HINT = ("从备份恢复该文件；或换一个 FALV_HOME 新建数据库，用 falv statutes import 重新导入法规、"
                "用 falv kb import 导入此前 falv kb export --jsonl 导出的知识库")


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating if needed) falv's own store.

    A new store is created under a temporary name and linked into place complete, so an existing
    0-byte falv.db is never a store being born: it (or a file that is not SQLite, or not falv's)
    is refused, never reset. An existing store is checked (PRAGMA quick_check up to
    limits.MAX_QUICK_CHECK_BYTES). Where the store or its directory is not writable, it is opened
    read-only, so every read-only command still works."""
    path = Path(path) if path else config.store_path()
    timeout_ms = busy_timeout_ms()
    try:
        if not path.exists():
            _create(path, timeout_ms)
        _check_file(path)
        read_only = not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
        conn = _open(path, timeout_ms, read_only)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"无法打开数据库 {path}：{exc}") from exc
    try:
        try:
            _prepare(conn, path, timeout_ms, read_only)
        except sqlite3.OperationalError as exc:
            if read_only or not _is_readonly_error(exc):
                raise
            conn.close()  # a read-only medium os.access did not reveal: read it as such
            conn = _open(path, timeout_ms, True)
            _prepare(conn, path, timeout_ms, True)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"数据库 {path} 已损坏或无法读取：{exc}", hint=RESTORE_HINT) from exc
    except StoreError:
        conn.close()
        raise
    return conn


def _open(path: Path, timeout_ms: int, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(path, timeout=timeout_ms / 1000, check_same_thread=False,
                               isolation_level=None)
    # WAL needs a -shm file beside the store; in a directory we cannot write, read the file as it
    # is (immutable: no locking, no WAL), which is what a read-only copy of a store is
    shm_ok = Path(f"{path}-shm").exists() or os.access(path.parent, os.W_OK)
    uri = f"file:{quote(str(path))}?mode=ro" + ("" if shm_ok else "&immutable=1")
    return sqlite3.connect(uri, uri=True, timeout=timeout_ms / 1000, check_same_thread=False,
                           isolation_level=None)


def _prepare(conn: sqlite3.Connection, path: Path, timeout_ms: int, read_only: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    conn.execute("PRAGMA foreign_keys = ON")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"数据库 {path} 由更新版本的 falv 写入（架构版本 {version}，本程序支持 {SCHEMA_VERSION}）",
            hint="请升级 falv，或设置 FALV_HOME 使用另一个数据目录",
        )
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise StoreError(f"{path} 不是 falv 的数据库（其中已有其他程序的表）",
                         hint="请设置 FALV_HOME 使用另一个数据目录")
    if path.stat().st_size <= MAX_QUICK_CHECK_BYTES:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise StoreError(f"数据库 {path} 已损坏：{'；'.join(problems).replace(chr(10), ' ')[:300]}", hint=RESTORE_HINT)
    if read_only:
        if version < SCHEMA_VERSION:
            raise StoreError(f"数据库 {path} 需要升级（架构版本 {version}），但它是只读的",
                             hint="请用有写权限的账户运行一次 falv，或复制到可写的 FALV_HOME")
        return
    _ensure_wal(conn)
    if version < SCHEMA_VERSION:
        _migrate(conn, version)


def _create(path: Path, timeout_ms: int) -> None:
    """A new, migrated store, linked into place only when complete (another process may win)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    try:
        conn = sqlite3.connect(tmp, timeout=timeout_ms / 1000, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            _migrate(conn, 0)
        finally:
            conn.close()  # the last connection checkpoints the WAL into the file
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _check_file(path: Path) -> None:
    """Refuse, before SQLite would silently treat it as new: something that is not a file, an
    empty file. Only stat() here: opening and closing the file with Python would drop every POSIX
    lock this process's SQLite connections hold on it (a classic way to lose a WAL); the header,
    truncation and damage are SQLite's to find (`file is not a database`, quick_check)."""
    if not path.is_file():
        raise StoreError(f"数据库 {path} 不是普通文件")
    if path.stat().st_size == 0:
        raise StoreError(f"数据库 {path} 是空文件（0 字节）：可能被截断或被其他程序清空，falv 不会把它当作新库",
                         hint=RESTORE_HINT + "；确认无用后删除该文件即可新建")


def _is_readonly_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def as_store_error(exc: sqlite3.Error, path: Path | None = None) -> StoreError:
    """A SQLite failure met while running a command (corruption found on a page quick_check did
    not read, a read-only medium, a lock) as the StoreError a user can act on."""
    path = path or config.store_path()
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(f"数据库正被另一个进程写入（{text}）", hint="请等待其完成后重试")
    if _is_readonly_error(exc):
        return StoreError(f"数据库 {path} 是只读的，无法写入",
                          hint="只读命令（ask、search、article、verify、kb list …）照常可用；写入需要可写的 FALV_HOME")
    return StoreError(f"数据库 {path} 已损坏或无法读取：{text}", hint=RESTORE_HINT)


def _ensure_wal(conn: sqlite3.Connection) -> None:
    """WAL lets readers work during an import; a store copied or made elsewhere may lack it."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # another process holds the file; it keeps working in its current mode


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    with write_transaction(conn):
        # re-read inside the lock: another process may have migrated meanwhile
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for version, script in MIGRATIONS:
            if version > current:
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements; a `;` inside a string literal or a trigger body
    does not end a statement (sqlite3.complete_statement decides)."""
    statements, buf = [], ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                statements.append(buf.strip())
            buf = ""
    if buf.strip(" \n\t;"):
        statements.append(buf.strip().rstrip(";"))
    return statements


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: one writer at a time; a second waits up to busy_timeout_ms(),
    then fails with a clear message. Any exception rolls the whole batch back."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            waited = conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
            raise StoreError(f"数据库正被另一个进程写入（已等待 {waited:g} 秒）",
                             hint="请等待其完成后重试") from exc
        raise StoreError(f"无法开始写入：{exc}") from exc
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (disk full, I/O error)
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def bump_revision(conn: sqlite3.Connection) -> None:
    """Called inside a write transaction whenever stored content changes (index caches key on it)."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES('revision', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )
