"""`falv search` as a user runs it (in-process CLI over the small fixture store)."""

from __future__ import annotations

import json

import pytest

from falv import cli
from falv.commands import common


@pytest.fixture
def run_cli(small_store, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        common.store.cache_clear()
        try:
            with pytest.raises(SystemExit) as exc:
                cli.main(list(args))
        finally:
            common.store.cache_clear()
        out = capsys.readouterr()
        return exc.value.code, out.out, out.err

    return run


def test_search_json(run_cli):
    code, out, _ = run_cli("search", "个保法第四十七条", "--top", "3", "--json")
    result = json.loads(out)
    hits = result["hits"]
    assert code == 0 and result["query"] == "个保法第四十七条" and 1 <= len(hits) <= 3
    assert {"law", "article", "text", "status", "score"} <= set(hits[0])


def test_search_text_output(run_cli):
    code, out, _ = run_cli("search", "隐私权", "--law", "民法典", "--top", "2")
    assert code == 0 and out.startswith("1. 《中华人民共和国民法典》")


def test_search_bad_input_exits_2(run_cli):
    code, _, err = run_cli("search", "   ")
    assert code == 2 and "问题为空" in err
    code, _, err = run_cli("search", "隐私", "--law", "不存在的法")
    assert code == 2 and "找不到法律" in err
