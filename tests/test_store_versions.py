"""Store versioning: the store records its schema version (PRAGMA user_version); a store written by
an older falv is migrated on open, a newer or unreadable one is refused with a clear message."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from falv import db
from falv.errors import StoreError

FIXTURE = Path(__file__).parent / "fixtures" / "store_v1" / "falv.db"
CLI = [sys.executable, "-c", "from falv.cli import main; main()"]

# The schema of version 1 exactly as falv 0.1.0 released it (frozen: migration 1 must never change).
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE laws (law_id TEXT PRIMARY KEY, title TEXT NOT NULL, doc_type TEXT NOT NULL,
  status TEXT NOT NULL, issuing_body TEXT, document_number TEXT, publish_date TEXT,
  effective_date TEXT, version TEXT, source TEXT NOT NULL DEFAULT 'import', note TEXT,
  source_file TEXT, content_hash TEXT NOT NULL, imported_at TEXT);
CREATE INDEX laws_title ON laws(title);
CREATE TABLE articles (id INTEGER PRIMARY KEY,
  law_id TEXT NOT NULL REFERENCES laws(law_id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,
  article_no TEXT NOT NULL, number INTEGER NOT NULL, suffix INTEGER NOT NULL DEFAULT 0,
  chapter TEXT, section TEXT, text TEXT NOT NULL, UNIQUE (law_id, article_no));
CREATE INDEX articles_law ON articles(law_id, ordinal);
"""


def build_v1_store(path) -> None:
    """How tests/fixtures/store_v1/falv.db was made (placeholder texts, no statute text)."""
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute("INSERT INTO meta VALUES ('revision', '3')")
    conn.execute("INSERT INTO laws VALUES ('imp-v1fixture00', '版本测试规章', '部门规章', '现行有效', NULL,"
                 " NULL, '2020-01-01', '2020-02-01', '2020-01-01', 'import', '测试用', 'v1.md', 'abc', NULL)")
    conn.executemany("INSERT INTO articles(law_id, ordinal, article_no, number, suffix, chapter, text)"
                     " VALUES ('imp-v1fixture00', ?, ?, ?, 0, '第一章 测试', ?)",
                     [(1, "第一条", 1, "占位条文甲。"), (2, "第二条", 2, "占位条文乙。\n占位第二款。")])
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()


@pytest.fixture
def v1_store(falv_home) -> Path:
    falv_home.mkdir(parents=True, exist_ok=True)
    path = falv_home / "falv.db"
    shutil.copyfile(FIXTURE, path)
    return path


def test_fixture_is_a_version_1_store():
    conn = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_migration_1_is_frozen(tmp_path):
    """Migration 1 of the code builds the same tables as the released version-1 store."""
    def schema(conn):
        return sorted((t, [c[1:3] for c in conn.execute(f"PRAGMA table_info({t})")])
                      for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                      if t in ("meta", "laws", "articles"))

    fresh = sqlite3.connect(tmp_path / "m1.db")
    for statement in db._statements(dict(db.MIGRATIONS)[1]):
        fresh.execute(statement)
    released = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)
    assert schema(fresh) == schema(released)


def test_migrations_are_numbered_one_to_n():
    assert [v for v, _ in db.MIGRATIONS] == list(range(1, db.SCHEMA_VERSION + 1))


def test_old_store_is_migrated_and_keeps_its_data(v1_store):
    from falv.law.store import StatuteStore

    conn = db.connect(v1_store)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0] == "3"
    conn.close()
    with StatuteStore(store_path=v1_store) as s:
        art = s.get_article("版本测试规章", "第二条")
        assert art and art.text == "占位条文乙。\n占位第二款。" and art.chapter == "第一章 测试"


def test_old_store_accepts_imports_after_migration(v1_store, store, tmp_path):
    """The migrated store is writable by the current importer."""
    from falv.law.importer import import_files

    law = store.current_law("中华人民共和国个人信息保护法")
    first = store.articles(law.law_id)[0]
    f = tmp_path / "new.md"
    f.write_text(f"---\ndoc_type: 部门规章\nstatus: 现行有效\n---\n# 迁移后导入的规章\n\n"
                 f"{first.article_no} {first.text}\n", "utf-8")
    report = import_files(store, [f])
    assert report.laws[0].action == "added"
    assert store.get_article("迁移后导入的规章", "第一条").text == first.text
    assert store.get_article("版本测试规章", "第一条") is not None


def test_empty_file_is_refused_not_initialised(falv_home):
    """A 0-byte falv.db is a truncated store, not a new one (issue 11: it was silently reset):
    new stores are created complete under another name, so an empty file is never one being born."""
    falv_home.mkdir(parents=True, exist_ok=True)
    (falv_home / "falv.db").write_bytes(b"")
    with pytest.raises(StoreError, match="0 字节"):
        db.connect(falv_home / "falv.db")
    assert (falv_home / "falv.db").stat().st_size == 0
    (falv_home / "falv.db").unlink()
    conn = db.connect(falv_home / "falv.db")  # a missing file is created, migrated
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    conn.close()
    assert not [p for p in falv_home.iterdir() if p.name.startswith(".falv.db.new")]


def test_newer_store_is_refused_by_the_cli(v1_store, falv_home):
    conn = sqlite3.connect(v1_store)
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 5}")
    conn.close()
    out = subprocess.run(CLI + ["statutes", "list"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "更新版本的 falv" in out.stderr and f"架构版本 {db.SCHEMA_VERSION + 5}" in out.stderr
    conn = sqlite3.connect(v1_store)  # untouched
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION + 5
    conn.close()


def test_unreadable_store_is_refused(falv_home):
    falv_home.mkdir(parents=True, exist_ok=True)
    path = falv_home / "falv.db"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreError, match="无法读取"):
        db.connect(path)
    out = subprocess.run(CLI + ["statutes", "list"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "无法读取" in out.stderr
    assert path.read_bytes() == b"this is not a database" * 200  # never overwritten


def test_migration_scripts_may_hold_triggers_and_literal_semicolons(tmp_path):
    script = """
    CREATE TABLE t (x TEXT);
    CREATE TABLE log (x TEXT);
    CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.x); INSERT INTO log VALUES ('a;b'); END;
    INSERT INTO t VALUES ('x;y');
    """
    statements = db._statements(script)
    assert len(statements) == 4
    conn = sqlite3.connect(tmp_path / "s.db")
    for s in statements:
        conn.execute(s)
    assert conn.execute("SELECT x FROM log ORDER BY rowid").fetchall() == [("x;y",), ("a;b",)]
