"""What the HTTP API refuses before any endpoint runs: a Host it does not answer to (DNS
rebinding), an oversized or malformed body, and a write without the admin token (BodyGuard, an
ASGI middleware); the admin check the write endpoints also declare (require_admin, for OpenAPI)."""

from __future__ import annotations

import hmac
import os

from fastapi import Depends
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..errors import FalvError
from ..limits import MAX_BODY_BYTES
from .jsonrpc import shape_problem

ADMIN_PATHS = ("/statutes/import", "/kb/ingest")


def json_error(status: int, error: str, message: str, **extra) -> JSONResponse:
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
        refused = self._refused(scope)
        if refused is not None:
            return await refused(scope, receive, send)
        if scope.get("method") not in ("POST", "PUT", "PATCH") or scope.get("path", "").startswith("/mcp"):
            return await self.app(scope, receive, send)
        data = await self._read_body(receive)
        if data is None:  # the client went away
            return
        refused = self._too_large() if data is _TOO_LARGE else _body_problem(data)
        if refused is not None:
            return await refused(scope, receive, send)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    def _refused(self, scope) -> JSONResponse | None:
        """What the headers alone refuse: the Host, a second Authorization, a write without the
        admin token, a Content-Length over the cap."""
        raw_headers = scope.get("headers") or []
        if self.hosts is not None:
            given = [v.decode("latin-1") for k, v in raw_headers if k == b"host"]
            if len(given) != 1 or _host_name(given[0]) not in self.hosts:
                shown = given[0][:80] if given else "（无）"
                return json_error(
                    421, "host_not_allowed", f"不接受的 Host：{shown}",
                    hint="只接受 " + "、".join(sorted(self.hosts)) + "；用 FALV_ALLOWED_HOSTS 或 "
                         "falv serve --allowed-hosts 设置")
        if sum(1 for k, _ in raw_headers if k == b"authorization") > 1:
            # the middleware and FastAPI's security dependency would read different ones
            return json_error(400, "bad_request", "Authorization 头重复：只能有一个")
        headers = dict(raw_headers)
        if scope.get("path", "") in ADMIN_PATHS:
            denied = _admin_denied(headers.get(b"authorization", b"").decode("latin-1"))
            if denied is not None:
                return denied
        length = headers.get(b"content-length")
        if length is None:
            return None
        try:
            return self._too_large() if int(length) > self.max_bytes else None
        except ValueError:
            return json_error(400, "bad_request", "Content-Length 无效")

    async def _read_body(self, receive):
        """The whole body; _TOO_LARGE past the cap; None if the client disconnected."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                return _TOO_LARGE
            chunks.append(body)
            if not message.get("more_body"):
                return b"".join(chunks)

    def _too_large(self) -> JSONResponse:
        return json_error(413, "payload_too_large", f"请求体过大（上限 {self.max_bytes} 字节）")


_TOO_LARGE = object()  # BodyGuard._read_body: the body passed the cap


def _body_problem(data: bytes) -> JSONResponse | None:
    """A body that is not UTF-8, or whose JSON is nested too deep or holds a number too long to
    parse (json.loads would raise RecursionError / ValueError: FastAPI's English 400): 422."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return json_error(422, "invalid_input", f"请求体不是有效的 UTF-8 文本（第 {exc.start} 字节）")
    problem = shape_problem(text)
    return json_error(422, "invalid_input", f"请求无效：{problem}") if problem else None


def _admin_token() -> str | None:
    return os.environ.get("FALV_ADMIN_TOKEN") or None


def _admin_denied(authorization: str) -> JSONResponse | None:
    token = _admin_token()
    if token is None:
        return json_error(403, "admin_disabled", "写入接口未启用：服务端未设置 FALV_ADMIN_TOKEN")
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        resp = json_error(401, "unauthorized", "缺少或错误的管理令牌（Authorization: Bearer …）")
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
