"""The index is built once, persisted under index_dir()/<content hash>, loaded on later starts and
rebuilt when the store's content changes; the compact query-time segmenter agrees with the full one."""

from __future__ import annotations

import json

from factories import add_law
from falv import config
from falv.law.store import StatuteStore
from falv.search import corpus, indexbuild
from falv.search import index as index_mod
from falv.search.analyzer import Segmenter
from falv.search.retrieve import Searcher, search

# An invented instrument (factories.MADE_UP_TEXT is its text: test data, not statute text).
FAKE_LAW = "测试用暂行规定"


def test_index_is_persisted_under_content_hash(small_store):
    s = Searcher(small_store)
    path = config.index_dir() / small_store.part_hashes(corpus.is_law_kind)[0]
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


def test_import_changes_hash_and_rebuilds_index(tiny_store):
    """An imported 部门规章 changes the store's hash and gets the index of the other kinds; the
    laws' index stays as it was (not rebuilt, the law ranking unchanged). An imported 法律
    rebuilds the laws' index."""
    from falv.search.retrieve import searcher

    before = tiny_store.content_hash()
    laws_before = index_mod.index_path(tiny_store)
    ranking = [h.article.key for h in search(tiny_store, "甲乙丙测试物品")]
    assert all(law != FAKE_LAW for law, _ in ranking)
    add_law(tiny_store, FAKE_LAW, law_id="test-law-1")
    after = tiny_store.content_hash()
    assert after != before
    assert index_mod.index_path(tiny_store) == laws_before
    s = searcher(tiny_store)
    assert [h.article.key for h in s.search("甲乙丙测试物品")] == ranking
    groups = dict(s.groups("甲乙丙测试物品"))
    assert groups["部门规章"][0].article.law.title == FAKE_LAW
    assert index_mod.index_path(tiny_store, "others").is_dir()

    add_law(tiny_store, "测试用法", doc_type="法律", law_id="test-law-2")
    assert index_mod.index_path(tiny_store) != laws_before
    hits = search(tiny_store, "甲乙丙测试物品", top=3)
    assert hits[0].article.law.title == "测试用法"
    kept = [d for d in config.index_dir().iterdir() if d.is_dir()]
    assert len(kept) <= indexbuild.KEEP_INDEXES  # older store contents do not pile up


def test_repealed_or_quoted_instruments_are_not_indexed(tiny_store):
    add_law(tiny_store, "测试用已废止规定", status="已废止", law_id="old-1")
    assert all(h.article.law.title != "测试用已废止规定" for h in search(tiny_store, "甲乙丙测试物品"))


def test_compact_segmenter_matches_full_on_documents(small_store):
    idx = index_mod.load_or_build(small_store)
    titles = [l.title for l in small_store.laws() if small_store.is_current(l)]
    full = Segmenter.full({n for t in titles for n in corpus.short_titles(t)})
    compact = idx.analyzer.segmenter
    for i, art in enumerate(small_store.iter_articles()):
        if i % 25:
            continue
        text = corpus.doc_text(art)
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


def test_damaged_index_is_rebuilt(tiny_store):
    s = Searcher(tiny_store)
    (s.index.path / "docs.marshal").write_bytes(b"not marshal data")
    fresh = StatuteStore()
    try:
        assert search(fresh, "个人信息", top=1)
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
