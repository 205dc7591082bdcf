"""The HTTP API (FastAPI, OpenAPI at /openapi.json) and the web page at /.

Every endpoint is an adapter: it parses the request, calls one method of the façade
(falv.engine.Engine, as the CLI and the MCP server do) and returns that result's JSON; its
response model is the result's model (falv.results), so the same call gives the same JSON
everywhere and /openapi.json documents exactly what is returned. Errors are JSON: a FalvError becomes its http_status with {"error", "message", "location",
"hint"}; a bad request 422 with the reasons; an oversized body 413; never a stack trace.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import signal
import sqlite3
import threading
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import Depends, FastAPI, Path as PathParam, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..db import as_store_error
from ..engine import DEFAULTS, Engine, get_engine
from ..errors import FalvError
from ..law.models import VerdictKind
from ..law.verdicts import label
from .. import results as r
from ..limits import (MAX_ARTICLE_CHARS, MAX_BODY_BYTES, MAX_NAME_CHARS, MAX_QUESTION_CHARS, MAX_TOP,
                      SERVE_THREADS, SHUTDOWN_GRACE_S, SLOW_TEXT_CHARS, SLOW_THREADS)
from . import models as m
from .jsonrpc import shape_problem
from .mcp import build_server

log = logging.getLogger("falv.service")
WEB = Path(__file__).parent / "web"
ADMIN_PATHS = ("/statutes/import", "/kb/ingest")

_ERRORS = {"model": m.ErrorOut}
ERROR_RESPONSES = {400: _ERRORS, 404: _ERRORS, 413: _ERRORS, 422: _ERRORS, 503: _ERRORS}
ADMIN_RESPONSES = {**ERROR_RESPONSES, 401: _ERRORS, 403: _ERRORS}


def _json_error(status: int, error: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": error, "message": message, "location": None, "hint": None, **extra},
                        status_code=status)


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


def allowed_hosts(bind_host: str = "127.0.0.1") -> frozenset[str] | None:
    """The Host names the API answers to (None: any): the local names, the address the server is
    bound to, and the names of FALV_ALLOWED_HOSTS (comma-separated, `*` for any; `falv serve
    --allowed-hosts` sets it). A page on another site that resolves its own name to 127.0.0.1
    (DNS rebinding) sends its own name as Host, and is refused (issue 22; /mcp did this already)."""
    names = {_host_name(n) for n in os.environ.get("FALV_ALLOWED_HOSTS", "").split(",") if n.strip()}
    if "*" in names:
        return None
    return LOCAL_HOSTS | names | ({_host_name(bind_host)} - WILDCARD_HOSTS)


def _host_name(value: str) -> str:
    """127.0.0.1:8000 → 127.0.0.1; [::1]:8000 → ::1; Localhost. → localhost."""
    value = value.strip().lower()
    if value.startswith("["):
        value = value[1:value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


class BodyGuard:
    """ASGI middleware: refuses a Host the server does not answer to (421), caps the request body
    (413), rejects bodies that are not UTF-8 (422) or whose JSON is nested too deep or holds a
    number too long to parse (422, where the JSON parser would raise an English 400), and requests
    to the write endpoints without the admin token (401/403) before anything runs."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES, hosts: frozenset[str] | None = LOCAL_HOSTS):
        self.app = app
        self.max_bytes = max_bytes
        self.hosts = hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw_headers = scope.get("headers") or []
        if self.hosts is not None:
            given = [v.decode("latin-1") for k, v in raw_headers if k == b"host"]
            if len(given) != 1 or _host_name(given[0]) not in self.hosts:
                shown = given[0][:80] if given else "（无）"
                return await _json_error(
                    421, "host_not_allowed", f"不接受的 Host：{shown}",
                    hint="只接受 " + "、".join(sorted(self.hosts)) + "；用 FALV_ALLOWED_HOSTS 或 "
                         "falv serve --allowed-hosts 设置")(scope, receive, send)
        if sum(1 for k, _ in raw_headers if k == b"authorization") > 1:
            # the middleware and FastAPI's security dependency would read different ones
            return await _json_error(400, "bad_request", "Authorization 头重复：只能有一个")(scope, receive, send)
        headers = dict(raw_headers)
        path = scope.get("path", "")
        if path in ADMIN_PATHS:
            denied = _admin_denied(headers.get(b"authorization", b"").decode("latin-1"))
            if denied is not None:
                return await denied(scope, receive, send)
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                return await _json_error(400, "bad_request", "Content-Length 无效")(scope, receive, send)
            if too_big:
                return await self._too_large(scope, receive, send)
        if scope.get("method") not in ("POST", "PUT", "PATCH") or path.startswith("/mcp"):
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                return await self._too_large(scope, receive, send)
            chunks.append(body)
            if not message.get("more_body"):
                break
        data = b"".join(chunks)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return await _json_error(422, "invalid_input",
                                     f"请求体不是有效的 UTF-8 文本（第 {exc.start} 字节）")(scope, receive, send)
        problem = shape_problem(text)
        if problem:  # json.loads would raise RecursionError / ValueError: FastAPI's English 400
            return await _json_error(422, "invalid_input", f"请求无效：{problem}")(scope, receive, send)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _too_large(self, scope, receive, send):
        return await _json_error(413, "payload_too_large",
                                 f"请求体过大（上限 {self.max_bytes} 字节）")(scope, receive, send)


