"""The statute search index: built on first use, persisted under
`config.index_dir()/<store content hash>/`, loaded memory-mapped on later starts.

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

A store change (import, removal) changes the content hash, so a new directory is built; a change of
the legal dictionary, stop words, expansion table or tokenisation code changes the fingerprint,
which rebuilds too.

The index of the bundled store (laws.db alone) ships prebuilt in the package (`prebuilt/laws/`,
made by bench/build_bundled_index.py): a store whose laws are the bundled ones uses it in place,
read-only, and builds nothing. tests/test_bundled_index.py fails when it no longer matches.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import mmap
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import time
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

from .. import config
from ..errors import StoreError
from ..law.models import Article, Law
from .analyzer import Analyzer, Expansions, Segmenter, expansions, legal_words

INDEX_VERSION = 8  # bump when document text, tokenisation or the file layout changes
_CN_PREFIX = "中华人民共和国"
# Amendment instruments (刑法修正案, 修改决定) are merged into the consolidated texts the store
# also holds; indexing them too would return "条目二十八" fragments instead of the article.
SKIPPED_DOC_TYPES = ("修正案", "修改决定")
COMMON_FREQ = 50  # jieba frequency from which a general word is kept in the compact table
KEEP_INDEXES = 6  # index directories kept per index_dir (most recently used first; two per store)
BUNDLED = Path(__file__).parent / "prebuilt"  # BUNDLED / part: the shipped index of the bundled store
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


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What an index depends on besides the store: this module's version and the data files of the
    analyzer (expansions.toml: its words are in the compact table)."""
    h = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for name in ("legal_dict.txt", "stopwords.txt", "expansions.toml"):
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


def index_path(store, part: str = PARTS[0]) -> Path | None:
    """Where the index of the store's content (of one part) is: the shipped one where it fits,
    else cache_path() (None: see there)."""
    key = content_key(store, part)
    if _is_complete(BUNDLED / part, key):
        return BUNDLED / part
    return cache_path(store, part)


def content_key(store, part: str = PARTS[0]) -> str:
    return store.part_hashes(is_law_kind)[PARTS.index(part)]


def cache_path(store, part: str = PARTS[0]) -> Path | None:
    """The writable directory for the index of the store's content (of one part), under
    config.index_dir(); None where the data directory is read-only and holds no index for this
    content (read-only FALV_HOME: load_or_build then builds it in a private temporary folder, see
    _build_private)."""
    path = config.index_dir() / content_key(store, part)
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


