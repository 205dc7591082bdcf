"""`falv serve` (HTTP API + web page, optionally MCP at /mcp) and `falv mcp` (MCP over stdio)."""

from __future__ import annotations

import os

import typer

from ..engine import get_engine
from ..errors import InputError
from ..service.mcp import build_server, run_stdio
from . import command
from .common import report_index_builds


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（默认只在本机）"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="端口"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="工作进程数（共享同一法规库，只读）"),
    mcp: bool = typer.Option(False, "--mcp", help="同时在 /mcp 提供 MCP（streamable HTTP）"),
    allowed_hosts: str = typer.Option(None, "--allowed-hosts",
                                      help="接受的 Host 名称，逗号分隔（* 为任意；默认 127.0.0.1、localhost、::1 与 --host）"),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn 日志级别"),
) -> None:
    import uvicorn

    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        raise InputError(f"未知的日志级别：{log_level}")
    if mcp:
        os.environ["FALV_SERVE_MCP"] = "1"
    if allowed_hosts is not None:
        os.environ["FALV_ALLOWED_HOSTS"] = allowed_hosts  # read by the app factory in each worker
    os.environ["FALV_SERVE_HOST"] = host  # read by the app factory in each worker
    typer.echo(f"falv 服务：http://{host}:{port}/（OpenAPI /openapi.json{'，MCP /mcp' if mcp else ''}）", err=True)
    report_index_builds()  # each worker loads (or builds) the index before it accepts a request
    # An import string + factory: each worker process builds its own app and opens the store once.
    uvicorn.run("falv.service.api:app_factory", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=False)


def mcp_cmd() -> None:
    """The index is loaded (or built, progress on stderr) before the first request is read: stdout
    carries the protocol, so nothing else is written there."""
    report_index_builds()
    get_engine().warm()
    run_stdio(build_server())


def register(app: typer.Typer) -> None:
    """Adds this module's commands to the `falv` app (falv.cli)."""
    command(app, "serve")(serve_cmd)
    command(app, "mcp")(mcp_cmd)
