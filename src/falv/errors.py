"""One error hierarchy: every user-facing failure is a FalvError with a message a user can act on.

The CLI maps FalvError to exit code 2; the HTTP API maps it to a 4xx JSON body.
"""

from __future__ import annotations


class FalvError(Exception):
    """Base class of every error falv reports to a user."""

    code = "falv_error"
    http_status = 400

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None):
        self.message = message
        self.location = location  # e.g. "file.md:12"
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"（{self.hint}）"
        return text

    def to_dict(self) -> dict:
        return {"error": self.code, "message": self.message, "location": self.location, "hint": self.hint}


class InputError(FalvError):
    """The user's input (question, text, arguments) is unusable."""

    code = "invalid_input"
    http_status = 422


class NotFoundError(FalvError):
    """A law, article or entry that was asked for does not exist."""

    code = "not_found"
    http_status = 404


class ImportRejected(FalvError):
    """A file given to an importer is malformed; nothing of it was written."""

    code = "import_rejected"
    http_status = 422


class StoreError(FalvError):
    """The store cannot be opened or written (locked, newer schema, corrupt)."""

    code = "store_error"
    http_status = 503


# Chinese reasons of pydantic's validation errors, by error type: the HTTP API's 422, the MCP
# tools' error results and the CLI's usage errors (typer converts values with pydantic) say the
# same thing.
_REASONS = {
    "missing": "缺少此字段", "string_type": "必须是文本", "int_type": "必须是整数",
    "int_parsing": "必须是整数", "int_from_float": "必须是整数", "float_type": "必须是数字",
    "float_parsing": "必须是数字", "bool_type": "必须是 true 或 false", "bool_parsing": "必须是 true 或 false",
    "dict_type": "必须是 JSON 对象", "model_attributes_type": "请求体必须是 JSON 对象",
    "list_type": "必须是列表", "json_invalid": "请求体不是有效的 JSON", "extra_forbidden": "不认识的字段",
    "string_unicode": "不是有效的 Unicode 文本", "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内", "string_pattern_mismatch": "格式不对",
}


_BOUNDS = {"ge": "不小于", "le": "不大于", "gt": "大于", "lt": "小于", "min_length": "至少", "max_length": "至多"}


def validation_reason(err: dict) -> str:
    """A Chinese reason for one pydantic validation error (its `type` and `ctx`)."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "string_too_long":
        return f"过长（上限 {ctx.get('max_length')} 字）"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"过短（至少 {ctx.get('min_length')} 字）"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than", "too_short", "too_long"):
        bounds = "，".join(f"{_BOUNDS[k]} {v}" for k, v in ctx.items() if k in _BOUNDS)
        return f"超出允许范围（{bounds}）"
    if kind in ("literal_error", "enum") and ctx.get("expected"):
        choices = ctx["expected"].replace(" or ", ", ").replace("'", "").split(", ")
        return f"{_REASONS[kind]}（可选：{'、'.join(choices)}）"
    return _REASONS.get(kind, err.get("msg", "无效"))
