"""Crash safety of `falv kb ingest`: SIGKILL at random points of a large batch leaves a store that
opens, passes PRAGMA integrity_check and foreign_key_check, and holds either the whole batch or
none of it (modelled on tests/test_crash_safety.py, which does the same for `statutes import`).
Readers in other processes see every document whole or not at all while ingests run."""

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

from conftest import SEED
from falv import db

pytestmark = pytest.mark.slow

FILES = 3
ENTRIES = 250  # per file
KILL_RUNS = 24
CLI = [sys.executable, "-c", "from falv.cli import main; main()"]
KB_TABLES = ("kb_sources", "kb_entries", "kb_answers", "kb_points", "kb_point_sources",
             "kb_citations", "kb_annotations")


def write_seed_batch(store, out: Path, files: int = FILES, entries: int = ENTRIES) -> list[Path]:
    """Seed-format documents (1. 问题 / 法律分析 / 法律依据) whose analysis and basis texts are
    copied from the store's articles, so every basis citation is real and verifiable."""
    arts = [a for a in store.iter_articles() if 20 < len(a.text) < 600 and "\n" not in a.text]
    rng = random.Random(20261129)
    rng.shuffle(arts)
    paths, k = [], 0
    for f in range(files):
        lines = [f"崩溃测试问答汇编{f + 1}", ""]
        for i in range(1, entries + 1):
            a, b, c = arts[k], arts[k + 1], arts[k + 2]
            k += 3
            lines.append(f"{i}. 第{f + 1}编第{i}问：{a.text[:24]}怎么办")
            lines.append(f"法律分析：{b.text}")
            lines.append(f"一、{c.text}")
            lines.append(f"二、依照《{a.law.title}》{a.article_no}处理。")
            lines.append(f"法律依据：《{a.law.title}》{a.article_no} {a.text}")
        path = out / f"qa{f + 1}.txt"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def seed_batch(tmp_path_factory):
    from falv.law.store import StatuteStore

    out = tmp_path_factory.mktemp("kb-big")
    with StatuteStore(store_path=tmp_path_factory.mktemp("kb-gen-home") / "falv.db") as s:
        return write_seed_batch(s, out)


def kb_counts(path: Path) -> tuple[int, ...]:
    """Row counts of every kb table, after checking that the store opens and is sound."""
    conn = db.connect(path)  # opens, recovers the WAL, migrates if needed
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in KB_TABLES)
    finally:
        conn.close()


