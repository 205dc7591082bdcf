"""Request models of the HTTP API, and its error body.

The response models are the façade's result models (falv.results): the API returns exactly
their JSON, and /openapi.json documents them; nothing here restates a result's fields. The
requests' defaults are the façade's (falv.defaults.DEFAULTS), as the CLI's and the MCP tools' are.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt,
                      model_validator)
from pydantic_core import PydanticCustomError

from ..defaults import DEFAULTS
from ..errors import validation_reason
from ..limits import (MAX_AMOUNT_CHARS, MAX_COUNT, MAX_FILES, MAX_NAME_CHARS, MAX_QUESTION_CHARS,
                      MAX_SCENARIO_CHARS, MAX_TEXT_CHARS)

_NOT_TEXT = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _real_date(value: str | None) -> str | None:
    """YYYY-MM-DD that names a calendar day (the pattern alone lets 2020-13-45 through)."""
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_invalid", "不存在的日期：{value}", {"value": value}) from None
    return value


def _file_name(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("name_control", "文件名含有控制字符（如 NUL）")
    return value


def _no_surrogates(value):
    """A lone surrogate (JSON "\\ud800") anywhere in a request is refused: it cannot be
    encoded as UTF-8, so writing or logging it would fail later."""
    if isinstance(value, str):
        if _NOT_TEXT.search(value):
            raise PydanticCustomError("string_unicode", "不是有效的 Unicode 文本（孤立代理项）")
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_surrogates(k)
            _no_surrogates(v)
    elif isinstance(value, list):
        for v in value:
            _no_surrogates(v)
    return value


Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]


def validation_message(errors: list[dict]) -> tuple[str, list[dict]]:
    """(message, reasons) of a pydantic validation failure: one wording for the HTTP API's 422
    and the MCP tools' error results."""
    reasons = [{"loc": [str(x) for x in e.get("loc", ())], "msg": e.get("msg", ""),
                "type": e.get("type", "")} for e in errors]
    first = errors[0] if errors else {}
    loc = list(first.get("loc", ()))
    if loc and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    where = "" if first.get("type") == "json_invalid" else ".".join(map(str, loc))
    return f"请求无效：{where + '：' if where else ''}{validation_reason(first)}", reasons


class _In(BaseModel):
    """Requests: unknown fields refused, booleans and counts strict (no "yes" for true, no true for
    1), no lone surrogates in any text."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _text_only(cls, data):
        return _no_surrogates(data)


# -- requests -----------------------------------------------------------------------------------

class AskIn(_In):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS,
                          description="用中文描述的问题", examples=["快递信息泄露了怎么办"])


class VerifyIn(_In):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT_CHARS, description="含法条引用的文本",
                      examples=["依据《侵权责任法》第三十六条，网络服务提供者应当承担连带责任。"])
    quotes: StrictBool = Field(DEFAULTS["verify"]["quotes"], description="同时核对引文（法律依据行、引号中的条文）；false 只核对条文是否存在、有效")
    as_of: Annotated[str | None, AfterValidator(_real_date)] = Field(
        DEFAULTS["verify"]["as_of"], pattern=r"^(19|20)\d{2}-\d{2}-\d{2}$", description="文本日期 YYYY-MM-DD（按当时的条号核对）")


class RouteIn(_In):
    question: str | None = Field(None, min_length=1, max_length=MAX_QUESTION_CHARS)
    scenario: str | None = Field(None, min_length=1, max_length=MAX_SCENARIO_CHARS,
                                 description="场景 id（GET /scenarios）")


class SeverityIn(_In):
    counts: dict[Annotated[str, Field(max_length=20)], Count] = Field(
        default_factory=dict, max_length=20, description="类别 → 条数，如 {\"行踪轨迹\": 60}")
    gains: Annotated[str, Field(max_length=MAX_AMOUNT_CHARS)] | StrictInt | StrictFloat = Field(
        DEFAULTS["severity"]["gains"], description="违法所得（元）")
    insider: StrictBool = DEFAULTS["severity"]["insider"]
    used_for_crime: StrictBool = DEFAULTS["severity"]["used_for_crime"]
    knowing: StrictBool = DEFAULTS["severity"]["knowing"]
    prior: Literal["criminal", "admin"] | None = DEFAULTS["severity"]["prior"]
    grave_harm: StrictBool = DEFAULTS["severity"]["grave_harm"]
    major_loss: StrictBool = DEFAULTS["severity"]["major_loss"]
    business: StrictBool = DEFAULTS["severity"]["business"]


class DraftIn(_In):
    question: str | None = Field(None, min_length=1, max_length=MAX_QUESTION_CHARS,
                                 description="问题：按其中的事实预先填写文书（fill 中的值优先）")
    fill: dict[str, str] = Field(default_factory=dict, description="字段 → 内容，如 {\"姓名\": \"张三\"}")
    format: Literal["markdown", "text"] = DEFAULTS["draft"]["fmt"]


class UploadFile_(_In):
    name: Annotated[str, AfterValidator(_file_name)] = Field(
        ..., min_length=1, max_length=MAX_NAME_CHARS, description="文件名（*.md、*.jsonl、*.txt）")
    content: str = Field(..., description="UTF-8 文本")


class ImportIn(_In):
    files: list[UploadFile_] = Field(..., min_length=1, max_length=MAX_FILES)
    dry_run: StrictBool = False


class IngestIn(_In):
    files: list[UploadFile_] = Field(..., min_length=1, max_length=MAX_FILES)


# -- errors -------------------------------------------------------------------------------------

class ErrorOut(BaseModel):
    """The JSON body of every error response (a FalvError's to_dict(), or the API's own)."""

    model_config = ConfigDict(extra="forbid")

    error: str = Field(..., description="机器可读的错误代码，如 invalid_input、not_found、unauthorized")
    message: str = Field(..., description="给用户看的中文说明")
    location: str | None = Field(None, description="出错的位置（文件:行），如有")
    hint: str | None = Field(None, description="怎样改正，如有")
    reasons: list[dict[str, Any]] | None = Field(None, description="校验失败的字段与原因（422）")