def _admin_token() -> str | None:
    return os.environ.get("FALV_ADMIN_TOKEN") or None


def _admin_denied(authorization: str) -> JSONResponse | None:
    token = _admin_token()
    if token is None:
        return _json_error(403, "admin_disabled", "写入接口未启用：服务端未设置 FALV_ADMIN_TOKEN")
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        resp = _json_error(401, "unauthorized", "缺少或错误的管理令牌（Authorization: Bearer …）")
        resp.headers["WWW-Authenticate"] = "Bearer"
        return resp
    return None


class Unauthorized(FalvError):
    code = "unauthorized"
    http_status = 401


_bearer = HTTPBearer(auto_error=False, description="FALV_ADMIN_TOKEN")


def require_admin(creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
    """Declared on the write endpoints (OpenAPI security); BodyGuard has already checked."""
    if _admin_denied(f"Bearer {creds.credentials}" if creds else "") is not None:
        raise Unauthorized("缺少或错误的管理令牌（Authorization: Bearer …）")  # unreachable behind BodyGuard


def create_app(engine: Engine | None = None, mcp: bool = False, host: str = "127.0.0.1",
               warm: bool = False) -> FastAPI:
    """The app. engine defaults to the process's engine (loaded on first request, or at start-up
    with warm=True), so every uvicorn worker (an import-string factory) opens the store once."""
    mcp_server = build_server(lambda: eng()) if mcp else None

    @asynccontextmanager
    async def lifespan(_app):
        _exit_after_grace()
        # request threads: the engine lock lets one request work at a time, so more threads only
        # queue on it and hand it — and the GIL — from thread to thread (anyio's default is 40);
        # requests wait in the limiter's FIFO on the event loop instead. verify and the imports,
        # which may take seconds, have their own pool (_slow)
        anyio.to_thread.current_default_thread_limiter().total_tokens = SERVE_THREADS
        if warm:  # load the store, search index and knowledge base before the first request:
            # uvicorn accepts connections only once the lifespan has started
            await asyncio.to_thread(_warm, eng)
        if mcp_server is None:
            yield
            return
        async with mcp_server.session_manager.run():
            yield

    # No /docs or /redoc: FastAPI's pages load Swagger/ReDoc from a CDN, and falv stays offline.
    app = FastAPI(title="falv", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="离线中文法律咨询引擎：问答、法条检索、引用核验、个人信息保护工具。"
                              "所有接口与命令行 falv 调用同一套库函数。")
    app.add_middleware(BodyGuard, hosts=allowed_hosts(host))

    def eng() -> Engine:
        return engine if engine is not None else get_engine()

    # -- errors ----------------------------------------------------------------------------------

    @app.exception_handler(FalvError)
    async def falv_error(_req, exc: FalvError):
        return JSONResponse(exc.to_dict(), status_code=exc.http_status)

    @app.exception_handler(sqlite3.DatabaseError)
    async def store_failed(_req, exc: sqlite3.DatabaseError):
        err = as_store_error(exc)
        return JSONResponse(err.to_dict(), status_code=err.http_status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_req, exc: RequestValidationError):
        message, reasons = m.validation_message(exc.errors())
        return _json_error(422, "invalid_input", message, reasons=reasons)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(req, exc: StarletteHTTPException):
        known = {400: ("bad_request", "请求体无法解析"),
                 404: ("not_found", f"没有这个接口：{req.url.path[:200]}"),
                 405: ("method_not_allowed", f"该接口不支持 {req.method} 请求")}
        code, message = known.get(exc.status_code, ("http_error", f"请求无法处理（HTTP {exc.status_code}）"))
        return _json_error(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def crash(_req, exc: Exception):
        log.exception("unexpected error")
        return _json_error(500, "internal_error", "服务内部错误（已记录）")

    # -- reading ---------------------------------------------------------------------------------

    @app.get("/health", response_model=r.HealthResult, tags=["meta"])
    def health():
        """服务状态：法规数、导入数、法规数据的日期。"""
        return _json(eng().health())

    @app.post("/ask", response_model=r.Answer, responses=ERROR_RESPONSES, tags=["answer"])
    def ask(body: m.AskIn):
        """回答问题：【法律分析】步骤、【法律依据】原文及核验结论、维权渠道（见 docs/answer-schema.md）。"""
        return _json(eng().ask(body.question))

    @app.get("/search", response_model=r.SearchResult, responses=ERROR_RESPONSES, tags=["statutes"])
    def search(q: str = Query(..., min_length=1, max_length=MAX_QUESTION_CHARS, description="问题或关键词"),
               top: int = Query(DEFAULTS["search"]["top"], ge=1, le=MAX_TOP, description="返回的条数（法律的排名）"),
               law: str | None = Query(DEFAULTS["search"]["law"], max_length=MAX_NAME_CHARS,
                                       description="只在这部法律中检索（全称或简称，如 民法典），只按相关度排序")):
        """检索现行有效的法条（与 falv search 相同）。"""
        return _json(eng().search(q, top=top, law=law))

    @app.get("/articles/{law}/{article}", response_model=r.Article, responses=ERROR_RESPONSES,
             tags=["statutes"])
    def article(law: str = PathParam(..., max_length=MAX_NAME_CHARS, description="法规全称或简称，如 民法典、个保法"),
                article: str = PathParam(..., max_length=MAX_ARTICLE_CHARS, description="条号：1038、第一千零三十八条、第二百五十三条之一")):
        """一条法条的原文、章节、时效性（法条联想）。"""
        return _json(eng().article(law, article))

    @app.post("/verify", response_model=r.VerifyResult, responses=ERROR_RESPONSES, tags=["statutes"])
    async def verify(body: m.VerifyIn):
        """核验文本中每一处法条引用：存在、有效、引文一致；已废止的给出替代条文。"""
        work = lambda: _json(eng().verify(body.text, quotes=body.quotes, as_of=body.as_of))  # noqa: E731
        if len(body.text) > SLOW_TEXT_CHARS:  # seconds of work: apart, not in the quick queue
            return await _slow(work)
        return await anyio.to_thread.run_sync(work)  # in turn with the other quick requests

    @app.post("/route", response_model=r.RouteResult, responses=ERROR_RESPONSES, tags=["toolkit"])
    def route(body: m.RouteIn):
        """维权路径：案情要素（与 /ask 相同）、步骤（按紧急程度）及其渠道与依据。"""
        return _json(eng().route(body.question, body.scenario))

    @app.get("/verdicts", tags=["statutes"])
    def verdicts() -> dict[str, str]:
        """每种核验结论在页面上的标签（law/data/verdicts.toml，与命令行、回答相同）。"""
        return _verdict_labels()

    @app.get("/scenarios", response_model=r.ScenarioList, tags=["toolkit"])
    def scenarios():
        """可用于 /route 的具名场景（预设的案情要素）及其渠道。"""
        return _json(eng().scenarios())

    @app.post("/severity", response_model=r.SeverityResult, responses=ERROR_RESPONSES, tags=["toolkit"])
    def severity(body: m.SeverityIn):
        """侵犯公民个人信息罪的情节估算（两高解释第五条、第六条）；仅供参考。"""
        flags = body.model_dump(exclude={"counts", "gains"})
        return _json(eng().severity(body.counts, str(body.gains), **flags))

    @app.get("/drafts", response_model=r.DraftKindList, tags=["toolkit"])
    def draft_kinds():
        """文书类型及其字段。"""
        return _json(eng().draft_kinds())

    @app.post("/drafts/{kind}", response_model=r.DraftResult, responses=ERROR_RESPONSES, tags=["toolkit"])
    def draft(body: m.DraftIn, kind: str = PathParam(..., max_length=40, description="文书类型（GET /drafts）")):
        """生成权利请求书、投诉举报信、报案材料、仲裁申请书等；引用的条文取自法规库原文。"""
        return _json(eng().draft(kind, body.fill, body.format, body.question))

    # -- writing (FALV_ADMIN_TOKEN) ----------------------------------------------------------------

    @app.post("/statutes/import", response_model=r.ImportResult, responses=ADMIN_RESPONSES, tags=["admin"],
              dependencies=[Depends(require_admin)])
    async def statutes_import(body: m.ImportIn):
        """导入法规文件（整批一个事务）。需要 Authorization: Bearer FALV_ADMIN_TOKEN。"""
        return await _slow(lambda: _json(eng().import_statutes([(f.name, f.content) for f in body.files],
                                                               dry_run=body.dry_run)))

    @app.post("/kb/ingest", response_model=r.IngestResult, responses=ADMIN_RESPONSES, tags=["admin"],
              dependencies=[Depends(require_admin)])
    async def kb_ingest(body: m.IngestIn):
        """导入问答文档到知识库。需要 Authorization: Bearer FALV_ADMIN_TOKEN。"""
        return await _slow(lambda: _json(eng().kb_ingest([(f.name, f.content) for f in body.files])))

    # -- the web page ------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(WEB / "index.html", headers=_PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=WEB, check_dir=False), name="static")
    if mcp_server is not None:
        # On loopback the SDK turns on DNS-rebinding protection (Host/Origin must be local).
        mcp_app = mcp_server.streamable_http_app(streamable_http_path="/mcp", stateless_http=True,
                                                 json_response=True, host=host,
                                                 transport_security=_mcp_security(host))
        app.router.routes.extend(mcp_app.routes)  # POST/GET/DELETE /mcp (streamable HTTP)
    return app


# The page loads nothing from elsewhere and runs no inline script: a CSP makes that a rule.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


_SIGN = re.compile(r"^[✔✘⚠？]\s*")


def _verdict_labels() -> dict[str, str]:
    """verdict → its 法律依据 label from the one table (falv.law.verdicts), less the leading sign:
    the page colours its badges by verdict instead."""
    return {v.value: _SIGN.sub("", label(v.value, "answer")) for v in VerdictKind}


_slow_limiter: anyio.CapacityLimiter | None = None


async def _slow(fn):
    """fn() in a thread of the pool for requests that may run for seconds (verify of a text over
    SLOW_TEXT_CHARS, imports): they never take the request thread of the quick endpoints, which
    serves them one at a time in arrival order — no lock handed from thread to thread under load,
    and no request of a few milliseconds waiting behind a long one."""
    global _slow_limiter
    if _slow_limiter is None:
        _slow_limiter = anyio.CapacityLimiter(SLOW_THREADS)
    return await anyio.to_thread.run_sync(fn, limiter=_slow_limiter)


def _json(result) -> Response:
    """The result (a falv.results model, already validated when the façade built it) as JSON,
    encoded here — in the request's worker thread, outside the engine lock — rather than by
    FastAPI, which would validate it against the response model a second time and encode it on
    the event loop thread. The same JSON as the CLI's `--json` and the MCP tools' structured
    content (tests/test_adapters.py)."""
    return Response(result.model_dump_json().encode("utf-8"), media_type="application/json")


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


def _warm(eng) -> None:
    try:
        eng().ask("个人信息泄露了怎么办")
    except Exception:  # a missing part shows up on the request that needs it
        log.warning("warm-up failed", exc_info=True)



def app_factory() -> FastAPI:
    """For `uvicorn --factory falv.service.api:app_factory` (several workers)."""
    return create_app(mcp=os.environ.get("FALV_SERVE_MCP") == "1",
                      host=os.environ.get("FALV_SERVE_HOST", "127.0.0.1"), warm=True)
