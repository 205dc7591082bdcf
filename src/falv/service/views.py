"""The HTTP endpoints, as module-level views on one APIRouter (create_app in api.py includes it).

Each view is an adapter: it takes the parsed request, calls one method of the façade (the engine
the `served_engine` dependency gives: the one create_app was handed, else the process's) and
returns that result's JSON, encoded by `_json`. The quick views are plain functions (FastAPI runs
them in the request threads, one at a time: api.py's lifespan); verify of a long text and the
imports run in a pool of their own (`_slow`).
"""

from __future__ import annotations

import re
from pathlib import Path

import anyio
from fastapi import APIRouter, Depends, Path as PathParam, Query, Request
from fastapi.responses import FileResponse, Response

from .. import results as r
from ..defaults import DEFAULTS
from ..engine import Engine, get_engine
from ..law.models import VerdictKind
from ..law.verdicts import label
from ..limits import (MAX_ARTICLE_CHARS, MAX_NAME_CHARS, MAX_QUESTION_CHARS, MAX_TOP, SLOW_TEXT_CHARS,
                      SLOW_THREADS)
from . import models as m
from .guard import require_admin

WEB = Path(__file__).parent / "web"

_ERRORS = {"model": m.ErrorOut}
ERROR_RESPONSES = {400: _ERRORS, 404: _ERRORS, 413: _ERRORS, 422: _ERRORS, 503: _ERRORS}
ADMIN_RESPONSES = {**ERROR_RESPONSES, 401: _ERRORS, 403: _ERRORS}

router = APIRouter()


def engine_of(app) -> Engine:
    """The engine an app serves: the one create_app was handed, else the process's (get_engine,
    created on first use)."""
    engine = app.state.engine
    return engine if engine is not None else get_engine()


async def served_engine(request: Request) -> Engine:
    """The dependency that gives a view its engine. Async: FastAPI runs it on the event loop, not
    in a request thread (the process's engine is made at start-up by `falv serve`)."""
    return engine_of(request.app)


Eng = Depends(served_engine)

# -- reading ----------------------------------------------------------------------------------


@router.get("/health", response_model=r.HealthResult, tags=["meta"])
def health(eng: Engine = Eng):
    """服务状态：法规数、导入数、法规数据的日期。"""
    return _json(eng.health())


@router.post("/ask", response_model=r.Answer, responses=ERROR_RESPONSES, tags=["answer"])
def ask(body: m.AskIn, eng: Engine = Eng):
    """回答问题：【法律分析】步骤、【法律依据】原文及核验结论、维权渠道（见 docs/answer-schema.md）。"""
    return _json(eng.ask(body.question))


@router.get("/search", response_model=r.SearchResult, responses=ERROR_RESPONSES, tags=["statutes"])
def search(q: str = Query(..., min_length=1, max_length=MAX_QUESTION_CHARS, description="问题或关键词"),
           top: int = Query(DEFAULTS["search"]["top"], ge=1, le=MAX_TOP, description="返回的条数（法律的排名）"),
           law: str | None = Query(DEFAULTS["search"]["law"], max_length=MAX_NAME_CHARS,
                                   description="只在这部法律中检索（全称或简称，如 民法典），只按相关度排序"),
           eng: Engine = Eng):
    """检索现行有效的法条（与 falv search 相同）。"""
    return _json(eng.search(q, top=top, law=law))


@router.get("/articles/{law}/{article}", response_model=r.Article, responses=ERROR_RESPONSES,
            tags=["statutes"])
def article(law: str = PathParam(..., max_length=MAX_NAME_CHARS, description="法规全称或简称，如 民法典、个保法"),
            article: str = PathParam(..., max_length=MAX_ARTICLE_CHARS, description="条号：1038、第一千零三十八条、第二百五十三条之一"),
            eng: Engine = Eng):
    """一条法条的原文、章节、时效性（法条联想）。"""
    return _json(eng.article(law, article))


