"""The wording model that names the likely kind of a floor answer (falv.domain.kindmodel): it is
checked when loaded, it was trained on the committed dev and tuning questions only, and it takes
part only where no domain's reading leads."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from falv.answer.analysis import analyse, read
from falv.domain.kindmodel import load
from falv.domain.kinds import WORDED_P, kind_model, kinds
from falv.domain.rulebook import RulebookError

ROOT = Path(__file__).resolve().parent.parent


def _model_bytes(kind_ids, features, weights, bias) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, kinds=np.array(kind_ids), features=np.array("\n".join(features)),
             weights=np.asarray(weights, np.float16), bias=np.asarray(bias, np.float32),
             meta=np.array("{}"))
    return buf.getvalue()


def test_the_shipped_model_loads_with_the_kinds_of_kinds_toml():
    m = kind_model()
    assert set(m.kinds) == set(kinds())
    assert m.weights.shape == (len(m.index), len(m.kinds))


def test_a_model_for_other_kinds_or_of_the_wrong_shape_is_refused_with_the_file_named():
    known = set(kinds())
    ids = sorted(known)
    with pytest.raises(RulebookError, match="kind_model.npz.*kinds.toml"):
        load(known, _model_bytes(ids[:-1], ["工资"], np.zeros((1, len(ids) - 1)), np.zeros(len(ids) - 1)))
    with pytest.raises(RulebookError, match="kind_model.npz.*形状"):
        load(known, _model_bytes(ids, ["工资", "押金"], np.zeros((1, len(ids))), np.zeros(len(ids))))
    with pytest.raises(RulebookError, match="kind_model.npz.*无法读取"):
        load(known, b"not a model")


def test_the_model_was_trained_on_the_committed_dev_and_tuning_questions_and_no_holdout():
    meta = kind_model().meta
    files = meta["trained_on"]
    assert files and not any("holdout" in f for f in files)
    digest = hashlib.sha1()
    for f in files:
        digest.update((ROOT / f).read_bytes())
    expected = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "fixtures").glob("tuning/t*.jsonl"))
    expected += sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "fixtures").glob("blind/*.dev.jsonl"))
    assert files == expected, "training data changed: run python bench/train_kinds.py"
    assert digest.hexdigest() == meta["data_sha1"], "training data changed: run python bench/train_kinds.py"


# Worded by this test, not taken from any set: no domain finds its core facts in them, and the
# wording is plainly of one kind.
WORDED = [
    ("租的屋子退了，房东扣着钱", "tenancy"),
    ("买的羽绒服穿一次就掉毛，店家装死", "consumer"),
]


@pytest.mark.parametrize("question,kind", WORDED)
def test_without_a_domain_reading_the_wording_names_the_kind_of_the_floor(question, kind):
    reading, _ = read(question)
    assert reading.kind == kind and not reading.confident, reading.to_dict()
    assert any(e.startswith("用词：") for e in reading.chosen.evidence)
    a = analyse(question)
    assert a.floor and a.steps, "a floor answer for the kind, with its routes"
    assert "从用词看像" in a.missing[0]["ask"]


def test_a_named_topic_outranks_the_wording():
    reading, _ = read("父亲去世没留遗嘱，老家的房子兄弟姐妹怎么分")
    assert reading.kind == "other" and reading.topic


def test_weak_wording_names_no_kind():
    m = kind_model()
    assert m.guess("你好").p < WORDED_P
    reading, _ = read("你好")
    assert reading.kind == "other"


def test_the_words_shown_are_chinese_word_pairs_of_the_question():
    g = kind_model().guess("房东不退押金，说墙被我弄脏了")
    assert g.kind == "tenancy" and g.words
    assert all(len(w) == 2 and w in "房东不退押金，说墙被我弄脏了" for w in g.words)


def test_meta_is_json_readable():
    assert json.dumps(kind_model().meta, ensure_ascii=False)
