"""The `falv` command: an adapter over the façade (falv.engine). Each area's commands live in
falv/commands/<area>.py and are registered here, explicitly, in the order `falv --help` lists them."""

from __future__ import annotations

import sys

import typer

from .commands import ask, citations, kb, search, serve, statutes, toolkit
from .errors import FalvError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="falv（法律）：离线中文法律咨询引擎 — 引用核验、法条检索、个人信息保护工具",
)
for _area in (ask, statutes, search, citations, toolkit, serve, kb):
    _area.register(app)


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="falv")
    except FalvError as exc:
        typer.echo(f"错误：{exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # python -m falv.cli
    main()
