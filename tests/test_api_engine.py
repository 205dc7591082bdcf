"""The façade itself: wiring only, one store per engine, 501 for a library part that is absent."""

from __future__ import annotations

import pytest

from falv.engine import Engine, NotImplementedFeature, _require, lookup_article
from falv.errors import InputError, NotFoundError


def test_missing_library_part_is_501():
    with pytest.raises(NotImplementedFeature) as info:
        _require("falv.no_such_module", "fn")
    assert info.value.http_status == 501 and info.value.to_dict()["error"] == "not_implemented"
    with pytest.raises(NotImplementedFeature):
        _require("falv.engine", "no_such_function")


def test_engine_calls_the_library(store):
    from falv.law.verify import verify_text

    engine = Engine(store)
    assert all(engine.features().values()), engine.features()
    text = "《侵权责任法》第三十六条"
    assert engine.verify(text) == [c.to_dict() for c in verify_text(store, text)]
    assert engine.article("个保法", "47")["text"] == lookup_article(store, "个人信息保护法", "第四十七条").text
    with pytest.raises(NotFoundError):
        engine.article("个人信息保护法实施条例", "1")  # never a substring match
    for bad in ("", "   ", "问" * 2001, None, "a\x00b"):
        with pytest.raises(InputError):
            engine.ask(bad)
    with pytest.raises(InputError):
        engine.verify("")
