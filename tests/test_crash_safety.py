"""Crash safety: `falv statutes import` killed with SIGKILL at random points leaves a store that
opens, passes PRAGMA integrity_check, and holds either the whole batch or none of it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from falv import db
from falv.law.importer import import_files
from falv.text import format_article_no

pytestmark = pytest.mark.slow

FILES = 6
PER_FILE = 3000
KILL_RUNS = 24
CLI = [sys.executable, "-c", "from falv.cli import main; main()"]


def write_big_batch(store, out: Path, files: int = FILES, per_file: int = PER_FILE,
                    prefix: str = "崩溃测试法规") -> list[Path]:
    """LawRefBook-style markdown files whose article texts are copied from the base database."""
    texts = []
    for article in store.iter_articles():
        if article.text.strip():
            texts.append(article.text)
        if len(texts) >= files * per_file:
            break
    paths = []
    for f in range(files):
        chunk = texts[f * per_file:(f + 1) * per_file]
        title = f"{prefix}{f + 1}"
        lines = ["---", f'title: "{title}"', 'doc_type: "部门规章"', 'status: "现行有效"',
                 f'publish_date: "2099-01-{f + 1:02d}"', f"article_count: {len(chunk)}", "---",
                 f"# {title}", ""]
        for i, text in enumerate(chunk, 1):
            if i % 100 == 1:
                lines += [f"## 第{format_article_no(i // 100 + 1)[1:-1]}章 章名", ""]
            first, *rest = text.split("\n")
            lines += [f"{format_article_no(i)} {first}", ""]
            for para in rest:
                lines += [para, ""]
        path = out / f"big{f + 1}.md"
        path.write_text("\n".join(lines), "utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory):
    from falv.law.store import StatuteStore

    out = tmp_path_factory.mktemp("big")
    home = tmp_path_factory.mktemp("gen-home")
    with StatuteStore(store_path=home / "falv.db") as s:
        return write_big_batch(s, out)


def batch_state(path: Path, titles: list[str]) -> str:
    """'all' / 'none' (anything else fails the test), after checking the store is sound."""
    conn = db.connect(path)  # opens, recovers the WAL, migrates if needed
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        counts = []
        for title in titles:
            row = conn.execute("SELECT law_id FROM laws WHERE title = ?", (title,)).fetchone()
            counts.append(conn.execute("SELECT count(*) FROM articles WHERE law_id = ?",
                                       (row[0],)).fetchone()[0] if row else None)
        if all(c is None for c in counts):
            return "none"
        assert counts == [PER_FILE] * len(titles), counts
        return "all"
    finally:
        conn.close()


def test_sigkill_leaves_all_or_nothing(big_batch, tmp_path, statutes_or_base_seed):
    titles = [f"崩溃测试法规{i + 1}" for i in range(FILES)]
    template = tmp_path / "template.db"
    statutes_or_base_seed(template)  # the store holds something before the batch
    before = _other_rows(template)

    # calibrate: how long does a full run take here?
    calib = tmp_path / "calib"
    calib.mkdir()
    shutil.copyfile(template, calib / "falv.db")
    env = {**os.environ, "FALV_HOME": str(calib)}
    t0 = time.perf_counter()
    dry = subprocess.run(CLI + ["statutes", "import", "--dry-run", *map(str, big_batch)],
                         capture_output=True, env=env, timeout=120)
    parse_time = time.perf_counter() - t0  # start-up + parsing: the write phase starts after it
    assert dry.returncode == 0, dry.stderr.decode()
    t0 = time.perf_counter()
    done = subprocess.run(CLI + ["statutes", "import", *map(str, big_batch)], capture_output=True,
                          env=env, timeout=120)
    duration = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr.decode()
    assert batch_state(calib / "falv.db", titles) == "all"

    rng = random.Random(20261129)
    outcomes = {"all": 0, "none": 0}
    killed_while_writing = 0
    for run in range(KILL_RUNS):
        home = tmp_path / f"run{run}"
        home.mkdir()
        fresh = run % 6 == 5  # some runs start without a store: kills during creation/migration
        if not fresh:
            shutil.copyfile(template, home / "falv.db")
        proc = subprocess.Popen(CLI + ["statutes", "import", *map(str, big_batch)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "FALV_HOME": str(home)})
        if run % 2:  # anywhere in the run
            time.sleep(rng.uniform(0.02, 1.05) * duration)
        else:  # aimed at the write phase (after parsing)
            time.sleep(rng.uniform(0.9 * parse_time, 1.05 * duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        wal = home / "falv.db-wal"
        if wal.exists() and wal.stat().st_size > 32 and not fresh:
            killed_while_writing += 1
        if not (home / "falv.db").exists():
            outcomes["none"] += 1
            continue
        outcomes[batch_state(home / "falv.db", titles)] += 1
        if not fresh:
            assert _other_rows(home / "falv.db") == before
        shutil.rmtree(home)
    print(f"\nkill runs: {KILL_RUNS}, full run {duration:.2f}s (parse {parse_time:.2f}s), outcomes {outcomes}, "
          f"killed with writes in the WAL: {killed_while_writing}")
    assert sum(outcomes.values()) == KILL_RUNS


def _other_rows(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT law_id, content_hash FROM laws WHERE title NOT LIKE '崩溃测试法规%'"
                            " ORDER BY law_id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def statutes_or_base_seed(tmp_path):
    """Fills a store with one small law made from base articles (no ../shared data needed)."""
    from falv.law.store import StatuteStore

    def fill(path: Path) -> None:
        with StatuteStore(store_path=tmp_path / "seed-src.db") as s:
            (src,) = write_big_batch(s, tmp_path, files=1, per_file=5, prefix="既有法规")
        import_files(path, [src])

    return fill
