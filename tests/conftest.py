"""Shared fixtures: a fresh FALV_HOME per test, the ../shared data folder (skipped where absent)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FALV_SHARED", REPO.parent / "shared"))
STATUTES_DIR = SHARED / "data" / "statutes"
SEED = REPO / "tests" / "fixtures" / "seed.txt"


@pytest.fixture(scope="session")
def shared_index_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("falv-index")


@pytest.fixture(autouse=True)
def falv_home(tmp_path, monkeypatch, shared_index_dir):
    """Every test gets its own empty data directory: nothing leaks between tests. Search indexes
    are keyed by the store's content hash, so tests share them instead of rebuilding each time."""
    from falv.commands.common import store as cli_store

    home = tmp_path / "falv-home"
    monkeypatch.setenv("FALV_HOME", str(home))
    monkeypatch.setenv("FALV_INDEX_DIR", str(shared_index_dir))
    cli_store.cache_clear()  # the CLI's per-process store must follow this test's FALV_HOME
    yield home
    cli_store.cache_clear()


def run_cli(capsys, *argv, stdin: bytes | None = None, monkeypatch=None):
    """Run `falv ARGV…` in-process: (exit code, stdout, stderr)."""
    import io
    import sys

    from falv import cli

    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = 0
    try:
        cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def statutes_dir() -> Path:
    if not STATUTES_DIR.is_dir():
        pytest.skip(f"../shared/data/statutes is absent ({STATUTES_DIR}): the official texts are not "
                    "committed to the repo, so tests that need them skip here")
    return STATUTES_DIR


@pytest.fixture
def statute_files(statutes_dir) -> list[Path]:
    return sorted(p for p in statutes_dir.glob("*.md") if p.name != "MANIFEST.md")


@pytest.fixture
def store(falv_home):
    from falv.law.store import StatuteStore

    s = StatuteStore()
    yield s
    s.close()


# Laws copied (rows and all) from the real base DB into the small fixture base DB of search tests.
SMALL_BASE_LAWS = ("中华人民共和国民法典", "中华人民共和国个人信息保护法", "中华人民共和国消费者权益保护法",
                   "中华人民共和国刑法", "中华人民共和国商标法", "中华人民共和国环境保护法")


@pytest.fixture(scope="session")
def small_base_db(tmp_path_factory) -> Path:
    """A base DB with laws.db's schema and a few of its laws (every version of each, so repealed
    and historical rows are there too). Article texts are copied from laws.db, never typed."""
    from factories import base_db

    return base_db(tmp_path_factory.mktemp("base") / "laws.db", SMALL_BASE_LAWS)


# The one law of the tiny base DB: for unit tests that read or index a few articles
# (factories.py); an index of it builds in a fraction of the small base DB's time.
TINY_BASE_LAWS = ("中华人民共和国个人信息保护法",)


@pytest.fixture(scope="session")
def tiny_base_db(tmp_path_factory) -> Path:
    from factories import base_db

    return base_db(tmp_path_factory.mktemp("tiny") / "laws.db", TINY_BASE_LAWS)


def _store_over(base: Path, monkeypatch):
    """A StatuteStore over this base DB (FALV_BASE_DB, so the CLI and engine in this process use
    it too) and the test's empty own store."""
    from falv.law.store import StatuteStore

    monkeypatch.setenv("FALV_BASE_DB", str(base))
    return StatuteStore()


@pytest.fixture
def tiny_store(tiny_base_db, monkeypatch, falv_home):
    with _store_over(tiny_base_db, monkeypatch) as s:
        yield s


@pytest.fixture
def small_store(small_base_db, monkeypatch, falv_home):
    with _store_over(small_base_db, monkeypatch) as s:
        yield s


@pytest.fixture(scope="session")
def imported_template(tmp_path_factory) -> Path:
    """falv.db with the nine ../shared statute files imported — built once per session."""
    if not STATUTES_DIR.is_dir():
        pytest.skip(f"../shared/data/statutes is absent ({STATUTES_DIR})")
    from falv.law.importer import import_files

    files = sorted(p for p in STATUTES_DIR.glob("*.md") if p.name != "MANIFEST.md")
    path = tmp_path_factory.mktemp("imported") / "falv.db"
    import_files(path, files)  # closes its connection: the WAL is checkpointed into falv.db
    return path


LAWREFBOOK = SHARED / "data" / "lawrefbook"
LAWREFBOOK_FOLDERS = ("司法解释", "行政法规", "部门规章")


@pytest.fixture(scope="session")
def full_template(imported_template, tmp_path_factory) -> Path:
    """The nine statute files plus LawRefBook's three folders (../shared), built once per session:
    the store every article the domains' data cite is in."""
    if not LAWREFBOOK.is_dir():
        pytest.skip(f"../shared/data/lawrefbook is absent ({LAWREFBOOK})")
    import shutil

    from falv.law.importer import import_files

    path = tmp_path_factory.mktemp("full") / "falv.db"
    shutil.copyfile(imported_template, path)
    import_files(path, [LAWREFBOOK / f for f in LAWREFBOOK_FOLDERS], keep_going=True)
    return path


@pytest.fixture
def full_store(full_template, falv_home):
    """A StatuteStore (function-scoped, writable copy) of full_template."""
    import shutil

    from falv.law.store import StatuteStore

    falv_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(full_template, falv_home / "falv.db")
    s = StatuteStore()
    yield s
    s.close()


@pytest.fixture
def imported_store(imported_template, falv_home):
    """A StatuteStore (function-scoped, writable copy) holding the nine imported statute files."""
    import shutil

    from falv.law.store import StatuteStore

    falv_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(imported_template, falv_home / "falv.db")
    s = StatuteStore()
    yield s
    s.close()


@pytest.fixture(scope="session")
def api_server(request, tmp_path_factory, shared_index_dir):
    """A real `falv serve` on 127.0.0.1 (subprocess, own FALV_HOME, admin token set), shared by
    the API and browser tests; it holds the imported ../shared statutes where they exist."""
    from serving import Server

    store_file = request.getfixturevalue("imported_template") if STATUTES_DIR.is_dir() else None
    server = Server(tmp_path_factory.mktemp("server-home"), store_file=store_file,
                    index_dir=shared_index_dir).wait()
    server.imported = store_file is not None
    server.warm()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http(api_server):
    """An HTTP client of the test server (api_server)."""
    with httpx.Client(base_url=api_server.url, timeout=120) as client:
        yield client
