"""The MCP server (official SDK, mcp 2.x MCPServer): falv's engine as tools for AI assistants.

Each tool is an adapter: it calls the same façade method (falv.engine.Engine) as the HTTP API and
the CLI, and its structured content is that result's `to_dict()` — the JSON of `falv X --json`.
The SDK (a heavy package) is imported when a server is built, not when this module is.
Bad input comes back as an MCP error result whose text and structured content are the FalvError's
JSON ({"error", "message", "hint"}), so the assistant can read what to fix.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from typing import TYPE_CHECKING, Any, Callable

import anyio
from pydantic import StrictBool, StrictFloat, StrictInt, ValidationError

from ..db import as_store_error
from ..engine import Engine, get_engine
from ..errors import FalvError, InputError
from ..limits import MAX_MCP_LINE_BYTES
from .jsonrpc import INVALID_REQUEST, check_line, error_response, shape
from .models import validation_message

INSTRUCTIONS = (
    "falv：离线中文法律咨询引擎。法条原文均取自法规库，每条引用都经过核验（现行有效 / 已废止→替代条文）。"
    "回答法律问题用 ask；找法条用 search_statutes；看原文用 get_article；核验一段文字中的法条引用用 "
    "verify_citations；个人信息泄露的维权渠道用 route；侵犯公民个人信息罪的情节估算用 severity；"
    "生成权利请求书、投诉信用 draft。结论仅供参考，不构成法律意见。"
)


if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer


def _error(exc: FalvError):
    from mcp_types import CallToolResult, TextContent  # the MCP SDK: heavy, optional at import

    data = exc.to_dict()
    return CallToolResult(content=[TextContent(type="text", text=json.dumps(data, ensure_ascii=False))],
                          structured_content=data, is_error=True)


def _call(fn: Callable[[], Any]):
    try:
        return fn()
    except FalvError as exc:
        return _error(exc)
    except sqlite3.DatabaseError as exc:  # the same 503 store_error JSON as HTTP
        return _error(as_store_error(exc))


def _server_class():
    """MCPServer whose argument-validation failures are error results with the same JSON as the
    HTTP API's 422 ({"error": "invalid_input", "message": "请求无效：FIELD：…"}), not SDK text.
    Defined when a server is built: the SDK is heavy and optional at import."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    class _Server(MCPServer):
        async def call_tool(self, name, arguments, context=None):
            tool = self._tool_manager.get_tool(name)
            if tool is not None and isinstance(arguments, dict):
                known = tool.parameters.get("properties", {})
                unknown = [k for k in arguments if k not in known]
                if unknown:  # refused, as the HTTP API refuses unknown fields (extra="forbid")
                    message, _ = validation_message([{"type": "extra_forbidden", "loc": (unknown[0],),
                                                      "msg": "Extra inputs are not permitted"}])
                    return _error(InputError(message, hint="可用参数：" + "、".join(known)))
            try:
                return await super().call_tool(name, arguments, context)
            except ToolError as exc:
                if isinstance(exc.__cause__, ValidationError):
                    message, _reasons = validation_message(exc.__cause__.errors())
                    return _error(InputError(message))
                raise

    return _Server


def build_server(engine: Callable[[], Engine] | None = None) -> "MCPServer":
    """engine: a callable returning the Engine (default: the process's engine, loaded lazily)."""
    from mcp_types import ToolAnnotations  # the MCP SDK: heavy, optional at import

    eng = engine or get_engine
    server = _server_class()("falv", instructions=INSTRUCTIONS, version="0.1.0")
    # Every tool only reads the local store: no writes, no network.
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False, idempotent_hint=True)

    @server.tool(structured_output=True, annotations=read_only)
    def ask(question: str) -> dict[str, Any]:
        """回答一个中文法律问题：法律分析步骤、法律依据（法规库原文 + 核验结论）、维权渠道。"""
        return _call(lambda: eng().ask(question).to_dict())

    @server.tool(structured_output=True, annotations=read_only)
    def search_statutes(query: str, top_k: StrictInt = 10, law: str | None = None) -> dict[str, Any]:
        """检索现行有效的法条：问题中引用的条文在前，其次是问题所称罪名的刑法条文（via 为 crime）、符合问题
        情形的规则和相同问题的知识库条目所依据的条文（via 为 rule / kb），其余按相关度；law 可限定在一部法律（全称或简称，只按相关度）。"""
        return _call(lambda: eng().search(query, top=top_k, law=law).to_dict())

    @server.tool(structured_output=True, annotations=read_only)
    def get_article(law: str, article: str) -> dict[str, Any]:
        """一条法条的原文、章节与时效性。law：全称或简称（民法典、个保法）；article：1038 或 第一千零三十八条。"""
        return _call(lambda: eng().article(law, article).to_dict())

    @server.tool(structured_output=True, annotations=read_only)
    def verify_citations(text: str, quotes: StrictBool = False, as_of: str | None = None) -> dict[str, Any]:
        """核验文本中的每一处法条引用：存在、现行有效、引文一致；已废止的给出替代条文。
        as_of：文本日期 YYYY-MM-DD（按当时的条号核对）。"""
        return _call(lambda: eng().verify(text, quotes=quotes, as_of=as_of).to_dict())

    @server.tool(structured_output=True, annotations=read_only)
    def route(question: str | None = None, scenario: str | None = None) -> dict[str, Any]:
        """个人信息问题的维权路径：读出案情要素（与 ask 相同），按紧急程度给出步骤及其渠道（投诉、举报、报案、起诉）与依据。
        scenario：具名场景（如 express、spam），代替问题。"""
        if not question and not scenario:
            return _error(InputError("请给出问题（question）或场景（scenario）"))
        return _call(lambda: eng().route(question, scenario).to_dict())

    @server.tool(structured_output=True, annotations=read_only)
    def severity(counts: dict[str, StrictInt] | None = None, gains: str | StrictInt | StrictFloat = "0",
                 insider: StrictBool = False, used_for_crime: StrictBool = False,
                 knowing: StrictBool = False, prior: str | None = None, grave_harm: StrictBool = False,
                 major_loss: StrictBool = False, business: StrictBool = False) -> dict[str, Any]:
        """侵犯公民个人信息罪的情节估算（两高解释第五条、第六条）。counts：类别→条数，如 {"行踪轨迹": 60}；
        gains：违法所得（元）；prior：criminal 或 admin。仅供参考，不是法律结论。"""
        return _call(lambda: eng().severity(counts or {}, gains, insider=insider,
                                            used_for_crime=used_for_crime, knowing=knowing,
                                            prior=prior, grave_harm=grave_harm,
                                            major_loss=major_loss, business=business).to_dict())

    @server.tool(structured_output=True, annotations=read_only)
    def draft(kind: str, fill: dict[str, str] | None = None, format: str = "markdown",
              question: str | None = None) -> dict[str, Any]:
        """生成文书：access 查阅复制 · correct 更正补充 · delete 删除 · explain 解释说明 · complaint 投诉举报信 ·
        police 报案材料。fill：字段→内容；question：按问题中的事实预先填写（fill 优先）；引用的条文从法规库原文插入。"""
        return _call(lambda: eng().draft(kind, fill or {}, format, question).to_dict())

    return server


