"""Building one statute search index directory (indexfiles.py describes its files): every current
article of one part tokenised, BM25 weights computed by bm25s, the files written beside the target
and moved into place in one rename; the least recently used directories beside it pruned.
`differences` compares two builds (a build is deterministic: the shipped index is checked so).
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import shutil
import threading
import time
from pathlib import Path

from ..errors import StoreError
from .analyzer import Analyzer, Segmenter, expansions, legal_words
from .corpus import PARTS, content_key, current_laws, doc_text, short_titles
from .indexfiles import Docs, fingerprint

COMMON_FREQ = 50  # jieba frequency from which a general word is kept in the compact table
KEEP_INDEXES = 6  # index directories kept per index_dir (most recently used first; two per store)


def _quiet_bm25s() -> None:
    """bm25s logs at DEBUG (`Building index from tokens`) and draws tqdm bars: neither belongs on
    falv's stderr, whatever logging a host (the MCP SDK, uvicorn) configured."""
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def build(store, path: Path, part: str = PARTS[0], progress=None, prune: bool = True) -> dict:
    """Tokenise every current article of one part and write the index directory atomically;
    returns its meta.json. progress(done, total): after each percent of the articles. prune:
    remove the least recently used index directories beside `path` (see _remove_stale)."""
    import bm25s

    _quiet_bm25s()
    started = time.perf_counter()
    laws = current_laws(store, part)
    articles = [art for law in laws for art in store.articles(law.law_id)]
    if progress is not None and articles:
        progress(0, len(articles))
    extra = {name for law in laws for name in short_titles(law.title)}
    segmenter = Segmenter.full(extra)
    analyzer = Analyzer(segmenter)
    docs, corpus, vocab = _tokenise(articles, analyzer, progress)
    if not corpus:
        raise StoreError("法规库中没有现行有效的条文，无法建立检索索引",
                         hint="检查基础法规库（FALV_BASE_DB）或先导入法规")

    terms = len(vocab)
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index((corpus, vocab), show_progress=False)  # (adds the empty token to vocab)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    retriever.save(str(tmp / "bm25"))
    docs.save(tmp)
    # (kept alive until marshal.dumps below: marshal marks the strings it shares by reference
    # count, so the words must still be held for the analyzer table to come out the same bytes)
    words = _compact_words(set(vocab) | extra, segmenter, analyzer)
    segmenter.compact(sorted(words)).save(tmp / "dict.marshal")
    exp = analyzer.expansions
    (tmp / "analyzer.marshal").write_bytes(marshal.dumps(
        (exp.terms, exp.cooccur, exp.weight, exp.ages, tuple(sorted(analyzer.stop)))))
    meta = {"fingerprint": fingerprint(), "content_hash": content_key(store, part), "part": part,
            "documents": len(docs), "vocabulary": terms,
            "build_seconds": round(time.perf_counter() - started, 2),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    _move_into_place(tmp, path)
    if prune:
        _remove_stale(path)
    if progress is not None and articles:
        progress(len(articles), len(articles))  # the last step once the files are in place
    return meta


def _tokenise(articles: list, analyzer: Analyzer, progress) -> tuple[Docs, list[list[int]], dict[str, int]]:
    """The articles' fields in index order, each article's token ids and the vocabulary (token →
    id, in order of first appearance: the same bytes each build); progress after each percent."""
    cols: tuple[list, ...] = ([], [], [], [], [], [], [], [])
    corpus: list[list[int]] = []
    vocab: dict[str, int] = {}
    step = max(1, len(articles) // 100)
    for n, art in enumerate(articles, 1):
        for col, value in zip(cols, (art.law.law_id, art.article_no, art.number, art.suffix,
                                     art.chapter, art.section, art.ordinal, art.text)):
            col.append(value)
        tokens = analyzer.doc_tokens(doc_text(art))
        for token in sorted(set(tokens).difference(vocab)):
            vocab[token] = len(vocab)
        corpus.append(list(map(vocab.__getitem__, tokens)))
        if progress is not None and n % step == 0 and n < len(articles):
            progress(n, len(articles))
    return Docs(*cols), corpus, vocab


def _compact_words(indexed: set[str], segmenter: Segmenter, analyzer: Analyzer) -> set[str]:
    """The words of the compact segmenter table: the indexed tokens and law names, the legal
    dictionary, the expansion table, the stop words — and the common words of the general
    dictionary, so that everyday words in questions (饰演, 怎么办) are segmented as words rather
    than as stray single characters."""
    common = {w for w, f in segmenter.freq.items() if f >= COMMON_FREQ}
    return (indexed | common | {w for w, _ in legal_words()}
            | expansions().vocabulary() | analyzer.stop)


def _move_into_place(tmp: Path, path: Path) -> None:
    """The finished build `tmp` renamed to `path` (where another process finished first, theirs
    is kept)."""
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
    try:
        os.replace(tmp, path)
    except OSError:  # another process finished first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)


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
