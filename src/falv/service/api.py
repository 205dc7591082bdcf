"""The HTTP API (FastAPI, OpenAPI at /openapi.json) and the web page at /: a small app factory.

Every endpoint is an adapter (views.py: module-level views on one router): it parses the request,
calls one method of the façade (falv.engine.Engine, as the CLI and the MCP server do) and returns
that result's JSON; its response model is the result's model (falv.results), so the same call
gives the same JSON everywhere and /openapi.json documents exactly what is returned. Errors are
JSON: a FalvError becomes its http_status with {"error", "message", "location", "hint"}; a bad
request 422 with the reasons; an oversized body 413; never a stack trace. What is refused before
any endpoint runs (Host, body, admin token) is guard.py's.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import threading
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..db import as_store_error
from ..engine import Engine
from ..errors import FalvError
from ..limits import SERVE_THREADS, SHUTDOWN_GRACE_S
from . import models as m
from .guard import BodyGuard, allowed_hosts, json_error
from .mcp import build_server
from .views import WEB, engine_of, router

__all__ = ["BodyGuard", "allowed_hosts", "app_factory", "create_app"]

log = logging.getLogger("falv.service")


def create_app(engine: Engine | None = None, mcp: bool = False, host: str = "127.0.0.1",
               warm: bool = False) -> FastAPI:
    """The app. engine defaults to the process's engine (loaded on first request, or at start-up
    with warm=True), so every uvicorn worker (an import-string factory) opens the store once."""
    # No /docs or /redoc: FastAPI's pages load Swagger/ReDoc from a CDN, and falv stays offline.
    app = FastAPI(title="falv", version="0.1.0", lifespan=_lifespan, docs_url=None, redoc_url=None,
                  description="离线中文法律咨询引擎：问答、法条检索、引用核验、个人信息保护工具。"
                              "所有接口与命令行 falv 调用同一套库函数。")
    app.state.engine, app.state.warm = engine, warm
    app.state.mcp = build_server(lambda: engine_of(app)) if mcp else None
    app.add_middleware(BodyGuard, hosts=allowed_hosts(host))
    for kind, handler in _HANDLERS.items():
        app.add_exception_handler(kind, handler)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB, check_dir=False), name="static")
    if app.state.mcp is not None:
        # On loopback the SDK turns on DNS-rebinding protection (Host/Origin must be local).
        mcp_app = app.state.mcp.streamable_http_app(streamable_http_path="/mcp", stateless_http=True,
                                                    json_response=True, host=host,
                                                    transport_security=_mcp_security(host))
        app.router.routes.extend(mcp_app.routes)  # POST/GET/DELETE /mcp (streamable HTTP)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    _exit_after_grace()
    # request threads: the engine lock lets one request work at a time, so more threads only
    # queue on it and hand it — and the GIL — from thread to thread (anyio's default is 40);
    # requests wait in the limiter's FIFO on the event loop instead. verify and the imports,
    # which may take seconds, have their own pool (views._slow)
    anyio.to_thread.current_default_thread_limiter().total_tokens = SERVE_THREADS
    if app.state.warm:  # load the store, search index and knowledge base before the first
        # request: uvicorn accepts connections only once the lifespan has started
        await asyncio.to_thread(_warm, app)
    if app.state.mcp is None:
        yield
        return
    async with app.state.mcp.session_manager.run():
        yield


# -- errors: every one is JSON ---------------------------------------------------------------------

async def _falv_error(_req, exc: FalvError):
    return JSONResponse(exc.to_dict(), status_code=exc.http_status)


async def _store_failed(_req, exc: sqlite3.DatabaseError):
    err = as_store_error(exc)
    return JSONResponse(err.to_dict(), status_code=err.http_status)


async def _invalid(_req, exc: RequestValidationError):
    message, reasons = m.validation_message(exc.errors())
    return json_error(422, "invalid_input", message, reasons=reasons)


async def _http_error(req, exc: StarletteHTTPException):
    known = {400: ("bad_request", "请求体无法解析"),
             404: ("not_found", f"没有这个接口：{req.url.path[:200]}"),
             405: ("method_not_allowed", f"该接口不支持 {req.method} 请求")}
    code, message = known.get(exc.status_code, ("http_error", f"请求无法处理（HTTP {exc.status_code}）"))
    return json_error(exc.status_code, code, message)


async def _crash(_req, exc: Exception):
    log.exception("unexpected error")
    return json_error(500, "internal_error", "服务内部错误（已记录）")


_HANDLERS = {FalvError: _falv_error, sqlite3.DatabaseError: _store_failed,
             RequestValidationError: _invalid, StarletteHTTPException: _http_error, Exception: _crash}


# -- serving -------------------------------------------------------------------------------------

def _mcp_security(host: str):
    """The SDK's own Host/Origin check of /mcp, given the same names as BodyGuard when they are
    configured (None: the SDK's default for the bound address, the local names on loopback)."""
    if os.environ.get("FALV_ALLOWED_HOSTS") is None:
        return None
    from mcp.server.transport_security import TransportSecuritySettings

    hosts = allowed_hosts(host)
    if hosts is None:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    shown = [f"[{h}]" if ":" in h else h for h in sorted(hosts)]
    return TransportSecuritySettings(
        allowed_hosts=[n for h in shown for n in (h, f"{h}:*")],
        allowed_origins=[f"{scheme}://{h}{port}" for h in shown for scheme in ("http", "https")
                         for port in ("", ":*")])


def _exit_after_grace() -> None:
    """On SIGTERM/SIGINT uvicorn stops accepting, then waits for the requests in flight — which
    run in worker threads that nothing can interrupt (issue 22: a 2 MiB verify kept a stopped
    server alive for minutes). Wrapped around uvicorn's own handler (installed before the app
    starts, in each worker process): the process exits SHUTDOWN_GRACE_S after the first signal
    whatever is still running (exit status 128 + signal). Reads are all that is lost: writes are
    SQLite transactions, safe against a kill."""
    if threading.current_thread() is not threading.main_thread():
        return  # an in-process test client: no signals to take over
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(signum, frame, previous=previous):
            if not getattr(handler, "armed", False):
                handler.armed = True
                timer = threading.Timer(SHUTDOWN_GRACE_S, os._exit, (128 + signum,))
                timer.daemon = True
                timer.start()
            previous(signum, frame)

        signal.signal(sig, handler)


def _warm(app) -> None:
    try:
        engine_of(app).ask("个人信息泄露了怎么办")
    except Exception:  # a missing part shows up on the request that needs it
        log.warning("warm-up failed", exc_info=True)


def app_factory() -> FastAPI:
    """For `uvicorn --factory falv.service.api:app_factory` (several workers)."""
    return create_app(mcp=os.environ.get("FALV_SERVE_MCP") == "1",
                      host=os.environ.get("FALV_SERVE_HOST", "127.0.0.1"), warm=True)
