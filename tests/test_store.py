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


def test_criminal_law_in_force_is_the_stored_text_amended(store):
    """The base DB marks its 2020 刑法 已被修改 (刑法修正案（十二） is stored beside it): the current
    version is that text with the amendment applied; the stored text stays a historical version."""
    law = store.current_law("中华人民共和国刑法")
    assert law.status == "现行有效" and store.is_current(law) and law.amendments
    old = store.laws_by_title("中华人民共和国刑法")[1]
    assert old.status == "历史版本" and "已被修改" in old.note and not store.is_current(old)


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
        conn.execute("INSERT INTO kb_quoted_laws (law_id, title, doc_type, status, content_hash)"
                     " VALUES ('q-1', '某引用来源法规', '司法解释', '现行有效', 'h1')")
    assert store.content_hash() == before
    with db.write_transaction(store.own) as conn:
        conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                     " VALUES ('imp-1', '某导入法规', '行政法规', '现行有效', 'import', 'h2')")
    assert store.content_hash() != before


def test_quoted_texts_written_by_an_older_version_move_to_the_kb_tables(falv_home):
    """Migration 3: a store of version 2 kept texts quoted by Q&A sources in the statute tables;
    after the migration they are in the KB's own tables, the statute tables hold imports only, and
    the store still reads them as the unverified 'quoted' source."""
    from falv.law.store import StatuteStore

    falv_home.mkdir(parents=True, exist_ok=True)
    path = falv_home / "falv.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, script in db.MIGRATIONS:
        if version <= 2:
            for statement in db._statements(script):
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, note, content_hash)"
                 " VALUES ('q-1', '某引用来源法规', '司法解释', '现行有效', 'quoted', '问答来源', 'h1')")
    conn.execute("INSERT INTO articles (law_id, ordinal, article_no, number, suffix, text)"
                 " VALUES ('q-1', 1000, '第一条', 1, 0, '引用文本')")
    conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                 " VALUES ('imp-1', '某导入法规', '行政法规', '现行有效', 'import', 'h2')")
    conn.close()
    store = StatuteStore(store_path=path)
    try:
        own = store.own
        assert own.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
        assert [r[0] for r in own.execute("SELECT law_id FROM laws")] == ["imp-1"]
        assert own.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert own.execute("SELECT title, note FROM kb_quoted_laws").fetchall() == [("某引用来源法规", "问答来源")]
        law = store.current_law("某引用来源法规")
        assert law.source == "quoted" and not store.is_current(law)
        assert store.get_article("某引用来源法规", "第一条").text == "引用文本"
    finally:
        store.close()