@router.post("/verify", response_model=r.VerifyResult, responses=ERROR_RESPONSES, tags=["statutes"])
async def verify(body: m.VerifyIn, eng: Engine = Eng):
    """核验文本中每一处法条引用：存在、有效、引文一致；已废止的给出替代条文。"""
    work = lambda: _json(eng.verify(body.text, quotes=body.quotes, as_of=body.as_of))  # noqa: E731
    if len(body.text) > SLOW_TEXT_CHARS:  # seconds of work: apart, not in the quick queue
        return await _slow(work)
    return await anyio.to_thread.run_sync(work)  # in turn with the other quick requests


@router.post("/route", response_model=r.RouteResult, responses=ERROR_RESPONSES, tags=["toolkit"])
def route(body: m.RouteIn, eng: Engine = Eng):
    """维权路径：案情要素（与 /ask 相同）、步骤（按紧急程度）及其渠道与依据。"""
    return _json(eng.route(body.question, body.scenario))


@router.get("/verdicts", tags=["statutes"])
def verdicts() -> dict[str, str]:
    """每种核验结论在页面上的标签（law/data/verdicts.toml，与命令行、回答相同）。"""
    return _verdict_labels()


@router.get("/scenarios", response_model=r.ScenarioList, tags=["toolkit"])
def scenarios(eng: Engine = Eng):
    """可用于 /route 的具名场景（预设的案情要素）及其渠道。"""
    return _json(eng.scenarios())


@router.post("/severity", response_model=r.SeverityResult, responses=ERROR_RESPONSES, tags=["toolkit"])
def severity(body: m.SeverityIn, eng: Engine = Eng):
    """侵犯公民个人信息罪的情节估算（两高解释第五条、第六条）；仅供参考。"""
    flags = body.model_dump(exclude={"counts", "gains"})
    return _json(eng.severity(body.counts, str(body.gains), **flags))


@router.get("/drafts", response_model=r.DraftKindList, tags=["toolkit"])
def draft_kinds(eng: Engine = Eng):
    """文书类型及其字段。"""
    return _json(eng.draft_kinds())


@router.post("/drafts/{kind}", response_model=r.DraftResult, responses=ERROR_RESPONSES, tags=["toolkit"])
def draft(body: m.DraftIn, kind: str = PathParam(..., max_length=40, description="文书类型（GET /drafts）"),
          eng: Engine = Eng):
    """生成权利请求书、投诉举报信、报案材料、仲裁申请书等；引用的条文取自法规库原文。"""
    return _json(eng.draft(kind, body.fill, body.format, body.question))


# -- writing (FALV_ADMIN_TOKEN) ------------------------------------------------------------------

@router.post("/statutes/import", response_model=r.ImportResult, responses=ADMIN_RESPONSES, tags=["admin"],
             dependencies=[Depends(require_admin)])
async def statutes_import(body: m.ImportIn, eng: Engine = Eng):
    """导入法规文件（整批一个事务）。需要 Authorization: Bearer FALV_ADMIN_TOKEN。"""
    return await _slow(lambda: _json(eng.import_statutes([(f.name, f.content) for f in body.files],
                                                         dry_run=body.dry_run)))


@router.post("/kb/ingest", response_model=r.IngestResult, responses=ADMIN_RESPONSES, tags=["admin"],
             dependencies=[Depends(require_admin)])
async def kb_ingest(body: m.IngestIn, eng: Engine = Eng):
    """导入问答文档到知识库。需要 Authorization: Bearer FALV_ADMIN_TOKEN。"""
    return await _slow(lambda: _json(eng.kb_ingest([(f.name, f.content) for f in body.files])))


# -- the web page --------------------------------------------------------------------------------

@router.get("/", include_in_schema=False)
def index():
    return FileResponse(WEB / "index.html", headers=_PAGE_HEADERS)


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