def test_sigkill_during_kb_ingest_leaves_all_or_nothing(seed_batch, tmp_path):
    template_home = tmp_path / "template"
    template_home.mkdir()
    env = {**os.environ, "FALV_HOME": str(template_home)}
    # the store holds the seed document before the batch: earlier entries must survive untouched
    first = subprocess.run(CLI + ["kb", "ingest", str(SEED)], capture_output=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr.decode()
    template = template_home / "falv.db"
    conn = sqlite3.connect(template)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    none = kb_counts(template)
    before_rows = _seed_rows(template)

    calib = tmp_path / "calib"
    calib.mkdir()
    shutil.copyfile(template, calib / "falv.db")
    env = {**os.environ, "FALV_HOME": str(calib)}
    t0 = time.perf_counter()
    dry = subprocess.run(CLI + ["kb", "ingest", "--dry-run", *map(str, seed_batch)],
                         capture_output=True, env=env, timeout=300)
    dry_time = time.perf_counter() - t0
    assert dry.returncode == 0, dry.stderr.decode()
    t0 = time.perf_counter()
    done = subprocess.run(CLI + ["kb", "ingest", *map(str, seed_batch)], capture_output=True,
                          env=env, timeout=300)
    duration = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr.decode()
    full = kb_counts(calib / "falv.db")
    assert full[0] == none[0] + FILES and full[1] >= none[1] + FILES * ENTRIES * 0.9
    parse_time = 0.8 * dry_time  # a dry run does everything but commit; writing starts late in it

    rng = random.Random(7)
    outcomes = {"all": 0, "none": 0}
    killed_while_writing = 0
    for run in range(KILL_RUNS):
        home = tmp_path / f"run{run}"
        home.mkdir()
        fresh = run % 6 == 5  # some runs start without a store: kills during creation/migration
        if not fresh:
            shutil.copyfile(template, home / "falv.db")
        proc = subprocess.Popen(CLI + ["kb", "ingest", *map(str, seed_batch)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "FALV_HOME": str(home)})
        if run % 2:  # anywhere in the run
            time.sleep(rng.uniform(0.02, 1.05) * duration)
        elif run % 4 == 0:  # aimed at the write phase (after parsing and verifying)
            time.sleep(rng.uniform(parse_time, 1.05 * duration))
        else:  # the moment frames reach the WAL (the commit's writes), plus 0–30 ms
            wal, deadline = home / "falv.db-wal", time.monotonic() + 3 * duration + 5
            while proc.poll() is None and time.monotonic() < deadline and not (
                    wal.exists() and wal.stat().st_size > 32):
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        wal = home / "falv.db-wal"
        if wal.exists() and wal.stat().st_size > 32 and not fresh:
            killed_while_writing += 1
        if not (home / "falv.db").exists():
            outcomes["none"] += 1
            shutil.rmtree(home)
            continue
        counts = kb_counts(home / "falv.db")
        if fresh:
            assert counts in (full_fresh := _fresh_full(seed_batch, tmp_path), (0,) * len(KB_TABLES)), counts
            outcomes["all" if counts == full_fresh else "none"] += 1
        else:
            assert counts in (none, full), (counts, none, full)
            outcomes["all" if counts == full else "none"] += 1
            assert _seed_rows(home / "falv.db") == before_rows  # what was there is untouched
        shutil.rmtree(home)
    print(f"\nkb ingest kill runs: {KILL_RUNS}, full run {duration:.2f}s (dry run {dry_time:.2f}s), "
          f"outcomes {outcomes}, killed with writes in the WAL: {killed_while_writing}")
    assert sum(outcomes.values()) == KILL_RUNS


_FRESH: dict[str, tuple] = {}


def _fresh_full(seed_batch, tmp_path) -> tuple:
    """kb counts after a complete ingest into a brand-new store (for the runs that start fresh)."""
    if "full" not in _FRESH:
        home = tmp_path / "fresh-calib"
        home.mkdir()
        done = subprocess.run(CLI + ["kb", "ingest", *map(str, seed_batch)], capture_output=True,
                              env={**os.environ, "FALV_HOME": str(home)}, timeout=300)
        assert done.returncode == 0, done.stderr.decode()
        _FRESH["full"] = kb_counts(home / "falv.db")
    return _FRESH["full"]


def _seed_rows(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT e.id, e.question, count(p.id) FROM kb_entries e "
                            "LEFT JOIN kb_points p ON p.entry_id = e.id WHERE e.question NOT LIKE '第%编第%问%' "
                            "GROUP BY e.id ORDER BY e.id").fetchall()
    finally:
        conn.close()


READER = r'''
import json, os, sqlite3, sys, time
cfg = json.load(open(sys.argv[1]))
conn = sqlite3.connect(cfg["db"], timeout=30, isolation_level=None)
ops, seen = 0, {}
while not os.path.exists(cfg["stop"]):
    conn.execute("BEGIN")  # one snapshot: every source is there with all its entries, or not at all
    sources = conn.execute("SELECT id, entries FROM kb_sources ORDER BY id").fetchall()
    for sid, n in sources:
        got = conn.execute("SELECT count(*) FROM kb_answers WHERE source_id = ?", (sid,)).fetchone()[0]
        assert got == n, (sid, got, n)
        ops += 1
    orphans = conn.execute("SELECT count(*) FROM kb_points p LEFT JOIN kb_entries e ON e.id = p.entry_id"
                           " WHERE e.id IS NULL").fetchone()[0]
    assert orphans == 0
    conn.execute("COMMIT")
    seen[len(sources)] = seen.get(len(sources), 0) + 1
    ops += 1
    time.sleep(0.002)  # leave the shared cores to the writer
print(json.dumps({"ops": ops, "seen": seen}))
'''


def test_readers_during_kb_ingest_see_whole_documents(seed_batch, tmp_path):
    """Two reader processes take snapshots (every document complete or absent) and the CLI reads
    (`kb list`, `article`, `verify`, `ask`) keep working with correct results while three
    ingests run."""
    import json

    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "FALV_HOME": str(home)}
    assert subprocess.run(CLI + ["kb", "ingest", str(SEED)], env=env, capture_output=True,
                          timeout=120).returncode == 0

    def cli(*args):
        p = subprocess.run(CLI + list(args), env=env, capture_output=True, timeout=120)
        assert "Traceback" not in p.stderr.decode("utf-8", "replace"), p.stderr.decode()
        return p.returncode, p.stdout.decode("utf-8")

    from falv.law.store import StatuteStore

    question = "快递信息泄露了怎么办"
    reference = StatuteStore(store_path=home / "falv.db")

    def check_ask():
        """`falv ask` during writes: exit 0, and every quoted basis text is the store's text."""
        code, out = cli("ask", "--format", "json", question)
        assert code == 0
        answer = json.loads(out)
        assert answer["basis"]
        for b in answer["basis"]:
            if b["text"]:
                art = reference.get_article(b["law"], b["article"])
                assert art is not None and art.text == b["text"], (b["law"], b["article"])
        return answer["grounded"]

    grounded = check_ask()  # also builds the search index before the writers start
    baseline = {("article", "民法典", "1038"): cli("article", "民法典", "1038"),
                ("verify", "--no-quotes", str(SEED)): cli("verify", "--no-quotes", str(SEED))}
    cfg = tmp_path / "reader.json"
    stop = tmp_path / "stop"
    cfg.write_text(json.dumps({"db": str(home / "falv.db"), "stop": str(stop)}), "utf-8")
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(cfg)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env) for _ in range(2)]
    writer_done = []

    def writer():
        for path in seed_batch:  # three batches, one transaction each
            p = subprocess.run(CLI + ["kb", "ingest", str(path)], env=env, capture_output=True, timeout=300)
            writer_done.append(p.returncode)

    import threading

    t = threading.Thread(target=writer)
    t.start()
    cli_reads = 0
    while t.is_alive():
        for args, expected in baseline.items():
            assert cli(*args) == expected, args
            cli_reads += 1
        code, out = cli("kb", "list", "--json")
        assert code == 0 and json.loads(out)
        assert check_ask() == grounded
        cli_reads += 2
    t.join()
    stop.write_text("", "utf-8")
    results = []
    for r in readers:
        out, err = r.communicate(timeout=60)
        assert r.returncode == 0, err.decode()
        results.append(json.loads(out))
    assert writer_done == [0, 0, 0]
    assert kb_counts(home / "falv.db")[0] == 1 + FILES
    reference.close()
    ops = sum(r["ops"] for r in results)
    print(f"\nreaders during kb ingest: {ops} snapshot checks (+{cli_reads} CLI reads); "
          f"sources seen per snapshot: {[r['seen'] for r in results]}")
    assert ops > 100


