"""The façade itself: one store per engine, typed results, one context per store revision."""

from __future__ import annotations

import pytest

from falv import db
from falv.engine import ArticleResult, Engine, SearchResult, VerifyResult, lookup_article
from falv.errors import InputError, NotFoundError
from falv.law.verify import verify_text


def test_engine_calls_the_library(store):
    engine = Engine(store)
    text = "《侵权责任法》第三十六条"
    result = engine.verify(text)
    assert isinstance(result, VerifyResult)
    assert result.to_dict()["citations"] == [c.to_dict() for c in verify_text(store, text)]
    assert result.to_dict()["count"] == 1 and result.passed is False  # repealed: never passes
    art = engine.article("个保法", "47")
    assert isinstance(art, ArticleResult) and art.current
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
