"""The search index of the bundled store ships in the package (search/prebuilt/laws): a fresh data
directory answers from it without building, and it is exactly what a build of the bundled data
makes today — so it cannot go stale silently. When these fail, run
`python bench/build_bundled_index.py` and commit src/falv/search/prebuilt/."""

from __future__ import annotations

import json

from falv import config, db
from falv.law.store import StatuteStore
from falv.search import index as index_mod
from falv.search import indexbuild
from falv.search.retrieve import Searcher

SHIPPED = index_mod.BUNDLED / "laws"
REGENERATE = "stale shipped index: run `python bench/build_bundled_index.py` and commit src/falv/search/prebuilt/"


def test_shipped_index_is_keyed_to_the_bundled_data(store):
    meta = json.loads((SHIPPED / "meta.json").read_text("utf-8"))
    assert meta["content_hash"] == index_mod.content_key(store, "laws"), REGENERATE
    assert meta["fingerprint"] == index_mod.fingerprint(), REGENERATE
    assert index_mod.index_path(store) == SHIPPED


def test_shipped_index_is_what_a_build_makes(store, tmp_path):
    """Byte for byte (meta.json without its build time): a build is deterministic."""
    index_mod.build(store, tmp_path / "laws", "laws", prune=False)
    assert indexbuild.differences(tmp_path / "laws", SHIPPED) == [], REGENERATE


def test_fresh_data_directory_builds_nothing(store, monkeypatch, tmp_path):
    def fail(*a, **k):
        raise AssertionError("built an index although the shipped one fits")

    monkeypatch.setattr(index_mod, "build", fail)
    monkeypatch.setenv("FALV_INDEX_DIR", str(tmp_path / "index"))  # not the tests' shared one
    searcher = Searcher(store)
    assert searcher.index.path == SHIPPED and searcher.others is None
    assert searcher.index.cache_dir == config.index_dir() / index_mod.content_key(store)
    hits = searcher.search("个人信息泄露", top=3)
    assert hits and all(h.article.text for h in hits)
    assert not config.index_dir().exists() or not any(config.index_dir().iterdir())


def test_content_key_is_the_base_datas_content_not_its_file(store, tmp_path, monkeypatch):
    """The same laws.db at another path (or touched) has the same key; an imported law moves the
    laws' index off the shipped one."""
    import shutil

    copy = tmp_path / "copy" / "laws.db"
    copy.parent.mkdir()
    shutil.copyfile(store.base_path, copy)
    monkeypatch.setenv("FALV_BASE_DB", str(copy))
    with StatuteStore() as other:
        assert index_mod.index_path(other) == SHIPPED
        with db.write_transaction(other.own) as conn:
            conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                         " VALUES ('t-1', '测试用法', '法律', '现行有效', 'import', 'h1')")
        other.reload()
        assert index_mod.index_path(other) == config.index_dir() / index_mod.content_key(other)


def test_package_data_carries_every_shipped_file():
    """A non-editable install (`pip install .`) must hold the whole index: every file under
    search/prebuilt/ matches a pattern of [tool.setuptools.package-data] (resolved as setuptools
    does, relative to the package, `**` recursive)."""
    import tomllib
    from pathlib import Path

    import falv

    root = Path(falv.__file__).parent
    pyproject = tomllib.loads((root.parents[1] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["falv"]
    carried = {p for pattern in patterns for p in root.glob(pattern) if p.is_file()}
    shipped = {p for p in SHIPPED.rglob("*") if p.is_file()}
    assert shipped and shipped <= carried, sorted(str(p) for p in shipped - carried)
