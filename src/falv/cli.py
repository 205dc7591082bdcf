"""The `falv` command: an adapter over the façade (falv.engine). Each area's commands live in
falv/commands/<area>.py and are registered here, explicitly, in the order `falv --help` lists them."""

from __future__ import annotations

import sqlite3
import sys

import typer

from .commands import ask, citations, kb, search, serve, statutes, toolkit
from .db import as_store_error
from .errors import FalvError
from .limits import check_encodable

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="falv（法律）：离线中文法律咨询引擎 — 引用核验、法条检索、个人信息保护工具",
)
for _area in (ask, statutes, search, citations, toolkit, serve, kb):
    _area.register(app)


def _check_args(args: list[str]) -> None:
    """Arguments that are not valid text (bytes that are not UTF-8 arrive as lone surrogates,
    e.g. `falv ask $'\\xff'`) are refused before a command would fail printing them."""
    for i, arg in enumerate(args, 1):
        check_encodable(arg, f"命令行第 {i} 个参数", nul=False)  # NUL: each command's own message


def main(argv: list[str] | None = None) -> None:
    try:
        _check_args(sys.argv[1:] if argv is None else list(argv))
        app(args=argv, prog_name="falv")
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
