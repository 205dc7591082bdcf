"""Concurrency: readers in other processes (StatuteStore, `falv statutes list`, `falv article`,
`falv verify`) keep getting correct results while imports run; a second
writer waits for the first, or fails with a clear message — the store is never corrupted."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from falv import db
from falv.law.importer import import_files
from falv.law.parse import parse_file
from test_crash_safety import write_big_batch

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-c", "from falv.cli import main; main()"]
PREFIX = "并发测试法规"
FILES, PER_FILE = 3, 1500

READER = r'''
import json, os, sys, time
from falv.law.store import StatuteStore

cfg = json.load(open(sys.argv[1]))
valid = {tuple(v): k for k, v in cfg["valid"].items()}
s = StatuteStore()
ops, seen = 0, {}
while not os.path.exists(cfg["stop"]):
    s.reload()
    for title, no, text in cfg["expected"]:
        art = s.get_article(title, no)
        assert art is not None and art.text == text, (title, no)
        ops += 1
    conn = s.own
    conn.execute("BEGIN")  # one snapshot: the batch is there completely or not at all
    rows = conn.execute(
        "SELECT l.title, l.content_hash, (SELECT count(*) FROM articles a WHERE a.law_id = l.law_id)"
        " FROM laws l WHERE l.title LIKE ? ORDER BY l.title", (cfg["prefix"] + "%",)).fetchall()
    conn.execute("COMMIT")
    assert all(n == cfg["per_file"] for _, _, n in rows), rows
    key = valid[tuple(h for _, h, _ in rows)]
    seen[key] = seen.get(key, 0) + 1
    ops += 1
print(json.dumps({"ops": ops, "seen": seen}))
'''


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Two versions (A, B) of the same batch: same titles and versions, different texts."""
    from falv.law.store import StatuteStore

    home = tmp_path_factory.mktemp("gen")
    with StatuteStore(store_path=home / "falv.db") as s:
        a_dir, b_dir = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
        a = write_big_batch(s, a_dir, FILES, PER_FILE, PREFIX)
        b = write_big_batch(s, b_dir, FILES + 1, PER_FILE, PREFIX)[1:]  # shifted texts
        for i, path in enumerate(b, 1):  # renumber titles so B replaces A law by law
            text = path.read_text("utf-8").replace(f"{PREFIX}{i + 1}", f"{PREFIX}{i}")
            text = text.replace(f"2099-01-{i + 1:02d}", f"2099-01-{i:02d}")
            path.write_text(text, "utf-8")
    return a, b


def expected_articles(store, n: int = 40) -> list[tuple[str, str, str]]:
    rng = random.Random(7)
    laws = [l for l in store.laws() if store.is_current(l)]
    picks = []
    while len(picks) < n:
        law = rng.choice(laws)
        arts = store.articles(law.law_id)
        if arts:
            a = rng.choice(arts)
            picks.append((law.title, a.article_no, a.text))
    return picks


