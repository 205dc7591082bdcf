"""The shipped e5 vectors and their int8 storage: checked without the dense extra (numpy only)."""

from __future__ import annotations

import numpy as np

from falv.search import dense, e5


def test_int8_rows_with_scales_round_trip_within_a_step():
    rng = np.random.default_rng(7)
    v = rng.normal(size=(50, e5.DIM)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q, scale = e5.quantize(v)
    assert q.dtype == np.int8 and scale.dtype == np.float32 and scale.shape == (50,)
    back = e5.dequantize(q, scale)
    assert np.abs(back - v).max() <= scale.max() / 2 + 1e-6  # at most half a step per value
    cos = np.sum(back * v, axis=1) / np.linalg.norm(back, axis=1)
    assert cos.min() > 0.999
    zero_q, zero_scale = e5.quantize(np.zeros((1, e5.DIM), dtype=np.float32))
    assert not zero_q.any() and zero_scale[0] == 1.0  # no division by zero


def test_shipped_vectors_cover_the_bundled_laws_db():
    got = dense._read(dense.shipped_path())
    assert got is not None, f"{dense.shipped_path()} is missing or not {e5.MODEL_ID}"
    q, scale, keys = got
    assert q.dtype == np.int8 and q.shape[1] == e5.DIM and len(q) > 20_000
    assert (scale > 0).all() and len(np.unique(keys)) == len(keys)
    norms = np.linalg.norm(e5.dequantize(q[:500], scale[:500]), axis=1)
    assert np.allclose(norms, 1.0, atol=0.02)  # unit vectors, as the model writes them


def test_text_key_follows_the_embedded_text():
    a = e5.doc_text("中华人民共和国民法典", "第十四章 租赁合同", "甲" * 600)
    assert a.endswith("甲" * e5.MAX_CHARS) and "甲" * (e5.MAX_CHARS + 1) not in a
    assert e5.text_key(a) == e5.text_key(str(a)) != e5.text_key(a + "乙")
