"""Where the statute search index of a store lives, and getting it: built on first use, persisted
under `config.index_dir()/<store content hash>/`, loaded memory-mapped on later starts (the files:
indexfiles.py; the build: indexbuild.py; what is indexed: corpus.py).

A store change (import, removal) changes the content hash, so a new directory is built; a change of
the legal dictionary, stop words, expansion table or tokenisation code changes the fingerprint,
which rebuilds too.

The index of the bundled store (laws.db alone) ships prebuilt in the package (`prebuilt/laws/`,
made by bench/build_bundled_index.py): a store whose laws are the bundled ones uses it in place,
read-only, and builds nothing. tests/test_bundled_index.py fails when it no longer matches.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import config
from ..errors import StoreError
from .corpus import PARTS, content_key, current_laws
from .indexbuild import build
from .indexfiles import Index, fingerprint, load

BUNDLED = Path(__file__).parent / "prebuilt"  # BUNDLED / part: the shipped index of the bundled store
_build_lock = threading.Lock()


def index_path(store, part: str = PARTS[0]) -> Path | None:
    """Where the index of the store's content (of one part) is: the shipped one where it fits,
    else cache_path() (None: see there)."""
    key = content_key(store, part)
    if _is_complete(BUNDLED / part, key):
        return BUNDLED / part
    return cache_path(store, part)


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
        path = tmp / content_key(store, part)
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
    return not current_laws(store, part)


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
            os.utime(path)  # most recently used: kept by indexbuild._remove_stale
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


if __name__ == "__main__":  # the child of build_in_child
    import sys

    from ..law.store import StatuteStore

    with StatuteStore(Path(sys.argv[1]), Path(sys.argv[2])) as _store:
        for _part in parts_needed(_store):
            load_or_build(_store, _part)
