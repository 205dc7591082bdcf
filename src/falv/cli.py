"""The `falv` command: an adapter over the façade (falv.engine). Each area's commands live in
falv/commands/<area>.py; falv.commands.REGISTRY names every command explicitly, in the order
`falv --help` lists them, with its module and help.

A command's module is imported only when that command runs (click's documented lazy-group
pattern): `falv verify` does not load the HTTP/MCP layer, and `falv --help` loads no command at
all. This is the one dynamic import in falv; the CLI is the top layer, so nothing it loads can
import it back, and tests/test_cli_registry.py checks REGISTRY against what the modules register."""

from __future__ import annotations

import os
import sqlite3
import sys
from functools import lru_cache
from importlib import import_module

import typer
from typer.core import TyperCommand
from typer.main import get_group

from .clitext import Group, run
from .commands import REGISTRY
from .db import as_store_error
from .errors import FalvError
from .limits import check_encodable

# falv's processes use no multi-threaded BLAS (search reads postings; the dense stage scores in
# blocks below OpenBLAS's threading threshold), and OpenBLAS starts a thread per CPU when numpy is
# imported: ~0.1 s of CPU in every cold `falv ask`. Set before numpy's first import (a command runs
# after this module loads); inherited by `serve` workers and index-build children; a user's own
# value is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

HELP = ("falv（法律）：离线中文法律咨询引擎 — 引用核验、法条检索、个人信息保护工具。"
        "falv --version 显示版本和法规数据的日期")


@lru_cache(maxsize=None)
def area(module: str) -> Group:
    """The commands one falv.commands module registers (imported on first use)."""
    app = typer.Typer()
    import_module(f"{__package__}.commands.{module}").register(app)
    return get_group(app)


class LazyGroup(Group):
    """The root group: lists REGISTRY without importing its modules; loads one when invoked.
    Its help page, usage errors and did-you-mean are Chinese (falv.clitext.Group)."""

    listing = False  # True while the root's own help is written: summaries, no imports

    def list_commands(self, ctx) -> list[str]:
        return list(REGISTRY)

    def get_command(self, ctx, cmd_name: str):
        entry = REGISTRY.get(cmd_name)
        if entry is None:
            return None
        if self.listing:
            return TyperCommand(cmd_name, help=entry.help)
        return area(entry.module).get_command(ctx, cmd_name)

    def format_help(self, ctx, formatter) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


app = LazyGroup(name="falv", help=HELP, no_args_is_help=True)


def _check_args(args: list[str]) -> None:
    """Arguments that are not valid text (bytes that are not UTF-8 arrive as lone surrogates,
    e.g. `falv ask $'\\xff'`) are refused before a command would fail printing them."""
    for i, arg in enumerate(args, 1):
        check_encodable(arg, f"命令行第 {i} 个参数", nul=False)  # NUL: each command's own message


def main(argv: list[str] | None = None) -> None:
    try:
        args = sys.argv[1:] if argv is None else list(argv)
        _check_args(args)
        if args and args[0] == "--version":  # the `version` command (falv.commands.statutes)
            args = ["version", *args[1:]]
        sys.exit(run(app, args, "falv"))  # click's own errors in Chinese, exit 2
    except FalvError as exc:
        typer.echo(f"错误：{exc}", err=True)
        sys.exit(2)
    except sqlite3.DatabaseError as exc:  # corruption on a page the open-time check did not read
        typer.echo(f"错误：{as_store_error(exc)}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # python -m falv.cli
    main()
