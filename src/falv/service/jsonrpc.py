"""What comes in over a line of JSON (MCP over stdio) or a JSON body (HTTP), checked before a
parser or the MCP SDK sees it.

Why: the SDK's stdio transport dropped any line it could not validate — a lone surrogate, a
5,000-digit integer (int() refuses more than 4,300 digits), `params` that is not an object,
100,000-deep nesting (RecursionError), a line that is not JSON — with no response at all, so a
client waited forever for its answer (issue 22). Here every line gets either a pass or the
JSON-RPC error to send back: -32700 parse error, -32600 invalid request, -32602 invalid params,
with the request's id whenever it can be read (also from a line that does not parse: a linear
scan finds the top-level "id"). The same scan gives the HTTP API its 422 for numbers and nesting
that the JSON parser would refuse in English.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..limits import MAX_JSON_DEPTH, MAX_JSON_NUMBER_CHARS

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602
# strings (an escape never ends one), structure, numbers, literals: one linear pass
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]|-?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|true|false|null')
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Shape:
    depth: int  # deepest nesting of [ and {
    longest_number: int  # characters of the longest number literal
    top_id: object = None  # the top-level "id" as far as it can be read (None: absent or unreadable)


def shape(text: str) -> Shape:
    """Nesting depth, longest number and top-level id of a JSON text, valid or not, in one pass
    that never recurses (a 100,000-deep text costs what its length does)."""
    depth = best = longest = 0
    top_id = None
    top_object = want_key = id_key = False
    for i, m in enumerate(_TOKEN.finditer(text)):
        tok = m.group()
        c = tok[0]
        if c in "[{":
            depth += 1
            best = max(best, depth)
            top_object = top_object or (i == 0 and c == "{")
            want_key = depth == 1 and top_object
            id_key = False
        elif c in "]}":
            depth -= 1
            want_key = id_key = False
        elif c == ",":
            want_key = depth == 1 and top_object
        elif c != ":":  # a string, number or literal
            if c in "-0123456789":
                longest = max(longest, len(tok))
            if depth == 1 and want_key and c == '"':
                id_key, want_key = tok == '"id"', False
                continue
            if depth == 1 and id_key and top_id is None:
                top_id = _id_value(tok)
            id_key = False
    return Shape(best, longest, top_id)


def _id_value(tok: str):
    """A JSON-RPC id token (a short number or string) as a value, else None."""
    if tok[0] == '"' and len(tok) <= 202:
        try:
            value = json.loads(tok)
        except ValueError:
            return None
        return None if _SURROGATE.search(value) else value
    if tok[0] in "-0123456789" and len(tok) <= MAX_JSON_NUMBER_CHARS and re.fullmatch(r"-?[0-9]+", tok):
        return int(tok)
    return None


def shape_problem(text: str) -> str | None:
    """Why a JSON text must be refused before it is parsed (too deep, a number too long), else
    None; in Chinese, for the HTTP API's 422 and the JSON-RPC error message."""
    s = shape(text)
    if s.depth > MAX_JSON_DEPTH:
        return f"JSON 嵌套过深（超过 {MAX_JSON_DEPTH} 层）"
    if s.longest_number > MAX_JSON_NUMBER_CHARS:
        return f"JSON 中的数字过长（{s.longest_number} 个字符，上限 {MAX_JSON_NUMBER_CHARS}）"
    return None


@dataclass(frozen=True)
class Checked:
    """A line's fate: `error` is the JSON-RPC error response to send (None: pass the line on);
    a notification that fails gets no response (JSON-RPC), only `error` None and ok False."""

    ok: bool
    error: dict | None = None


def error_response(rid, code: int, message: str) -> dict:
    return {"jsonrpc": "2.0", "id": rid,
            "error": {"code": code, "message": message, "data": {"error": "invalid_input", "message": message}}}


def check_line(raw: bytes) -> Checked:
    """A line from the client: pass it on, or the error response that answers it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        rid = shape(raw.decode("utf-8", "replace")).top_id
        return Checked(False, error_response(rid, PARSE_ERROR, f"请求不是有效的 UTF-8 文本（第 {exc.start} 字节）"))
    if not text.strip():
        return Checked(False)  # blank lines between messages are nothing
    s = shape(text)
    problem = shape_problem(text)
    if problem:
        return Checked(False, error_response(s.top_id, INVALID_REQUEST, f"请求无效：{problem}"))
    try:
        msg = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f"（第 {exc.pos + 1} 个字符）" if isinstance(exc, json.JSONDecodeError) else ""
        return Checked(False, error_response(s.top_id, PARSE_ERROR, f"请求不是有效的 JSON{where}"))
    return _check_message(msg)


def _check_message(msg) -> Checked:
    """A parsed message: a request or notification of JSON-RPC 2.0 with a method and object
    params, or a response to one of the server's requests."""
    if not isinstance(msg, dict):
        if isinstance(msg, list):  # batches are not part of MCP 2025-06-18
            return Checked(False, error_response(None, INVALID_REQUEST, "请求无效：不支持批量请求（JSON 数组）"))
        return Checked(False, error_response(None, INVALID_REQUEST, "请求无效：请求必须是 JSON 对象"))
    rid = msg.get("id")
    has_id = "id" in msg
    if has_id and not _valid_id(rid):
        return Checked(False, error_response(None, INVALID_REQUEST, "请求无效：id 必须是整数或文本"))
    answer = rid if has_id else None

    def fail(code: int, message: str) -> Checked:
        # a notification (no id) is never answered, whatever is wrong with it
        return Checked(False, error_response(answer, code, message) if has_id else None)

    if msg.get("jsonrpc") != "2.0":
        return fail(INVALID_REQUEST, "请求无效：jsonrpc 必须是 \"2.0\"")
    if "method" not in msg:
        if has_id and ("result" in msg or "error" in msg):
            return Checked(True)  # a response to a request of the server's (ping, sampling)
        return fail(INVALID_REQUEST, "请求无效：缺少 method")
    method = msg["method"]
    if not isinstance(method, str) or _SURROGATE.search(method):
        return fail(INVALID_REQUEST, "请求无效：method 必须是文本")
    if "params" in msg and not isinstance(msg["params"], dict):
        return fail(INVALID_PARAMS, "参数无效：params 必须是 JSON 对象")
    if _has_surrogate(msg.get("params")):
        return fail(INVALID_PARAMS, "参数无效：不是有效的 Unicode 文本（孤立代理项）")
    return Checked(True)


def _valid_id(rid) -> bool:
    if isinstance(rid, bool):
        return False
    if isinstance(rid, int):
        return True
    return isinstance(rid, str) and not _SURROGATE.search(rid)


def _has_surrogate(value) -> bool:
    """Any lone surrogate in keys or strings (depth already bounded by shape_problem)."""
    if isinstance(value, str):
        return bool(_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False