def test_readers_work_while_imports_run(batches, store, falv_home, tmp_path):
    a, b = batches
    # a law imported before: readers must keep seeing it unchanged
    import_files(store, [write_big_batch(store, tmp_path, 1, 20, "既有法规")[0]])
    expected = expected_articles(store) + [
        (x.law.title, x.article_no, x.text) for x in store.articles(store.current_law("既有法规1").law_id)[:5]]
    hashes = {"A": [parse_file(p)[0].content_hash for p in a],
              "B": [parse_file(p)[0].content_hash for p in b], "none": []}
    stop = tmp_path / "stop"
    cfg = tmp_path / "reader.json"
    cfg.write_text(json.dumps({"expected": expected, "valid": hashes, "stop": str(stop),
                               "prefix": PREFIX, "per_file": PER_FILE}, ensure_ascii=False))
    script = tmp_path / "reader.py"
    script.write_text(READER, "utf-8")
    env = {**os.environ, "FALV_HOME": str(falv_home)}
    readers = [subprocess.Popen([sys.executable, str(script), str(cfg)], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    # CLI readers: their output during the imports must equal their output before them
    cite = tmp_path / "cite.txt"
    base_title, base_no, _ = expected[0]
    cite.write_text(f"《{base_title}》{base_no}；《既有法规1》第二条", "utf-8")
    cli_readers = [["article", base_title, base_no, "--json"], ["article", "既有法规1", "第三条", "--json"],
                   ["verify", "--json", str(cite)]]
    baseline = {}
    for cmd in cli_readers:
        out = subprocess.run(CLI + cmd, env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, (cmd, out.stderr)
        baseline[tuple(cmd)] = out.stdout
    cli_reads = 0
    try:
        time.sleep(0.5)
        for i in range(6):  # the writer: A, B, A, B … each replacing the whole batch
            batch = a if i % 2 == 0 else b
            writer = subprocess.Popen(CLI + ["statutes", "import", *map(str, batch)], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while writer.poll() is None:  # a CLI reader at the same time
                out = subprocess.run(CLI + ["statutes", "list", "--imported", "--json"], env=env,
                                     capture_output=True, text=True, timeout=60)
                assert out.returncode == 0, out.stderr
                listed = {l["title"]: l["articles"] for l in json.loads(out.stdout)["laws"]}
                assert listed["既有法规1"] == 20
                batch_counts = [v for k, v in listed.items() if k.startswith(PREFIX)]
                assert batch_counts in ([], [PER_FILE] * FILES)
                cli_reads += 1
                cmd = cli_readers[cli_reads % len(cli_readers)]
                out = subprocess.run(CLI + cmd, env=env, capture_output=True, text=True, timeout=60)
                assert (out.returncode, out.stdout) == (0, baseline[tuple(cmd)]), (cmd, out.stderr)
                cli_reads += 1
            assert writer.returncode == 0, writer.stderr.read()
    finally:
        stop.touch()
        results = [r.communicate(timeout=60) for r in readers]
    for r, (out, err) in zip(readers, results):
        assert r.returncode == 0, err
    stats = [json.loads(out) for out, _ in results]
    ops = sum(s["ops"] for s in stats)
    print(f"\nreader operations checked: {ops} (+{cli_reads} CLI list/article/verify runs); snapshots: "
          f"{[s['seen'] for s in stats]}")
    assert ops > 100 and cli_reads >= 1
    conn = db.connect(falv_home / "falv.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _dump(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("laws", "articles", "meta")]
    finally:
        conn.close()


def test_second_writer_fails_with_clear_message(batches, falv_home):
    a, _ = batches
    path = falv_home / "falv.db"
    holder = db.connect(path)
    before = _dump(path)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        out = subprocess.run(CLI + ["statutes", "import", str(a[0])], capture_output=True, text=True,
                             env={**os.environ, "FALV_HOME": str(falv_home), "FALV_BUSY_TIMEOUT_MS": "300"},
                             timeout=60)
    finally:
        holder.execute("ROLLBACK")
    assert out.returncode == 2
    assert "数据库正被另一个进程写入" in out.stderr and "0.3 秒" in out.stderr
    assert _dump(path) == before
    holder.close()


def test_second_writer_waits_for_the_first(batches, falv_home):
    a, _ = batches
    path = falv_home / "falv.db"
    holder = db.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, lambda: holder.execute("COMMIT"))
    release.start()
    t0 = time.perf_counter()
    out = subprocess.run(CLI + ["statutes", "import", str(a[0])], capture_output=True, text=True,
                         env={**os.environ, "FALV_HOME": str(falv_home)}, timeout=60)
    waited = time.perf_counter() - t0
    release.join()
    holder.close()
    assert out.returncode == 0, out.stderr
    assert waited >= 0.9 and "新增" in out.stdout


def test_two_concurrent_importers_both_land(batches, falv_home):
    a, b = batches
    env = {**os.environ, "FALV_HOME": str(falv_home)}
    first = [p for p in a[:2]]
    other_dir = falv_home.parent / "other"
    other_dir.mkdir()
    second = []
    for i, p in enumerate(b[2:], 1):  # different titles from `first`
        q = other_dir / p.name
        q.write_text(p.read_text("utf-8").replace(PREFIX, "另一批法规"), "utf-8")
        second.append(q)
    procs = [subprocess.Popen(CLI + ["statutes", "import", *map(str, files)], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for files in (first, second)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    conn = db.connect(falv_home / "falv.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM laws").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3 * PER_FILE
    conn.close()
