"""Request and response models of the HTTP API: the documented, stable JSON field names.

Responses allow extra fields, so a library function may add one without breaking clients; the
fields listed here are the ones clients can rely on.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..engine import MAX_FILES, MAX_QUESTION_CHARS, MAX_TEXT_CHARS


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests -----------------------------------------------------------------------------------

class AskIn(_In):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS,
                          description="用中文描述的问题", examples=["快递信息泄露了怎么办"])


class VerifyIn(_In):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT_CHARS, description="含法条引用的文本",
                      examples=["依据《侵权责任法》第三十六条，网络服务提供者应当承担连带责任。"])
    quotes: bool = Field(False, description="同时核对引文（法律依据行、引号中的条文）")
    as_of: str | None = Field(None, pattern=r"^(19|20)\d{2}-\d{2}-\d{2}$",
                              description="文本日期 YYYY-MM-DD（按当时的条号核对）")


class RouteIn(_In):
    question: str | None = Field(None, min_length=1, max_length=MAX_QUESTION_CHARS)
    scenario: str | None = Field(None, min_length=1, max_length=64, description="场景 id（GET /scenarios）")


class SeverityIn(_In):
    counts: dict[str, int] = Field(default_factory=dict, description="类别 → 条数，如 {\"行踪轨迹\": 60}")
    gains: str | float | int = Field("0", description="违法所得（元）")
    insider: bool = False
    used_for_crime: bool = False
    knowing: bool = False
    prior: Literal["criminal", "admin"] | None = None
    grave_harm: bool = False
    major_loss: bool = False
    business: bool = False


class DraftIn(_In):
    fill: dict[str, str] = Field(default_factory=dict, description="字段 → 内容，如 {\"姓名\": \"张三\"}")
    format: Literal["markdown", "text"] = "markdown"


class UploadFile_(_In):
    name: str = Field(..., min_length=1, max_length=200, description="文件名（*.md、*.jsonl、*.txt）")
    content: str = Field(..., description="UTF-8 文本")


class ImportIn(_In):
    files: list[UploadFile_] = Field(..., min_length=1, max_length=MAX_FILES)
    dry_run: bool = False


class IngestIn(_In):
    files: list[UploadFile_] = Field(..., min_length=1, max_length=MAX_FILES)


# -- responses ----------------------------------------------------------------------------------

class ErrorOut(_Out):
    error: str = Field(..., description="机器可读的错误代码，如 invalid_input、not_found、unauthorized")
    message: str = Field(..., description="给用户看的中文说明")
    location: str | None = None
    hint: str | None = None
    reasons: list[dict[str, Any]] | None = Field(None, description="校验失败的字段与原因（422）")


class HealthOut(_Out):
    status: str
    laws: int
    imported: int
    features: dict[str, bool]


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


class SearchOut(_Out):
    query: str
    hits: list[SearchHitOut]


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
    scenarios: list[dict[str, Any]] = Field(default_factory=list)
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
    scenarios: list[dict[str, Any]]
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
