"""The `falv` command. Each area registers its commands from falv/commands/<area>.py onto these
Typer apps; heavy imports happen inside the command functions so that start-up stays fast."""

from __future__ import annotations

import importlib
import sqlite3
import sys

import typer

from .errors import FalvError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="falv（法律）：离线中文法律咨询引擎 — 引用核验、法条检索、个人信息保护工具",
)
statutes_app = typer.Typer(no_args_is_help=True, help="法规库：导入与列出法规")
kb_app = typer.Typer(no_args_is_help=True, help="问答知识库：导入、列出、查看、导出")
app.add_typer(statutes_app, name="statutes")
app.add_typer(kb_app, name="kb")

# One module per area; each registers its commands on import.
COMMAND_MODULES = [
    "falv.commands.ask",
    "falv.commands.statutes",
    "falv.commands.search",
    "falv.commands.citations",
    "falv.commands.toolkit",
    "falv.commands.serve",
    "falv.commands.kb",
]


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def _check_args(args: list[str]) -> None:
    """Arguments that are not valid text (bytes that are not UTF-8 arrive as lone surrogates,
    e.g. `falv ask $'\\xff'`) are refused before a command would fail printing them."""
    from .limits import check_text

    for i, arg in enumerate(args, 1):
        check_text(arg, f"命令行第 {i} 个参数", nul=False)  # NUL: each command's own message


def main(argv: list[str] | None = None) -> None:
    _load_commands()
    try:
        _check_args(sys.argv[1:] if argv is None else list(argv))
        app(args=argv, prog_name="falv")
    except FalvError as exc:
        typer.echo(f"错误：{exc}", err=True)
        sys.exit(2)
    except sqlite3.DatabaseError as exc:  # corruption on a page the open-time check did not read
        from .db import as_store_error

        typer.echo(f"错误：{as_store_error(exc)}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # run as `python -m falv`: commands register on falv.cli's apps
    from falv.cli import main as _main

    _main()
