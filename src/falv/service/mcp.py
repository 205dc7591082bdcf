"""The MCP server (official SDK, mcp 2.x MCPServer): falv's engine as tools for AI assistants.

Each tool is an adapter: it calls the same façade method (falv.engine.Engine) as the HTTP API and
the CLI, with the same defaults; its structured content is that result's JSON — the JSON of
`falv X --json` — its text block the same JSON, compact, and its output schema the result
model's (falv.results).
The SDK (a heavy package) is imported when a server is built, not when this module is.
Bad input comes back as an MCP error result whose text and structured content are the FalvError's
JSON ({"error", "message", "hint"}), so the assistant can read what to fix.
"""


import json
import os
import sqlite3
import sys
from typing import TYPE_CHECKING, Annotated, Any, Callable, Literal

import anyio
from pydantic import Field, StrictBool, StrictFloat, StrictInt, ValidationError

from .. import __version__
from .. import results as r
from ..db import as_store_error
from ..answer.choices import choices, covered_kinds, draft_titles
from ..defaults import DEFAULTS
from ..engine import Engine, get_engine
from ..errors import FalvError, InputError
from ..limits import MAX_MCP_LINE_BYTES, MAX_QUESTION_CHARS, MAX_TOP
from .jsonrpc import INVALID_REQUEST, check_line, error_response, shape
from .models import validation_message

# The façade's defaults (falv.defaults.DEFAULTS, read from its signatures), never restated here.
SEARCH, VERIFY, DRAFT, SEVERITY = (DEFAULTS[m] for m in ("search", "verify", "draft", "severity"))


