"""A second opinion on the kind of problem, from the wording of the question as a whole.

The domains read a question from the facts they need (domain.kinds). Where none of them finds
its core facts, the question still has a kind a lawyer would see at once (他一喝完酒就动手，这日子
没法过了 is a family matter although no rule's words are there), and the floor answer is better for
naming it. This is a linear model over the question's characters and character pairs, trained
by `bench/train_kinds.py` on the labelled questions in tests/fixtures (the tuning sets and the
dev parts of the blind sets; never a holdout). It never answers on its own: it names the likely
kind of a floor answer, and the words that weighed most say why.

The model is data (data/kind_model.npz) and is checked when loaded: its kinds are the kinds of
data/kinds.toml, its tables agree in shape.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from .rulebook import RulebookError

if TYPE_CHECKING:  # numpy is imported where it is used: `falv verify` never loads it
    import numpy as np

MODEL_FILE = "kind_model.npz"


@dataclass(frozen=True)
class KindGuess:
    kind: str
    p: float  # the model's probability for it
    words: tuple[str, ...]  # the character groups that weighed most for it


def grams(text: str) -> list[str]:
    """The features of a (normalised) question: its characters and adjacent character pairs,
    whitespace dropped."""
    t = "".join(ch for ch in text if not ch.isspace())
    return list(t) + [t[i:i + 2] for i in range(len(t) - 1)]


def _worded(gram: str) -> bool:
    """A pair of Chinese characters: what a reader can see as a word (not 我, nor 了,)."""
    return len(gram) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in gram)


@dataclass(frozen=True)
class KindModel:
    kinds: tuple[str, ...]
    features: tuple[str, ...]  # row of weights → feature
    index: dict[str, int]  # feature → row of weights
    weights: np.ndarray  # (features, kinds)
    bias: np.ndarray  # (kinds,)
    meta: dict  # how it was trained (bench/train_kinds.py)

    def probabilities(self, text: str) -> tuple[np.ndarray, list[int]]:
        import numpy as np
        rows = sorted({self.index[g] for g in grams(text) if g in self.index})
        z = self.bias.astype(np.float64).copy()
        if rows:
            z += self.weights[rows].astype(np.float64).sum(axis=0) / np.sqrt(len(rows))
        z -= z.max()
        p = np.exp(z)
        return p / p.sum(), rows

    def guess(self, text: str, most_words: int = 5) -> KindGuess:
        """The likeliest kind of a normalised question, its probability and the words behind it."""
        p, rows = self.probabilities(text)
        k = int(p.argmax())
        weighed = sorted(rows, key=lambda r: -float(self.weights[r, k]))
        words = [self.features[r] for r in weighed
                 if self.weights[r, k] > 0 and _worded(self.features[r])]
        return KindGuess(self.kinds[k], float(p[k]), tuple(words[:most_words]))


def _check(kinds: tuple[str, ...], features: list[str], weights, bias, known: set[str]) -> None:
    if set(kinds) != known:
        raise RulebookError(f"{MODEL_FILE}: 模型的问题类型 {sorted(kinds)} 与 kinds.toml 的 "
                            f"{sorted(known)} 不一致；请运行 bench/train_kinds.py 重新训练")
    if weights.shape != (len(features), len(kinds)) or bias.shape != (len(kinds),):
        raise RulebookError(f"{MODEL_FILE}: 权重的形状 {weights.shape}/{bias.shape} 与 "
                            f"{len(features)} 个特征、{len(kinds)} 个类型不符")
    if len(set(features)) != len(features):
        raise RulebookError(f"{MODEL_FILE}: 特征有重复")


def load(known: set[str], data: bytes | None = None) -> KindModel:
    """The model from its file (or from `data`, the bytes of one), checked against `known`, the
    kinds of data/kinds.toml."""
    import numpy as np
    if data is None:
        data = (resources.files(__package__) / "data" / MODEL_FILE).read_bytes()
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            kind_ids = tuple(str(k) for k in z["kinds"])
            features = str(z["features"][()]).split("\n") if z["features"].size else []
            weights, bias = z["weights"], z["bias"]
            meta = json.loads(str(z["meta"][()]))
    except (KeyError, ValueError, OSError) as exc:
        raise RulebookError(f"{MODEL_FILE}: 无法读取模型（{exc}）") from None
    _check(kind_ids, features, weights, bias, known)
    return KindModel(kind_ids, tuple(features), {g: i for i, g in enumerate(features)}, weights,
                     bias, meta)
