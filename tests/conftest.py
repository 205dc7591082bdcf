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
