"""The index is built once, persisted under index_dir()/<content hash>, loaded on later starts and
rebuilt when the store's content changes; the compact query-time segmenter agrees with the full one."""

from __future__ import annotations

import json

from falv import config, db
from falv.law.store import StatuteStore
from falv.search import index as index_mod
from falv.search.analyzer import Segmenter
from falv.search.retrieve import Searcher, search

# An invented instrument: its text is test data, not statute text.
FAKE_LAW = ("test-law-1", "测试用暂行规定", "部门规章", "现行有效")
FAKE_TEXT = "本规定所称甲乙丙测试物品，是指专供测试使用的物品。"


def _import_fake_law(store: StatuteStore, law=FAKE_LAW) -> None:
    with db.write_transaction(store.own) as conn:
        conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                     " VALUES (?, ?, ?, ?, 'import', 'h1')", law)
        conn.execute("INSERT INTO articles (law_id, ordinal, article_no, number, suffix, text)"
                     " VALUES (?, 1, '第一条', 1, 0, ?)", (law[0], FAKE_TEXT))
    store.reload()


def test_index_is_persisted_under_content_hash(small_store):
    s = Searcher(small_store)
    path = config.index_dir() / small_store.part_hashes(index_mod.is_law_kind)[0]
    assert s.index.path == path == index_mod.index_path(small_store)
    for name in ("meta.json", "docs.marshal", "dict.marshal", "bm25"):
        assert (path / name).exists()
    meta = json.loads((path / "meta.json").read_text())
    assert meta["documents"] == len(s.index.docs) > 1000


def test_second_start_loads_instead_of_rebuilding(small_store, monkeypatch):
    Searcher(small_store)

    def fail(*a, **k):
        raise AssertionError("index rebuilt although it was cached")

    monkeypatch.setattr(index_mod, "build", fail)
    fresh = StatuteStore()  # a new process would open a new store over the same files
    try:
        assert search(fresh, "隐私权", top=1)
    finally:
        fresh.close()


def test_import_changes_hash_and_rebuilds_index(small_store):
    """An imported 部门规章 changes the store's hash and gets the index of the other kinds; the
    laws' index stays as it was (not rebuilt, the law ranking unchanged). An imported 法律
    rebuilds the laws' index."""
    from falv.search.retrieve import searcher

    before = small_store.content_hash()
    laws_before = index_mod.index_path(small_store)
    ranking = [h.article.key for h in search(small_store, "甲乙丙测试物品")]
    assert all(law != FAKE_LAW[1] for law, _ in ranking)
    _import_fake_law(small_store)
    after = small_store.content_hash()
    assert after != before
    assert index_mod.index_path(small_store) == laws_before
    s = searcher(small_store)
    assert [h.article.key for h in s.search("甲乙丙测试物品")] == ranking
    groups = dict(s.groups("甲乙丙测试物品"))
    assert groups["部门规章"][0].article.law.title == FAKE_LAW[1]
    assert index_mod.index_path(small_store, "others").is_dir()

    _import_fake_law(small_store, ("test-law-2", "测试用法", "法律", "现行有效"))
    assert index_mod.index_path(small_store) != laws_before
    hits = search(small_store, "甲乙丙测试物品", top=3)
    assert hits[0].article.law.title == "测试用法"
    kept = [d for d in config.index_dir().iterdir() if d.is_dir()]
    assert len(kept) <= index_mod.KEEP_INDEXES  # older store contents do not pile up


def test_repealed_or_quoted_instruments_are_not_indexed(small_store):
    with db.write_transaction(small_store.own) as conn:
        conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                     " VALUES ('old-1', '测试用已废止规定', '部门规章', '已废止', 'import', 'h2')")
        conn.execute("INSERT INTO articles (law_id, ordinal, article_no, number, suffix, text)"
                     " VALUES ('old-1', 1, '第一条', 1, 0, ?)", (FAKE_TEXT,))
    small_store.reload()
    assert all(h.article.law.title != "测试用已废止规定" for h in search(small_store, "甲乙丙测试物品"))


def test_compact_segmenter_matches_full_on_documents(small_store):
    idx = index_mod.load_or_build(small_store)
    titles = [l.title for l in small_store.laws() if small_store.is_current(l)]
    full = Segmenter.full({n for t in titles for n in index_mod.short_titles(t)})
    compact = idx.analyzer.segmenter
    for i, art in enumerate(small_store.iter_articles()):
        if i % 25:
            continue
        text = index_mod.doc_text(art)
        assert compact.cut_for_search(text) == full.cut_for_search(text), art.key


def test_segmenter_is_jieba_search_mode_without_hmm():
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    seg = Segmenter(dict(tk.FREQ), tk.total)  # jieba's dictionary alone, no legal words
    sentence = "快递单上的个人信息被泄露了应该向哪个部门投诉"
    assert seg.cut_for_search(sentence) == jieba.lcut_for_search(sentence, HMM=False)
    # words longer than four characters also yield their 4+-character dictionary sub-words
    assert "个人信息" in Segmenter.from_words({"个人信息": 5, "个人信息处理者": 5, "处理者": 5}, 100).cut_for_search(
        "个人信息处理者")


def test_damaged_index_is_rebuilt(small_store):
    s = Searcher(small_store)
    (s.index.path / "docs.marshal").write_bytes(b"not marshal data")
    fresh = StatuteStore()
    try:
        assert search(fresh, "隐私权", top=1)
    finally:
        fresh.close()


def test_empty_store_is_a_clear_error(tmp_path, monkeypatch):
    import sqlite3

    import pytest

    from falv.config import base_db_path
    from falv.errors import StoreError

    empty = tmp_path / "empty.db"
    src = sqlite3.connect(f"file:{base_db_path()}?mode=ro", uri=True)
    dst = sqlite3.connect(empty)
    for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"):
        dst.execute(sql)
    dst.commit()
    monkeypatch.setenv("FALV_BASE_DB", str(empty))
    with StatuteStore() as store, pytest.raises(StoreError, match="没有现行有效的条文"):
        search(store, "隐私权")


def test_postings_and_df_wrap_the_bm25_matrix(small_store):
    """Index.postings/df are the one reader of bm25s's weight matrix: a term's documents are the
    ones whose tokens hold it, with positive weights; an unknown term has none."""
    idx = Searcher(small_store).index
    term = "个人信息"
    docs, weights = idx.postings(term)
    assert idx.df(term) == len(docs) > 0 and (weights > 0).all()
    holders = [i for i, text in enumerate(idx.docs.texts) if term in text]
    assert set(docs.tolist()) <= set(range(len(idx.docs))) and set(docs.tolist()) & set(holders)
    assert idx.postings("甲乙丙丁不存在的词") is None and idx.df("甲乙丙丁不存在的词") == 0
