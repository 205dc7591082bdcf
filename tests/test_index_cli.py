"""`falv index build` and where the index is built or loaded: the shipped index on a fresh data
directory, a build with a progress bar where the store's content has none, `falv mcp` loading
(or building) it before it reads a request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from falv.commands.common import bar_line
from falv.search import index as index_mod

from conftest import run_cli


def test_index_build_on_a_fresh_data_directory_uses_the_shipped_index(capsys, store):
    code, out, err = run_cli(capsys, "index", "build", "--json")
    assert code == 0 and err == ""
    parts = json.loads(out)["parts"]
    assert [(p["part"], p["source"]) for p in parts] == [("laws", "shipped")]
    assert parts[0]["path"] == str(index_mod.BUNDLED / "laws") and parts[0]["documents"] > 20000
    code, out, _ = run_cli(capsys, "index", "build")
    assert code == 0 and "随安装包提供" in out


def test_index_build_builds_once_then_loads(capsys, small_store, tmp_path, monkeypatch):
    monkeypatch.setenv("FALV_INDEX_DIR", str(tmp_path / "index"))  # nothing built by other tests
    code, out, err = run_cli(capsys, "index", "build", "--json")
    assert code == 0
    first = json.loads(out)["parts"][0]
    assert first["source"] == "built" and first["seconds"] > 0 and first["documents"] > 1000
    assert "正在建立检索索引" in err and "完成" in err  # not a terminal: no bar, start and end lines
    code, out, err = run_cli(capsys, "index", "build", "--json")
    assert json.loads(out)["parts"][0]["source"] == "cached" and err == ""
    code, out, _ = run_cli(capsys, "index", "build", "--force", "--json")
    assert json.loads(out)["parts"][0]["source"] == "built"


def test_progress_bar_shows_count_and_percentage():
    line = bar_line(12000, 23721, time.perf_counter())
    assert "12000/23721 条" in line and " 50%" in line and "█" in line and "░" in line
    assert " 99%" in bar_line(23700, 23721, time.perf_counter())  # never 100 % before the end
    assert "100%" in bar_line(23721, 23721, time.perf_counter())


def test_mcp_loads_the_index_before_reading_a_request(small_base_db, tmp_path):
    """`falv mcp` on a store whose index is not built: it builds it at start (progress on stderr),
    and no library log line (bm25s' `DEBUG Building index from tokens`) leaks. Its stdin is
    empty, so it exits after the start-up."""
    env = dict(os.environ, FALV_HOME=str(tmp_path / "home"), FALV_INDEX_DIR=str(tmp_path / "index"),
               FALV_BASE_DB=str(small_base_db))
    done = subprocess.run([sys.executable, "-m", "falv.cli", "mcp"], stdin=subprocess.DEVNULL,
                          capture_output=True, env=env, timeout=600)
    err = done.stderr.decode("utf-8", "replace")
    assert "正在建立检索索引" in err and "完成" in err, err
    assert "DEBUG" not in err and "Building index" not in err, err
    assert done.stdout == b""
    built = [d for d in (tmp_path / "index").iterdir() if (d / "meta.json").is_file()]
    assert len(built) == 1


def test_serve_loads_the_index_before_it_accepts_a_request(small_base_db, tmp_path, monkeypatch):
    """`falv serve` on a store whose index is not built: by the time it first answers /health, the
    index is built (its worker warms up in the lifespan, before uvicorn accepts connections)."""
    from serving import Server

    monkeypatch.setenv("FALV_BASE_DB", str(small_base_db))
    server = Server(tmp_path / "home", index_dir=tmp_path / "index")
    try:
        server.wait(timeout=600)
        built = [d for d in (tmp_path / "index").iterdir() if (d / "meta.json").is_file()]
        assert len(built) == 1, server.output()
        assert "DEBUG" not in server.output()
    finally:
        server.stop()
