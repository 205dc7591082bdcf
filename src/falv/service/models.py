"""Request and response models of the HTTP API: the documented, stable JSON field names.

Responses allow extra fields, so a library function may add one without breaking clients; the
fields listed here are the ones clients can rely on.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt,
                      model_validator)
from pydantic_core import PydanticCustomError

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


_REASONS = {
    "missing": "缺少此字段", "string_type": "必须是文本", "int_type": "必须是整数",
    "int_parsing": "必须是整数", "bool_type": "必须是 true 或 false", "bool_parsing": "必须是 true 或 false",
    "dict_type": "必须是 JSON 对象", "model_attributes_type": "请求体必须是 JSON 对象",
    "list_type": "必须是列表", "json_invalid": "请求体不是有效的 JSON", "extra_forbidden": "不认识的字段",
    "string_unicode": "不是有效的 Unicode 文本", "literal_error": "取值不在允许范围内",
    "string_pattern_mismatch": "格式不对",
}


def _reason(err: dict) -> str:
    """A Chinese reason for the first validation error (the English one stays in `reasons`)."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "string_too_long":
        return f"过长（上限 {ctx.get('max_length')} 字）"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"过短（至少 {ctx.get('min_length')} 字）"
    if kind in ("greater_than_equal", "less_than_equal", "too_short", "too_long"):
        bounds = "，".join(f"{k} {v}" for k, v in ctx.items() if k in ("ge", "le", "min_length", "max_length"))
        return f"超出允许范围（{bounds}）"
    return _REASONS.get(kind, err.get("msg", "无效"))


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
    return f"请求无效：{where + '：' if where else ''}{_reason(first)}", reasons


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


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
    quotes: StrictBool = Field(False, description="同时核对引文（法律依据行、引号中的条文）")
    as_of: Annotated[str | None, AfterValidator(_real_date)] = Field(
        None, pattern=r"^(19|20)\d{2}-\d{2}-\d{2}$", description="文本日期 YYYY-MM-DD（按当时的条号核对）")


class RouteIn(_In):
    question: str | None = Field(None, min_length=1, max_length=MAX_QUESTION_CHARS)
    scenario: str | None = Field(None, min_length=1, max_length=MAX_SCENARIO_CHARS,
                                 description="场景 id（GET /scenarios）")


class SeverityIn(_In):
    counts: dict[Annotated[str, Field(max_length=20)], Count] = Field(
        default_factory=dict, max_length=20, description="类别 → 条数，如 {\"行踪轨迹\": 60}")
    gains: Annotated[str, Field(max_length=MAX_AMOUNT_CHARS)] | StrictInt | StrictFloat = Field(
        "0", description="违法所得（元）")
    insider: StrictBool = False
    used_for_crime: StrictBool = False
    knowing: StrictBool = False
    prior: Literal["criminal", "admin"] | None = None
    grave_harm: StrictBool = False
    major_loss: StrictBool = False
    business: StrictBool = False


class DraftIn(_In):
    question: str | None = Field(None, min_length=1, max_length=MAX_QUESTION_CHARS,
                                 description="问题：按其中的事实预先填写文书（fill 中的值优先）")
    fill: dict[str, str] = Field(default_factory=dict, description="字段 → 内容，如 {\"姓名\": \"张三\"}")
    format: Literal["markdown", "text"] = "markdown"


class UploadFile_(_In):
    name: Annotated[str, AfterValidator(_file_name)] = Field(
        ..., min_length=1, max_length=MAX_NAME_CHARS, description="文件名（*.md、*.jsonl、*.txt）")
    content: str = Field(..., description="UTF-8 文本")


class ImportIn(_In):
    files: list[UploadFile_] = Field(..., min_length=1, max_length=MAX_FILES)
    dry_run: StrictBool = False


class IngestIn(_In):
    files: list[UploadFile_] = Field(..., min_length=1, max_length=MAX_FILES)


# -- responses ----------------------------------------------------------------------------------

class ErrorOut(_Out):
    error: str = Field(..., description="机器可读的错误代码，如 invalid_input、not_found、unauthorized")
    message: str = Field(..., description="给用户看的中文说明")
    location: str | None = None
    hint: str | None = None
    reasons: list[dict[str, Any]] | None = Field(None, description="校验失败的字段与原因（422）")


class NewestLawOut(_Out):
    title: str
    date: str


class BaseDataOut(_Out):
    package: str
    version: str | None = None
    file: str
    newest: str | None = Field(None, description="基础法规库中最新的现行文本日期")
    installed: str = Field(..., description="基础法规库文件的日期（安装日期）")


class AppliedAmendmentOut(_Out):
    law: str
    amendment: str
    published: str | None = None
    effective: str | None = None
    articles: int = Field(..., description="该修正改动的条文数")


class DataOut(_Out):
    """How current the stored law is."""

    newest_law: NewestLawOut | None = Field(None, description="最新的现行文本（标题与版本日期）")
    base: BaseDataOut
    amendments: list[AppliedAmendmentOut] = Field(
        ..., description="falv 适用于所存文本的修正案/修改决定（如刑法修正案（十二））")
    imported: int
    last_import: str | None = None
    built_on: str = Field(..., description="数据库构建日期：基础法规库安装或最近一次导入，取较晚者")


