"""Helpers shared by CLI commands: the façade of this process and JSON output."""

from __future__ import annotations

import json
import sys
import time
from functools import lru_cache

import typer

from ..engine import Engine
from ..errors import InputError
from ..law.store import StatuteStore
from ..search.index import set_build_progress


@lru_cache(maxsize=1)
def store() -> StatuteStore:
    return StatuteStore()


_engines: dict[bool | None, Engine] = {}


def engine(dense: bool | None = None) -> Engine:
    """The façade over this process's store (`dense`: the optional dense search stage); it
    follows store(), whose cache tests clear to move to another FALV_HOME."""
    current = store()
    found = _engines.get(dense)
    if found is None or found.store is not current:
        found = _engines[dense] = Engine(current, dense=dense)
    return found


def read_stdin(cap: int) -> bytes:
    """At most cap + 1 bytes of standard input (bounded before decoding); a closed or unreadable
    stdin (a service, a test harness) is an InputError, not a traceback."""
    try:
        return sys.stdin.buffer.read(cap + 1)
    except (OSError, ValueError, AttributeError) as exc:
        raise InputError("无法读取标准输入", hint="请把文本作为参数或文件给出") from exc


def emit_json(obj) -> None:
    """A result (falv.results: its `to_dict()`) or plain JSON data, indented, on stdout."""
    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def report_index_builds() -> None:
    """From now on, a search index build (the first search after an import) shows its progress on
    stderr (see _index_progress)."""
    set_build_progress(_index_progress())


BAR_WIDTH = 30


def bar_line(done: int, total: int, started: float) -> str:
    """`  [██████░░░░…]  12000/23721 条  51%  3.2 秒` — one line of the build's progress bar."""
    frac = done / total if total else 1.0
    filled = int(frac * BAR_WIDTH)
    return (f"  [{'█' * filled}{'░' * (BAR_WIDTH - filled)}]  {done}/{total} 条  {int(frac * 100):3d}%  "
            f"{time.perf_counter() - started:.1f} 秒")


def _index_progress():
    """Progress of a search index build on stderr: a heading line, then on a terminal a bar with
    the count and percentage rewritten in place; the time taken at the end."""
    state = {"shown": False, "t": 0.0}
    tty = sys.stderr.isatty()

    def step(done: int, total: int) -> None:
        if not state["shown"]:
            state["shown"], state["t"] = True, time.perf_counter()
            typer.echo(f"正在建立检索索引（{total} 条条文，仅在法规库变化后的首次检索进行）…", err=True)
        if tty:
            sys.stderr.write("\r" + bar_line(done, total, state["t"]))
            sys.stderr.flush()
        if done == total:
            end = "\n" if tty else ""
            sys.stderr.write(f"{end}  完成：{total} 条，{time.perf_counter() - state['t']:.1f} 秒\n")
            sys.stderr.flush()
            state["shown"] = False

    return step
