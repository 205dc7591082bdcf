"""The façade itself: one store per engine, typed results (falv.results), one context per store
revision."""

from __future__ import annotations

import io

import pytest

from conftest import SEED
from falv import db
from falv.answer.routing import route
from falv.domain.drafts import render_draft
from falv.domain.personal_info.severity import severity
from falv.engine import Engine
from falv.law.resolve import lookup_article
from falv.results import (Article, DraftResult, KbEntryList, ReverifyResult, RouteResult, SearchResult,
                          SeverityResult, StatutesResult, VerifyResult)
from falv.errors import ImportRejected, InputError, NotFoundError
from falv.law.verify import verify_text


def test_engine_calls_the_library(store):
    engine = Engine(store)
    text = "《侵权责任法》第三十六条"
    result = engine.verify(text)
    assert isinstance(result, VerifyResult)
    assert result.to_dict()["citations"] == [c.to_dict() for c in verify_text(store, text, quotes=True)]
    assert result.to_dict()["count"] == 1 and result.passed is False  # repealed: never passes
    art = engine.article("个保法", "47")
    assert isinstance(art, Article) and art.current
    assert art.to_dict()["text"] == lookup_article(store, "个人信息保护法", "第四十七条").text
    with pytest.raises(NotFoundError):
        engine.article("个人信息保护法实施条例", "1")  # never a substring match
    for bad in ("", "   ", "问" * 2001, None, "a\x00b"):
        with pytest.raises(InputError):
            engine.ask(bad)
    with pytest.raises(InputError):
        engine.verify("")


def test_one_context_per_revision(store):
    """Reads share one context (one searcher, one KB matcher); a write moves the revision on and
    the next call starts a new one."""
    engine = Engine(store)
    found = engine.search("个人信息 泄露", top=3)
    assert isinstance(found, SearchResult) and found.to_dict()["query"] == "个人信息 泄露"
    ctx = engine.context()
    assert engine.context() is ctx and ctx.searcher is engine.context().searcher
    engine.ask("快递信息泄露了怎么办")
    assert engine.context().composer.searcher is ctx.searcher
    with db.write_transaction(store.own):  # store is this test's own (fresh FALV_HOME)
        db.bump_revision(store.own)
    assert engine.context() is not ctx and engine.context().revision != ctx.revision
    if engine._refresher is not None:  # the rebuild it started ends before the store is closed
        engine._refresher.join()


def test_toolkit_results_are_typed_and_serialise_as_the_domain_json(store):
    engine = Engine(store)
    question = "快递信息泄露了怎么办"
    routed = engine.route(question)
    assert isinstance(routed, RouteResult) and routed.frame.actor
    assert routed.to_dict() == route(question, None, store)
    assert list(routed.to_dict()) == list(route(question, None, store))  # same key order
    assessed = engine.severity({"行踪轨迹": 60}, "3000", insider=True)
    assert isinstance(assessed, SeverityResult)
    assert assessed.to_dict() == severity({"行踪轨迹": 60}, "3000", store, insider=True)
    drafted = engine.draft("access", {"姓名": "张三"})
    assert isinstance(drafted, DraftResult) and "张三" in drafted.text
    assert drafted.to_dict() == render_draft("access", {"姓名": "张三"}, store)


def test_kb_and_statutes_go_through_the_facade(store):
    """kb list/show/export/reverify/import and statutes list: typed results from one engine."""
    engine = Engine(store)
    assert engine.kb_entries().to_dict() == []
    engine.ingest_files([SEED])
    listed = engine.kb_entries()
    assert isinstance(listed, KbEntryList)
    assert [(e.id, e.answers) for e in listed] == [("1", 3), ("2", 1), ("3", 1)]
    assert all(0 <= e.verified <= e.basis for e in listed)
    assert engine.kb_entry("2").question == "快递信息泄露了怎么办"
    with pytest.raises(NotFoundError):
        engine.kb_entry("99")
    out = io.StringIO()
    lines = engine.kb_export(out)
    assert lines == len(out.getvalue().splitlines()) > 3
    checked = engine.kb_reverify(dry_run=True)
    assert isinstance(checked, ReverifyResult) and checked.dry_run and checked.checked > 0
    assert checked.changed == []  # the store has not changed since the ingest
    with pytest.raises(ImportRejected):
        engine.kb_import(out.getvalue(), "kb.jsonl")  # only into an empty knowledge base
    laws = engine.statutes()
    assert isinstance(laws, StatutesResult) and laws.laws
    assert all(row.articles == len(store.articles(row.law_id)) for row in laws.laws)
    rows = laws.to_dict()["laws"]
    quoted = [r for r in rows if r["source"] == "quoted"]  # texts the seed quotes
    assert quoted and rows[:len(quoted)] == quoted  # listed first, marked as quoted
    assert engine.statutes(imported=True).to_dict()["laws"] == []  # a quoted text is not an imported statute
    assert {r["doc_type"] for r in engine.statutes(doc_type="法律").to_dict()["laws"]} == {"法律"}
    assert laws.to_dict()["data"]["newest_law"]["date"]  # how current the law is, with the list
    with pytest.raises(InputError):
        engine.statutes(doc_type="类" * 201)
