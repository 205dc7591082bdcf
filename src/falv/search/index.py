"""The statute search index: built on first use, persisted under
`config.index_dir()/<store content hash>/`, loaded memory-mapped on later starts.

Layout of one index directory:
  bm25/        bm25s index (scores as CSC arrays; loaded with mmap=True)
  docs.marshal the articles' fields (law id, number, chapter, text …) in index order, so hits
               become Article objects without touching SQLite
  dict.marshal the compact segmenter table (see analyzer.py: why not jieba at query time)
  meta.json    analyzer fingerprint, document count, build time

A store change (import, removal) changes the content hash, so a new directory is built; a change of
the legal dictionary, stop words or tokenisation code changes the fingerprint, which rebuilds too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import time
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from .. import config
from ..errors import StoreError
from ..law.models import Article, Law
from .analyzer import Analyzer, Segmenter, expansions, legal_words

INDEX_VERSION = 6  # bump when document text or tokenisation changes
_CN_PREFIX = "中华人民共和国"
# Amendment instruments (刑法修正案, 修改决定) are merged into the consolidated texts the store
# also holds; indexing them too would return "条目二十八" fragments instead of the article.
SKIPPED_DOC_TYPES = ("修正案", "修改决定")
COMMON_FREQ = 50  # jieba frequency from which a general word is kept in the compact table
KEEP_INDEXES = 6  # index directories kept per index_dir (most recently used first; two per store)
_build_lock = threading.Lock()


@lru_cache(maxsize=1)
def kinds() -> dict:
    """search/data/kinds.toml: which doc types form the statute ranking, which get groups."""
    return tomllib.loads(resources.files("falv.search").joinpath("data", "kinds.toml").read_text("utf-8"))


def is_law_kind(doc_type: str | None) -> bool:
    return (doc_type or "法律") in kinds()["laws"]


# Two indexes per store: PARTS[0] holds the laws (the statute ranking), PARTS[1] every other kind
# (司法解释, 行政法规, 部门规章: the groups). Each is keyed by the content of its own part, so
# importing regulations never rebuilds the laws' index and never changes how laws rank.
PARTS = ("laws", "others")


def in_part(doc_type: str | None, part: str) -> bool:
    return is_law_kind(doc_type) == (part == PARTS[0])


def fingerprint() -> str:
    h = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for name in ("legal_dict.txt", "stopwords.txt"):
        h.update(resources.files("falv.search").joinpath("data", name).read_bytes())
    return h.hexdigest()[:16]


def doc_text(article: Article) -> str:
    """What BM25 sees of an article: law title, chapter, section, text."""
    return join_fields(article.law.title, article.chapter, article.section, article.text)


def join_fields(*fields: str | None) -> str:
    """The fields of doc_text joined; the re-ranking joins an indexed document's fields the same
    way, so that coverage and phrase matching see what BM25 saw."""
    return " ".join(x for x in fields if x)


def short_titles(title: str) -> list[str]:
    """Names a question may use for a law without an alias table: the title and, for national
    laws, the title without 中华人民共和国."""
    names = [title]
    if title.startswith(_CN_PREFIX) and len(title) >= len(_CN_PREFIX) + 2:
        names.append(title[len(_CN_PREFIX):])
    return names


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
    texts: list[str]

    def __len__(self) -> int:
        return len(self.law_ids)

    def article(self, i: int, law: Law) -> Article:
        return Article(law, self.article_nos[i], self.numbers[i], self.suffixes[i], self.texts[i],
                       self.chapters[i], self.sections[i], self.ordinals[i])

    def save(self, path: Path) -> None:
        path.write_bytes(marshal.dumps((self.law_ids, self.article_nos, self.numbers, self.suffixes,
                                        self.chapters, self.sections, self.ordinals, self.texts)))

    @classmethod
    def load(cls, path: Path) -> "Docs":
        return cls(*marshal.loads(path.read_bytes()))


@dataclass
class Index:
    path: Path
    retriever: object  # bm25s.BM25
    docs: Docs
    analyzer: Analyzer
    meta: dict

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


def index_path(store, part: str = PARTS[0]) -> Path | None:
    """Where the index of the store's content (of one part) lives; None where the data directory
    is read-only and holds no index for this content (read-only FALV_HOME: load_or_build then
    builds it in a private temporary folder, see _build_private)."""
    path = config.index_dir() / store.part_hashes(is_law_kind)[PARTS.index(part)]
    if _is_complete(path) or _writable(path.parent):
        return path
    return None


def _build_private(store, part: str, progress) -> "Index":
    """The index built in a folder of tempfile.mkdtemp (a name nobody can guess or plant in
    advance, mode 0700 — issue 22: /tmp/falv-index-<uid> was predictable in a world-writable
    folder) and loaded, then the folder is removed at once: the loaded arrays are memory-mapped
    and stay readable after their files are unlinked, so no exit path — a crash or a kill
    included, past the build — leaves it behind. Every process builds its own (a few seconds)."""
    tmp = Path(tempfile.mkdtemp(prefix="falv-index-"))
    try:
        path = tmp / store.part_hashes(is_law_kind)[PARTS.index(part)]
        build(store, path, part, progress)
        return load(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _writable(folder: Path) -> bool:
    while not folder.exists():  # created on first build: the nearest existing parent decides
        if folder.parent == folder:
            return False
        folder = folder.parent
    return os.access(folder, os.W_OK)


def part_is_empty(store, part: str) -> bool:
    return not any(in_part(law.doc_type, part) and store.is_current(law)
                   and law.doc_type not in SKIPPED_DOC_TYPES for law in store.laws())


def _is_complete(path: Path) -> bool:
    meta = path / "meta.json"
    if not meta.exists():
        return False
    try:
        return json.loads(meta.read_text())["fingerprint"] == fingerprint()
    except (ValueError, KeyError):
        return False


_build_progress = None  # default `progress` of builds: the CLI sets a progress line on stderr


def set_build_progress(fn) -> None:
    """Report every index build from now on to fn(done, total) (None: silent, the default)."""
    global _build_progress
    _build_progress = fn


def load_or_build(store, part: str = PARTS[0], progress=None) -> Index:
    """The index of one part (PARTS) of the store's current content: load it, or build it first.
    progress: optional callable(done, total) while building (default: set_build_progress's)."""
    progress = progress or _build_progress
    path = index_path(store, part)
    if path is None:
        with _build_lock:
            return _build_private(store, part, progress)
    if not _is_complete(path):
        with _build_lock:
            if not _is_complete(path):
                build(store, path, part, progress)
    try:
        idx = load(path)
        os.utime(path)  # most recently used: kept by _remove_stale
        return idx
    except (OSError, ValueError, EOFError, KeyError) as exc:  # damaged files: build again, once
        with _build_lock:
            shutil.rmtree(path, ignore_errors=True)
            build(store, path, part, progress)
        try:
            return load(path)
        except (OSError, ValueError, EOFError, KeyError):
            raise StoreError(f"检索索引无法读取：{path}（{exc}）",
                             hint="请检查磁盘空间与权限，或删除该目录后重试") from exc


def parts_needed(store) -> list[str]:
    """The parts (PARTS) the store's current content has articles for."""
    return [p for p in PARTS if p == PARTS[0] or not part_is_empty(store, p)]


def build_in_child(store, timeout: float = 1800) -> bool:
    """Build the store's indexes in a child process (`python -m falv.search.index STORE BASE`), so
    that a server thread waiting for them does not share the GIL with the build's tokenising loop:
    requests keep their speed while new indexes are made beside the old ones. False when the child
    failed (the caller then builds in-process and reports the error)."""
    paths = [index_path(store, p) for p in parts_needed(store)]
    if None in paths:  # nowhere to keep it: the child's private build would be lost with it
        return False
    if all(_is_complete(p) for p in paths):
        return True
    try:
        done = subprocess.run([sys.executable, "-m", "falv.search.index", str(store.store_path),
                               str(store.base_path)], capture_output=True, timeout=timeout,
                              env=dict(os.environ))
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and all(_is_complete(p) for p in paths)


def load(path: Path) -> Index:
    import bm25s  # heavy: only when an index is loaded or built

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    retriever = bm25s.BM25.load(str(path / "bm25"), mmap=True, show_progress=False)
    docs = Docs.load(path / "docs.marshal")
    analyzer = Analyzer(Segmenter.load(path / "dict.marshal"))
    meta = json.loads((path / "meta.json").read_text())
    return Index(path, retriever, docs, analyzer, meta)


def build(store, path: Path, part: str = PARTS[0], progress=None) -> None:
    """Tokenise every current article of one part and write the index directory atomically."""
    import bm25s

    started = time.perf_counter()
    laws = [law for law in store.laws() if store.is_current(law) and in_part(law.doc_type, part)
            and law.doc_type not in SKIPPED_DOC_TYPES]
    titles = [law.title for law in laws]
    extra = {name for t in titles for name in short_titles(t)}
    segmenter = Segmenter.full(extra)
    analyzer = Analyzer(segmenter)

    cols: tuple[list, ...] = ([], [], [], [], [], [], [], [])
    corpus: list[list[str]] = []
    vocab: set[str] = set()
    articles = [art for law in laws for art in store.articles(law.law_id)]
    step = max(1, len(articles) // 100)
    for n, art in enumerate(articles, 1):
        if progress is not None and (n % step == 0 or n == len(articles)):
            progress(n, len(articles))
        for col, value in zip(cols, (art.law.law_id, art.article_no, art.number, art.suffix,
                                     art.chapter, art.section, art.ordinal, art.text)):
            col.append(value)
        tokens = analyzer.doc_tokens(doc_text(art))
        vocab.update(tokens)
        corpus.append(tokens)
    docs = Docs(*cols)
    if not corpus:
        raise StoreError("法规库中没有现行有效的条文，无法建立检索索引",
                         hint="检查基础法规库（FALV_BASE_DB）或先导入法规")

    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(corpus, show_progress=False)

    # Common words of the general dictionary stay too, so that everyday words in questions
    # (饰演, 怎么办) are segmented as words rather than as stray single characters.
    common = {w for w, f in segmenter.freq.items() if f >= COMMON_FREQ}
    compact_words = (vocab | extra | common | {w for w, _ in legal_words()}
                     | expansions().vocabulary() | analyzer.stop)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    retriever.save(str(tmp / "bm25"))
    docs.save(tmp / "docs.marshal")
    segmenter.compact(compact_words).save(tmp / "dict.marshal")
    meta = {"fingerprint": fingerprint(), "content_hash": path.name, "part": part, "documents": len(docs),
            "vocabulary": len(vocab), "build_seconds": round(time.perf_counter() - started, 2),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
    try:
        os.replace(tmp, path)
    except OSError:  # another process finished first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
    _remove_stale(path)


def _remove_stale(current: Path) -> None:
    """Keep the KEEP_INDEXES most recently used indexes (a data directory may serve several store
    contents, e.g. tests sharing FALV_INDEX_DIR); older ones are never read again."""
    for old in other_indexes(current)[KEEP_INDEXES - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def other_indexes(current: Path) -> list[Path]:
    """The other index directories beside `current`, most recently used first (builds still in
    progress, `.tmp-…`, left out)."""
    dirs = [d for d in current.parent.iterdir()
            if d.is_dir() and ".tmp-" not in d.name and d != current]
    dirs.sort(key=lambda d: d.stat().st_mtime, reverse=True)
    return dirs


if __name__ == "__main__":  # the child of build_in_child
    import sys

    from ..law.store import StatuteStore

    with StatuteStore(Path(sys.argv[1]), Path(sys.argv[2])) as _store:
        for _part in parts_needed(_store):
            load_or_build(_store, _part)
