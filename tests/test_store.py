import sqlite3

import pytest

from falv import db
from falv.errors import StoreError


def test_253_and_253_1_are_different_articles(store):
    a = store.get_article("中华人民共和国刑法", "第二百五十三条")
    b = store.get_article("中华人民共和国刑法", "第二百五十三条之一")
    assert a and b and a.text != b.text
    assert "邮政工作人员" in a.text and "公民个人信息" in b.text
    assert (b.number, b.suffix) == (253, 1)


def test_criminal_law_amended_label_counts_as_current(store):
    law = store.current_law("中华人民共和国刑法")
    assert law.status == "已被修改" and store.is_current(law) and law.note


def test_base_db_is_read_only(store):
    with pytest.raises(sqlite3.OperationalError):
        store.base.execute("DELETE FROM laws")


def test_store_created_on_first_use(falv_home, store):
    assert (falv_home / "falv.db").exists()
    assert store.own.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION


def test_newer_store_is_refused(falv_home, store):
    store.own.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="更新版本"):
        db.connect(falv_home / "falv.db")


def test_corpus_size(store):
    assert sum(1 for _ in store.iter_articles()) > 23000


def test_content_hash_ignores_quoted_texts_but_not_imports(store):
    """Indexes are keyed by content_hash: a Q&A source's quoted text (never indexed) must not force
    a rebuild; an imported instrument must."""
    before = store.content_hash()
    with db.write_transaction(store.own) as conn:
        conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                     " VALUES ('q-1', '某引用来源法规', '司法解释', '现行有效', 'quoted', 'h1')")
    assert store.content_hash() == before
    with db.write_transaction(store.own) as conn:
        conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                     " VALUES ('imp-1', '某导入法规', '行政法规', '现行有效', 'import', 'h2')")
    assert store.content_hash() != before
