"""Shared fixtures: a fresh FALV_HOME per test, the ../shared data folder (skipped where absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FALV_SHARED", REPO.parent / "shared"))
STATUTES_DIR = SHARED / "data" / "statutes"
SEED = REPO / "tests" / "fixtures" / "seed.txt"


@pytest.fixture(autouse=True)
def falv_home(tmp_path, monkeypatch):
    """Every test gets its own empty data directory: nothing leaks between tests."""
    home = tmp_path / "falv-home"
    monkeypatch.setenv("FALV_HOME", str(home))
    return home


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