# -- stdio --------------------------------------------------------------------------------------

def run_stdio(server: "MCPServer") -> None:
    """`falv mcp`: the server over stdin/stdout, every line checked first (service/jsonrpc.py):
    a line the SDK would drop without a word gets its JSON-RPC error instead."""
    anyio.run(_serve_stdio, server)


async def _serve_stdio(server: "MCPServer") -> None:
    from mcp.server.stdio import stdio_server

    wire_in, wire_out, restore = _claim_stdio()
    out = _Lines(wire_out)
    try:
        async with stdio_server(stdin=_CheckedLines(wire_in, out), stdout=out) as (read, write):
            low = server._lowlevel_server
            await low.run(read, write, low.create_initialization_options())
    finally:
        restore()


def _claim_stdio():
    """The wire on private descriptors, fd 0 on /dev/null and fd 1 on stderr meanwhile: a stray
    print of a library (or a child process) can neither read requests nor corrupt responses."""
    saved_in, saved_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdout.flush()
    os.dup2(2, 1)

    def restore() -> None:
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        os.close(saved_in)
        os.close(saved_out)

    return os.fdopen(os.dup(saved_in), "rb"), os.fdopen(os.dup(saved_out), "wb"), restore


class _Lines:
    """The output wire: one whole line per write, one writer at a time (the SDK's responses and
    this module's refusals share it)."""

    def __init__(self, fh):
        self.fh = fh
        self.lock = anyio.Lock()

    async def write(self, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        async with self.lock:
            await anyio.to_thread.run_sync(self._put, data)

    def _put(self, data: bytes) -> None:
        self.fh.write(data)
        self.fh.flush()

    async def flush(self) -> None:
        """Each write flushed already."""

    async def aclose(self) -> None:
        """The wire is closed with the process."""


class _CheckedLines:
    """The input wire as the lines the SDK may see: each read bounded (MAX_MCP_LINE_BYTES), each
    checked (jsonrpc.check_line); a refused line is answered here, on the same wire."""

    def __init__(self, fh, out: _Lines):
        self.fh, self.out = fh, out

    def __aiter__(self):
        return self

    async def __anext__(self) -> str:
        while True:
            raw = await anyio.to_thread.run_sync(self.fh.readline, MAX_MCP_LINE_BYTES + 1)
            if not raw:
                raise StopAsyncIteration
            if len(raw) > MAX_MCP_LINE_BYTES and not raw.endswith(b"\n"):
                rid = shape(raw.decode("utf-8", "replace")).top_id
                await anyio.to_thread.run_sync(self._skip_rest)
                await self._answer(error_response(rid, INVALID_REQUEST,
                                                  f"请求无效：消息过长（上限 {MAX_MCP_LINE_BYTES} 字节）"))
                continue
            checked = check_line(raw)
            if checked.ok:
                return raw.decode("utf-8")
            if checked.error is not None:
                await self._answer(checked.error)

    def _skip_rest(self) -> None:
        while True:
            chunk = self.fh.readline(1 << 16)
            if not chunk or chunk.endswith(b"\n"):
                return

    async def _answer(self, response: dict) -> None:
        await self.out.write(json.dumps(response, ensure_ascii=False) + "\n")