class HealthOut(_Out):
    status: str
    laws: int
    imported: int
    data: DataOut


class AmendedByOut(_Out):
    amendment: str
    item: str = Field(..., description="修正案中的条目，如 第一条")
    change: Literal["修改", "增加", "删去"]
    published: str | None = None
    effective: str | None = None


class ArticleOut(_Out):
    law: str
    law_id: str
    article: str
    chapter: str | None = None
    section: str | None = None
    text: str
    status: str
    doc_type: str | None = None
    version: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    source: str | None = None
    amended_by: list[AmendedByOut] = Field(
        default_factory=list, description="falv 适用的、改动了本条的修正（经刑法修正案（十二）第一条修改）")
    current: bool


class CheckedCitationOut(_Out):
    law: str | None
    article: str | None
    span: list[int] = Field(..., description="[start, end) 字符位置")
    verdict: str = Field(..., description="ok · partial_quote · mismatch · not_found · repealed · "
                                          "superseded_version · unverifiable")
    replacement: str | None = None
    detail: str | None = None
    raw: str | None = None


class VerifyOut(_Out):
    citations: list[CheckedCitationOut]
    count: int
    passed: bool = Field(..., description="每条引用都通过核验")


class SearchHitOut(_Out):
    law: str
    article: str
    text: str
    status: str
    score: float
    law_id: str | None = None
    chapter: str | None = None
    reasons: list[str] = Field(default_factory=list)
    direct: bool = Field(False, description="问题中明确引用的条文（直接查得，排在最前；score 为 0）")
    via: str = Field("search", description="列出的原因：question（问题中引用）· crime（问题所称罪名的刑法条文）"
                     " · rule（符合问题情形的规则所依据）· kb（相同问题的知识库条目所引）· search（检索排名）；"
                     "crime/rule/kb 的来源见 reasons")
    group: str | None = Field(None, description="法律（排名）或其他类别")
    amended_by: list[AmendedByOut] = Field(default_factory=list,
                                           description="falv 适用的、改动了本条的修正")


class SearchGroupOut(_Out):
    kind: str = Field(..., description="司法解释 · 行政法规 · 部门规章 …")
    hits: list[SearchHitOut]


class SearchOut(_Out):
    query: str
    hits: list[SearchHitOut] = Field(..., description="法律的排名（问题中明确引用的条文在最前）")
    groups: list[SearchGroupOut] = Field(default_factory=list,
                                         description="其他类别的匹配，分组列出，不计入排名")


class CitedArticleOut(_Out):
    law: str
    article: str


class AnalysisPointOut(_Out):
    text: str
    source: str = Field(..., description="kb（知识库问答）或 rule（工具箱规则）")
    citations: list[CitedArticleOut] = Field(default_factory=list)
    provenance: list[dict[str, Any]] = Field(default_factory=list)
    channels: list[dict[str, Any]] = Field(default_factory=list, description="维权渠道卡片")


class BasisArticleOut(_Out):
    law: str
    article: str
    text: str = Field(..., description="法规库原文（逐字）")
    status: str
    verdict: str = Field(..., description="ok · partial_quote · repealed · superseded_version · "
                                          "unverifiable · not_found · mismatch")
    detail: str | None = None
    replacement: str | None = None
    origin: str | None = Field(None, description="analysis（分析引用）或 search（检索）")
    score: float | None = None
    chapter: str | None = None


class NoteOut(_Out):
    kind: str = Field(..., description="outdated · verification · scope")
    text: str
    term: str | None = None
    replacement: str | None = None


class AnswerOut(_Out):
    """docs/answer-schema.md"""

    schema_version: int
    question: str
    grounded: bool
    analysis: list[AnalysisPointOut] = Field(default_factory=list)
    basis: list[BasisArticleOut] = Field(default_factory=list)
    notes: list[NoteOut] = Field(default_factory=list)
    related: list[BasisArticleOut] = Field(default_factory=list)
    kb_entries: list[dict[str, Any]] = Field(default_factory=list)
    timings: dict[str, Any] = Field(default_factory=dict)
    frame: dict[str, Any] = Field(default_factory=dict, description="案情要素（谁、什么信息、做了什么、想要什么）")
    missing: list[dict[str, Any]] = Field(default_factory=list, description="还需要确认的事实")
    missing_instruments: list[dict[str, Any]] = Field(default_factory=list, description="未收录的依据")
    severity: dict[str, Any] | None = Field(None, description="两高解释第五条情节估算（仅供参考）")
    letters: list[dict[str, Any]] = Field(default_factory=list, description="按问题事实填好的文书")


class RouteOut(_Out):
    question: str | None = None
    scenario: str | None = Field(None, description="指定的场景（具名案情要素）")
    frame: dict[str, Any] = Field(..., description="案情要素（谁、什么信息、做了什么、想要什么）")
    channels: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    notes: list[str]


class SeverityOut(_Out):
    level: str
    label: str
    rules: list[dict[str, Any]]
    steps: list[Any]
    articles: list[dict[str, Any]]
    notes: list[str]


class DraftOut(_Out):
    kind: str
    title: str
    format: str
    text: str