def instructions() -> str:
    """What the server tells an assistant up front: what falv covers, which tool does what."""
    return (
        "falv：离线中文法律咨询引擎。法条原文均取自法规库，每条引用都经过核验（现行有效 / 已废止→替代条文）。"
        f"有自己规则的问题类型：{'、'.join(covered_kinds())}；其他问题只给如实的兜底回答（通常的求助途径和检索到的相关法条）。"
        "回答法律问题用 ask；找法条用 search_statutes；看原文用 get_article；核验一段文字中的法条引用（含引文）用 "
        "verify_citations；维权渠道与步骤用 route；侵犯公民个人信息罪的情节估算用 severity；"
        "生成权利请求书、投诉信、报案材料、仲裁申请书等用 draft。结论仅供参考，不构成法律意见。"
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


def _ok(result):
    """A result as the tool's answer: its JSON as structured content, and the same JSON, compact,
    as the text block (the SDK would indent it)."""
    from mcp_types import CallToolResult, TextContent  # the MCP SDK: heavy, optional at import

    return CallToolResult(content=[TextContent(type="text", text=result.model_dump_json())],
                          structured_content=result.to_dict())


def _enum(values) -> Any:
    """A closed set of the façade's (falv.answer.choices) as a type: a JSON Schema `enum`."""
    return Literal[tuple(values)]


# 95 lines: seven tool declarations (signature, descriptions, one call each) whose parameter types
# (enums of the data files' closed sets) and engine are made per server; apart, each tool's
# signature would sit away from the description and types it is published with.
def build_server(engine: Callable[[], Engine] | None = None) -> "MCPServer":
    """engine: a callable returning the Engine (default: the process's engine, loaded lazily).

    Each tool's parameters carry their descriptions and, for closed sets, their allowed values;
    its output schema is the result model's (falv.results); its defaults are the façade's (the
    same as the CLI's and the HTTP API's: tests/test_adapters.py)."""
    from mcp_types import ToolAnnotations  # the MCP SDK: heavy, optional at import

    eng = engine or get_engine
    sets = choices()
    DraftKind, DraftFormat = _enum(sets["draft_kind"]), _enum(sets["draft_format"])
    ScenarioId, Category, Prior = _enum(sets["scenario"]), _enum(sets["severity_category"]), _enum(sets["prior"])
    kinds = "、".join(f"{k}（{t}）" for k, t in draft_titles().items())
    covered = "、".join(covered_kinds())
    server = _server_class()("falv", instructions=instructions(), version=__version__)
    # Every tool only reads the local store: no writes, no network.
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False, idempotent_hint=True)

    def tool(description: str):
        return server.tool(description=description, structured_output=True, annotations=read_only)

    Question = Annotated[str, Field(description="用中文描述的问题，如“快递员把我的手机号卖了怎么办”（不超过 "
                                                f"{MAX_QUESTION_CHARS} 字）")]

    @tool(f"回答一个中文法律问题：问题类型、法律分析步骤、法律依据（法规库原文 + 核验结论）、维权渠道、还需要确认的事实、"
          f"可直接使用的文书。有自己规则的问题类型：{covered}。其他问题（或事实不足以判断时）给出如实的兜底回答"
          "（floor 为 true）：这类问题通常的求助途径和检索到的相关法条，不作没有依据的分析。结论仅供参考，不构成法律意见。")
    def ask(question: Question) -> r.Answer:
        return _call(lambda: _ok(eng().ask(question)))

    @tool("检索法规库中现行有效的法条（宪法、法律及导入的司法解释、行政法规、部门规章）：问题中引用的条文在前，"
          "其次是问题所称罪名的刑法条文（via 为 crime）、符合问题情形的规则和相同问题的知识库条目所依据的条文（via 为 rule / kb），"
          "其余按相关度；司法解释等其他类别另列分组（groups）。")
    def search_statutes(
        query: Annotated[str, Field(description="问题或关键词，如“骚扰电话不停怎么办”")],
        top_k: Annotated[StrictInt, Field(ge=1, le=MAX_TOP, description="返回的条数（法律的排名）")] = SEARCH["top"],
        law: Annotated[str | None, Field(description="只在这部法律中检索（全称或简称，如 民法典），只按相关度排序")] = SEARCH["law"],
    ) -> r.SearchResult:
        return _call(lambda: _ok(eng().search(query, top=top_k, law=law)))

    @tool("一条法条的原文、章节、时效性与日期（现行版本；经修正案修改的注明修改它的修正案）。")
    def get_article(
        law: Annotated[str, Field(description="法规全称或简称，如 民法典、个保法、两高解释")],
        article: Annotated[str, Field(description="条号：1038、第一千零三十八条、第二百五十三条之一；无条文编号的法规为 全文")],
    ) -> r.Article:
        return _call(lambda: _ok(eng().article(law, article)))

    @tool("核验一段文字中的每一处法条引用：条文存在、现行有效、引文与原文一致；已废止或已改号的给出替代条文。"
          "用来检查自己写的回答所引的法条。passed 为 true 表示每一处都通过。")
    def verify_citations(
        text: Annotated[str, Field(description="含法条引用的文本，如“依据《民法典》第一千零三十八条……”")],
        quotes: Annotated[StrictBool, Field(description="同时核对引文（引号中、法律依据行中的条文原文）；false 只核对条文是否存在、有效")] = VERIFY["quotes"],
        as_of: Annotated[str | None, Field(pattern=r"^(19|20)\d{2}-\d{2}-\d{2}$",
                                           description="文本的日期 YYYY-MM-DD：早于修改施行日的条号按当时的版本核对")] = VERIFY["as_of"],
    ) -> r.VerifyResult:
        return _call(lambda: _ok(eng().verify(text, quotes=quotes, as_of=as_of)))

    @tool(f"维权路径：读出问题的案情（与 ask 同一套分析），按紧急程度给出步骤及其渠道（投诉、举报、报案、仲裁、起诉）与依据。"
          f"有自己规则的问题类型：{covered}；其他问题给出通常的求助途径。给 question 或 scenario 之一。")
    def route(
        question: Annotated[str | None, Field(description="用中文描述的问题")] = None,
        scenario: Annotated[ScenarioId | None, Field(description="具名场景（预设的案情），代替问题")] = None,
    ) -> r.RouteResult:
        if not question and not scenario:
            return _error(InputError("请给出问题（question）或场景（scenario）"))
        return _call(lambda: _ok(eng().route(question, scenario)))

    @tool("侵犯公民个人信息罪的情节估算（两高解释第五条、第六条）：按信息类别与条数、违法所得和情节给出是否达到"
          "“情节严重”“情节特别严重”，列出适用的条款与计算过程。仅供参考，不是法律结论。")
    def severity(
        counts: Annotated[dict[Category, StrictInt] | None, Field(description="信息类别 → 条数，如 {\"行踪轨迹\": 60}")] = None,
        gains: Annotated[str | StrictInt | StrictFloat, Field(description="违法所得（元）；business 为 true 时为获利")] = SEVERITY["gains"],
        insider: Annotated[StrictBool, Field(description="信息是在履行职责或提供服务过程中获得的")] = SEVERITY["insider"],
        used_for_crime: Annotated[StrictBool, Field(description="出售或提供的行踪轨迹信息被他人用于犯罪")] = SEVERITY["used_for_crime"],
        knowing: Annotated[StrictBool, Field(description="知道或应当知道对方利用信息实施犯罪")] = SEVERITY["knowing"],
        prior: Annotated[Prior | None, Field(description="前科：criminal（曾受刑事处罚）· admin（二年内受过行政处罚）")] = SEVERITY["prior"],
        grave_harm: Annotated[StrictBool, Field(description="造成被害人死亡、重伤、精神失常或被绑架等严重后果")] = SEVERITY["grave_harm"],
        major_loss: Annotated[StrictBool, Field(description="造成重大经济损失或恶劣社会影响")] = SEVERITY["major_loss"],
        business: Annotated[StrictBool, Field(description="为合法经营活动而非法购买、收受（两高解释第六条）")] = SEVERITY["business"],
    ) -> r.SeverityResult:
        return _call(lambda: _ok(eng().severity(counts or {}, gains, insider=insider,
                                                used_for_crime=used_for_crime, knowing=knowing,
                                                prior=prior, grave_harm=grave_harm,
                                                major_loss=major_loss, business=business)))

    @tool(f"生成文书，引用的条文从法规库原文插入，未填的字段显示为【字段】：{kinds}。")
    def draft(
        kind: Annotated[DraftKind, Field(description="文书类型")],
        fill: Annotated[dict[str, str] | None, Field(description="字段 → 内容，如 {\"姓名\": \"张三\"}（可填字段见各文书的 fields）")] = None,
        format: Annotated[DraftFormat, Field(description="markdown 或 text（纯文本）")] = DRAFT["fmt"],
        question: Annotated[str | None, Field(description="问题：按其中的事实预先填写文书（fill 中的值优先）")] = None,
    ) -> r.DraftResult:
        return _call(lambda: _ok(eng().draft(kind, fill or {}, format, question)))

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