def _is_complete(path: Path, key: str | None = None) -> bool:
    """A finished index of this analyzer (and, where given, of this content key)."""
    meta = path / "meta.json"
    if not meta.exists():
        return False
    try:
        found = json.loads(meta.read_text())
        return found["fingerprint"] == fingerprint() and key in (None, found["content_hash"])
    except (ValueError, KeyError, TypeError):
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
    cache = cache_path(store, part) if path == BUNDLED / part else path
    if not _is_complete(path):
        with _build_lock:
            if not _is_complete(path):
                build(store, path, part, progress)
    try:
        idx = load(path, cache)
        if cache == path:
            os.utime(path)  # most recently used: kept by _remove_stale
        return idx
    except (OSError, ValueError, EOFError, KeyError) as exc:  # damaged files: build again, once
        with _build_lock:  # (a damaged shipped index: the user's own, built once)
            if path == cache or not _is_complete(cache):
                shutil.rmtree(cache, ignore_errors=True)
                build(store, cache, part, progress)
        try:
            return load(cache)
        except (OSError, ValueError, EOFError, KeyError):
            raise StoreError(f"检索索引无法读取：{cache}（{exc}）",
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


def _quiet_bm25s() -> None:
    """bm25s logs at DEBUG (`Building index from tokens`) and draws tqdm bars: neither belongs on
    falv's stderr, whatever logging a host (the MCP SDK, uvicorn) configured."""
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def load(path: Path, cache_dir: Path | None = None) -> Index:
    retriever = Postings(path / "bm25")
    docs = Docs.load(path)
    terms, cooccur, weight, ages, stop = marshal.loads((path / "analyzer.marshal").read_bytes())
    analyzer = Analyzer(Segmenter.load(path / "dict.marshal"), Expansions(terms, cooccur, weight, ages),
                        frozenset(stop))
    meta = json.loads((path / "meta.json").read_text())
    return Index(path, retriever, docs, analyzer, meta, cache_dir)


def build(store, path: Path, part: str = PARTS[0], progress=None, prune: bool = True) -> dict:
    """Tokenise every current article of one part and write the index directory atomically;
    returns its meta.json. progress(done, total): after each percent of the articles. prune:
    remove the least recently used index directories beside `path` (see _remove_stale)."""
    import bm25s

    _quiet_bm25s()
    started = time.perf_counter()
    laws = [law for law in store.laws() if store.is_current(law) and in_part(law.doc_type, part)
            and law.doc_type not in SKIPPED_DOC_TYPES]
    articles = [art for law in laws for art in store.articles(law.law_id)]
    if progress is not None and articles:
        progress(0, len(articles))
    titles = [law.title for law in laws]
    extra = {name for t in titles for name in short_titles(t)}
    segmenter = Segmenter.full(extra)
    analyzer = Analyzer(segmenter)

    cols: tuple[list, ...] = ([], [], [], [], [], [], [], [])
    corpus: list[list[int]] = []
    vocab: dict[str, int] = {}  # token → id, in order of first appearance (the same bytes each build)
    step = max(1, len(articles) // 100)
    for n, art in enumerate(articles, 1):
        for col, value in zip(cols, (art.law.law_id, art.article_no, art.number, art.suffix,
                                     art.chapter, art.section, art.ordinal, art.text)):
            col.append(value)
        tokens = analyzer.doc_tokens(doc_text(art))
        new = set(tokens).difference(vocab)
        if new:
            for token in sorted(new):
                vocab[token] = len(vocab)
        corpus.append(list(map(vocab.__getitem__, tokens)))
        if progress is not None and n % step == 0 and n < len(articles):
            progress(n, len(articles))
    docs = Docs(*cols)
    if not corpus:
        raise StoreError("法规库中没有现行有效的条文，无法建立检索索引",
                         hint="检查基础法规库（FALV_BASE_DB）或先导入法规")

    terms = len(vocab)
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index((corpus, vocab), show_progress=False)  # (adds the empty token to vocab)

    # Common words of the general dictionary stay too, so that everyday words in questions
    # (饰演, 怎么办) are segmented as words rather than as stray single characters.
    common = {w for w, f in segmenter.freq.items() if f >= COMMON_FREQ}
    compact_words = (set(vocab) | extra | common | {w for w, _ in legal_words()}
                     | expansions().vocabulary() | analyzer.stop)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    retriever.save(str(tmp / "bm25"))
    docs.save(tmp)
    segmenter.compact(sorted(compact_words)).save(tmp / "dict.marshal")
    exp = analyzer.expansions
    (tmp / "analyzer.marshal").write_bytes(marshal.dumps(
        (exp.terms, exp.cooccur, exp.weight, exp.ages, tuple(sorted(analyzer.stop)))))
    meta = {"fingerprint": fingerprint(), "content_hash": content_key(store, part), "part": part,
            "documents": len(docs), "vocabulary": terms,
            "build_seconds": round(time.perf_counter() - started, 2),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
    try:
        os.replace(tmp, path)
    except OSError:  # another process finished first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
    if prune:
        _remove_stale(path)
    if progress is not None and articles:
        progress(len(articles), len(articles))  # the last step once the files are in place
    return meta


@dataclass(frozen=True)
class PartReport:
    """One part (PARTS) of a store's search index, as `ensure` left it."""

    part: str
    path: str
    source: str  # "shipped" (in the package), "cached" (built before), "built" (now)
    documents: int
    vocabulary: int
    seconds: float  # build time; 0 unless built now


@dataclass(frozen=True)
class IndexReport:
    content_hash: str
    parts: tuple[PartReport, ...]

    def to_dict(self) -> dict:
        return {"content_hash": self.content_hash, "parts": [asdict(p) for p in self.parts]}


def ensure(store, force: bool = False, progress=None) -> IndexReport:
    """Every part of the index the store's current content needs, built where missing — what the
    first question would build otherwise. force: build again (into the user's index directory;
    a store that fits the shipped index keeps using the shipped one)."""
    progress = progress or _build_progress
    parts = []
    for part in parts_needed(store):
        path = index_path(store, part)
        source, seconds = ("shipped" if path == BUNDLED / part else "cached"), 0.0
        if force or not _is_complete(path):
            path = cache_path(store, part)
            with _build_lock:
                seconds = build(store, path, part, progress)["build_seconds"]
            source = "built"
        meta = json.loads((path / "meta.json").read_text("utf-8"))
        parts.append(PartReport(part, str(path), source, meta["documents"], meta["vocabulary"], seconds))
    return IndexReport(store.content_hash(), tuple(parts))


BUILD_FIELDS = ("build_seconds", "built_at")  # the meta.json fields that differ between two builds


def differences(a: Path, b: Path) -> list[str]:
    """The files (relative paths) in which two index directories differ; meta.json is compared
    without BUILD_FIELDS. Two builds of the same content give none."""
    names = sorted({p.relative_to(d).as_posix() for d in (a, b) if d.is_dir()
                    for p in d.rglob("*") if p.is_file()})
    out = []
    for name in names:
        fa, fb = a / name, b / name
        if not (fa.is_file() and fb.is_file()):
            out.append(name)
        elif name == "meta.json":
            ma, mb = (json.loads(f.read_text("utf-8")) for f in (fa, fb))
            if {k: v for k, v in ma.items() if k not in BUILD_FIELDS} != \
                    {k: v for k, v in mb.items() if k not in BUILD_FIELDS}:
                out.append(name)
        elif fa.read_bytes() != fb.read_bytes():
            out.append(name)
    return out


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
