"""`falv eval` on a tiny JSONL set over the small fixture store."""

from __future__ import annotations

import json

import pytest

from falv import cli, evaluate
from falv.commands import common
from falv.errors import InputError

ITEMS = [
    {"id": "a", "question": "个人信息保护法第四十七条规定了什么",
     "gold_citations": [{"law": "中华人民共和国个人信息保护法", "article": "第四十七条"}]},
    {"id": "b", "question": "骚扰电话不停怎么办", "gold_citations_reliable": True,
     "gold_citations": [{"law": "民法典", "article": "第1033条"},
                        {"law": "中华人民共和国不存在法", "article": "第一条"}]},
    {"id": "c", "question": "随便问问", "gold_citations_reliable": False,
     "gold_citations": [{"law": "中华人民共和国民法典", "article": "第一条"}]},
]


@pytest.fixture
def eval_file(tmp_path):
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in ITEMS) + "\n", encoding="utf-8")
    return path


def test_gold_is_normalised_and_unreliable_items_skipped(small_store, eval_file):
    items, skipped = evaluate.read_items(small_store, eval_file)
    assert skipped == 1 and [i.id for i in items] == ["a", "b"]
    assert items[1].gold == [("中华人民共和国民法典", "第一千零三十三条")]
    assert items[1].unresolved == [{"law": "中华人民共和国不存在法", "article": "第一条"}]


def test_reading_metrics_are_exactly_reading_keys():
    assert tuple(evaluate.summarize_reading([])) == evaluate.READING_KEYS


def test_metrics(small_store, eval_file):
    metrics, results, notes = evaluate.run(small_store, eval_file, with_answers=False)
    assert tuple(metrics) == evaluate.KEYS
    assert metrics["n"] == 2
    assert results[0].rr() == 1.0  # the direct citation is ranked first
    # item b: one of its two gold articles is not in the store, so its recall is at most 0.5
    assert results[1].recall(10) <= 0.5
    assert 0.0 <= metrics["recall@5"] <= metrics["recall@10"] <= 0.75
    assert metrics["basis_precision"] is None and metrics["basis_recall"] is None
    assert notes["unresolved_gold"] == 1 and notes["skipped_unreliable"] == 1


def _falv_eval(*args) -> int:
    """`falv eval ARGS` in this process (exit code); the CLI's process store is dropped before and
    after, so that it sees this test's FALV_HOME."""
    common.store.cache_clear()
    try:
        with pytest.raises(SystemExit) as exc:
            cli.main(["eval", *args])
    finally:
        common.store.cache_clear()
    return exc.value.code


def test_cli_json_prints_exactly_the_keys(small_store, eval_file, capsys):
    assert _falv_eval(str(eval_file), "--json", "--no-answers") == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == set(evaluate.KEYS) and out["n"] == 2


def test_missing_file_is_an_input_error(small_store, tmp_path):
    with pytest.raises(InputError, match="nope.jsonl: 文件不存在"):
        evaluate.read_items(small_store, tmp_path / "nope.jsonl")


def test_broken_line_names_its_location(small_store, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "x", "gold_citations": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match="第 2 行"):
        evaluate.read_items(small_store, path)


def test_research_set_spelling_is_read_too(small_store, tmp_path):
    path = tmp_path / "research.jsonl"
    path.write_text(json.dumps({"qid": "q1", "query": "骚扰电话", "gold": [
        {"law": "中华人民共和国民法典", "article_no": "第一千零三十三条", "id": 1}]}, ensure_ascii=False),
        encoding="utf-8")
    items, _ = evaluate.read_items(small_store, path)
    assert items[0].id == "q1" and items[0].gold == [("中华人民共和国民法典", "第一千零三十三条")]


def test_basis_metrics_skip_unanswered_items_for_precision():
    gold = [("中华人民共和国民法典", "第一千零三十三条")]
    answered = evaluate.ItemResult(evaluate.Item("a", "q", gold), [], 1.0,
                                   basis=gold + [("中华人民共和国民法典", "第一千零三十二条")])
    unanswered = evaluate.ItemResult(evaluate.Item("b", "q", gold), [], 2.0, basis=[])
    m = evaluate.summarize([answered, unanswered], with_basis=True)
    assert m["basis_precision"] == 0.5  # only the answered item counts
    assert m["basis_recall"] == 0.5  # 1 of 1 and 0 of 1


def test_recall_at_100_is_the_candidate_ceiling(small_store, eval_file):
    metrics, results, _ = evaluate.run(small_store, eval_file, with_answers=False)
    assert metrics["recall@10"] <= metrics["recall@100"] <= 0.75
    assert all(len(r.ranked) <= evaluate.DEPTH for r in results)
    # recall@100 counts a gold article ranked anywhere in the fetched top 100
    gold = [("中华人民共和国民法典", "第一千零三十三条")]
    far = evaluate.ItemResult(evaluate.Item("x", "q", gold), [("l", str(i)) for i in range(50)] + gold, 1.0)
    assert far.recall(10) == 0.0 and far.recall(100) == 1.0 and far.rank(gold[0]) == 51


def test_verbose_shows_where_each_missed_gold_article_ranks(small_store, tmp_path, capsys):
    path = tmp_path / "miss.jsonl"
    # gold that the question's words do not reach (ranked below 10 or not in the top 100)
    path.write_text(json.dumps({"id": "m", "question": "骚扰电话不停怎么办", "gold_citations": [
        {"law": "中华人民共和国民法典", "article": "第一条"},
        {"law": "中华人民共和国不存在法", "article": "第一条"}]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    assert _falv_eval(str(path), "--verbose", "--no-answers") == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "未命中：《中华人民共和国民法典》第一条" in x)
    assert "不在前 100 名" in line or ("第 " in line and " 名" in line)
    assert "库中没有：《中华人民共和国不存在法》第一条" in out
    assert "recall@100\t" in out
    assert "未评测回答的法律依据" in out and "不可用" not in out  # asked not to, not broken


def test_gold_quoted_under_another_number_is_scored_as_the_article_quoted(small_store, tmp_path, capsys):
    """A source citing an older numbering quotes the text: the gold is the article whose text it
    quotes (the check `falv verify` makes), not the unrelated article that now has the number."""
    text = small_store.get_article("中华人民共和国民法典", "第一千零三十三条").text.replace("\n", "")
    reference = f"回答：可以要求停止侵害。法律依据：《民法典》第一千零三十二条{text}律师解答：保留证据。"
    path = tmp_path / "renumbered.jsonl"
    rows = [{"id": "r", "question": "骚扰电话不停怎么办", "reference_answer": reference,
             "gold_citations": [{"law": "中华人民共和国民法典", "article": "第一千零三十二条"}]},
            # a reference quoting its gold faithfully changes nothing
            {"id": "s", "question": "骚扰电话不停怎么办",
             "reference_answer": reference.replace("第一千零三十二条", "第一千零三十三条"),
             "gold_citations": [{"law": "中华人民共和国民法典", "article": "第一千零三十三条"}]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    items, _ = evaluate.read_items(small_store, path)
    assert items[0].gold == [("中华人民共和国民法典", "第一千零三十三条")]
    assert items[0].requoted == [("第一千零三十二条", "第一千零三十三条")]
    assert items[1].gold == [("中华人民共和国民法典", "第一千零三十三条")] and items[1].requoted == []
    assert _falv_eval(str(path), "--verbose", "--no-answers") == 0
    out = capsys.readouterr().out
    assert "标准条号第一千零三十二条按参考答案引文改为第一千零三十三条" in out
    assert "按参考答案引文改正条号 1 条" in out
