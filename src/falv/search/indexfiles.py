"""The files of one statute search index directory and their reader (`load`).

Layout of one index directory:
  bm25/        bm25s index (scores as CSC arrays; loaded with mmap=True); token ids are given in
               order of first appearance, so the same content builds the same bytes
  docs.marshal the articles' fields (law id, number, chapter …) in index order, so hits become
               Article objects without touching SQLite; their texts are in
  texts.bin    (UTF-8, one after another; offsets in docs.marshal), memory-mapped and decoded
               only where a search reads them
  dict.marshal the compact segmenter table (see analyzer.py: why not jieba at query time)
  analyzer.marshal  the expansion table and stop words the index was built with (parsing
               expansions.toml costs a cold question ~30 ms; the fingerprint ties the two)
  meta.json    analyzer fingerprint, content hash, document count, build time

The fingerprint (INDEX_VERSION and the analyzer's data files) is written into meta.json: an index
of another fingerprint is rebuilt (index.py).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import mmap
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

from ..law.models import Article, Law
from .analyzer import Analyzer, Expansions, Segmenter

INDEX_VERSION = 8  # bump when document text, tokenisation or the file layout changes


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What an index depends on besides the store: this module's version and the data files of the
    analyzer (expansions.toml: its words are in the compact table)."""
    h = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for name in ("legal_dict.txt", "stopwords.txt", "expansions.toml"):
        h.update(resources.files("falv.search").joinpath("data", name).read_bytes())
    return h.hexdigest()[:16]


class Texts(Sequence[str]):
    """The documents' texts in one memory-mapped UTF-8 file: loading an index decodes none of them
    (a cold `ask` reads a few hundred of 24k), the page cache shares them between processes."""

    def __init__(self, path: Path, offsets: list[int]):
        self._offsets = offsets
        size = offsets[-1] if offsets else 0
        if size == 0:
            self._blob: bytes | mmap.mmap = b""
        else:
            with open(path, "rb") as f:
                self._blob = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            if len(self._blob) != size:
                raise ValueError(f"{path}: {len(self._blob)} bytes, expected {size}")

    def __len__(self) -> int:
        return max(len(self._offsets) - 1, 0)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self._blob[self._offsets[i]:self._offsets[i + 1]].decode("utf-8")


@dataclass
class Docs:
    """Article fields in index order (columns, so that marshal loads them fast)."""

    law_ids: list[str]
    article_nos: list[str]
    numbers: list[int]
    suffixes: list[int]
    chapters: list[str | None]
    sections: list[str | None]
    ordinals: list[int]
    texts: Sequence[str]

    def __len__(self) -> int:
        return len(self.law_ids)

    def article(self, i: int, law: Law) -> Article:
        return Article(law, self.article_nos[i], self.numbers[i], self.suffixes[i], self.texts[i],
                       self.chapters[i], self.sections[i], self.ordinals[i])

    def save(self, folder: Path) -> None:
        """docs.marshal and texts.bin in `folder`."""
        offsets = [0]
        with open(folder / "texts.bin", "wb") as f:
            for text in self.texts:
                data = text.encode("utf-8")
                f.write(data)
                offsets.append(offsets[-1] + len(data))
        same: dict = {}  # one object per distinct value: marshal then writes it once
        cols = [[same.setdefault(v, v) for v in col] for col in
                (self.law_ids, self.article_nos, self.numbers, self.suffixes, self.chapters,
                 self.sections, self.ordinals)]
        (folder / "docs.marshal").write_bytes(marshal.dumps((*cols, offsets)))

    @classmethod
    def load(cls, folder: Path) -> "Docs":
        *cols, offsets = marshal.loads((folder / "docs.marshal").read_bytes())
        if len(offsets) != len(cols[0]) + 1:
            raise ValueError(f"{folder}: {len(cols[0])} documents, {len(offsets)} text offsets")
        return cls(*cols, Texts(folder / "texts.bin", offsets))


class Postings:
    """The bm25/ folder bm25s saved, read without importing bm25s (a cold question would pay
    ~40 ms for its import): the BM25 weights as CSC arrays, memory-mapped, and the vocabulary —
    the two things Index reads (bm25s.BM25.load(mmap=True) gives the same arrays)."""

    def __init__(self, folder: Path):
        import numpy as np

        self.scores = {k: np.load(folder / f"{k}.csc.index.npy", mmap_mode="r")
                       for k in ("data", "indices", "indptr")}
        self.vocab_dict: dict[str, int] = json.loads((folder / "vocab.index.json").read_text("utf-8"))


@dataclass
class Index:
    path: Path
    retriever: Postings
    docs: Docs
    analyzer: Analyzer
    meta: dict
    # where files derived from this index are written (dense vectors): `path` itself, except for
    # the shipped index, which is read-only inside the package
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.cache_dir is None:
            self.cache_dir = self.path

    # bm25s keeps its weights as a CSC-like matrix (data, indices, indptr) and its vocabulary as
    # a dict; these two methods are the only place that reads them (bm25s has no public API for
    # one term's postings, which the weighted query and the law score need).
    @cached_property
    def _matrix(self) -> tuple:
        import numpy as np

        # plain ndarray views of the memory-mapped arrays: slicing a np.memmap makes a memmap
        # object per slice (__array_finalize__), a tenth of a search's time
        scores = self.retriever.scores
        return (np.asarray(scores["data"]), np.asarray(scores["indices"]), np.asarray(scores["indptr"]),
                self.retriever.vocab_dict)

    def postings(self, term: str):
        """(document ids, BM25 weights) of the documents that hold the term; None when the index
        does not know it or no document holds it."""
        data, indices, indptr, vocab = self._matrix
        tid = vocab.get(term)
        if tid is None:
            return None
        start, end = indptr[tid], indptr[tid + 1]
        if start == end:
            return None
        return indices[start:end], data[start:end]

    def df(self, term: str) -> int:
        """How many documents hold the term."""
        found = self.postings(term)
        return 0 if found is None else len(found[0])


def load(path: Path, cache_dir: Path | None = None) -> Index:
    retriever = Postings(path / "bm25")
    docs = Docs.load(path)
    terms, cooccur, weight, ages, stop = marshal.loads((path / "analyzer.marshal").read_bytes())
    analyzer = Analyzer(Segmenter.load(path / "dict.marshal"), Expansions(terms, cooccur, weight, ages),
                        frozenset(stop))
    meta = json.loads((path / "meta.json").read_text())
    return Index(path, retriever, docs, analyzer, meta, cache_dir)