def test_second_writer_during_kb_ingest_waits_or_fails_clearly(tmp_path):
    """Another process holds the write lock: `falv kb ingest` waits up to FALV_BUSY_TIMEOUT_MS and
    then fails with the store's clear message, writing nothing; once the lock is released within
    the wait, the ingest succeeds."""
    import threading

    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "FALV_HOME": str(home), "FALV_BUSY_TIMEOUT_MS": "600"}
    assert subprocess.run(CLI + ["statutes", "list"], env=env, capture_output=True,
                          timeout=120).returncode == 0  # creates and migrates the store
    path = home / "falv.db"
    before = kb_counts(path)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        p = subprocess.run(CLI + ["kb", "ingest", str(SEED)], env=env, capture_output=True, timeout=120)
    finally:
        holder.execute("ROLLBACK")
    err = p.stderr.decode("utf-8")
    assert p.returncode == 2 and "数据库正被另一个进程写入" in err and "Traceback" not in err, err
    assert kb_counts(path) == before

    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(1.5, lambda: holder.execute("ROLLBACK")).start()
    env["FALV_BUSY_TIMEOUT_MS"] = "20000"
    p = subprocess.run(CLI + ["kb", "ingest", str(SEED)], env=env, capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode("utf-8")
    assert kb_counts(path)[0] == before[0] + 1
    holder.close()
