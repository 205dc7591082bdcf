"""The 两高解释 第五条/第六条 calculator: a table covering every clause, the boundaries, insider
halving, proportional aggregation and ×10; the thresholds checked against the stored text; the
`falv severity` command and its input errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from falv.domain.basis import clause_text, find_article, parse_clause
from falv.domain.personal_info.severity import (ESPECIALLY, NONE, SERIOUS, assess, categories,
                                                facts_from_text,
                                                parse_count, parse_counts, severity, table)
from falv.errors import InputError

C1 = "第五条第一款"
C2 = "第五条第二款"

# (counts, gains, flags, level, fired clauses)
CASES = [
    ({}, 0, {}, NONE, []),
    # 第三项: 50 条 (行踪轨迹 通信内容 征信 财产, counted together)
    ({"行踪轨迹": 49}, 0, {}, NONE, []),
    ({"行踪轨迹": 50}, 0, {}, SERIOUS, [C1 + "第三项"]),
    ({"通信内容": 50}, 0, {}, SERIOUS, [C1 + "第三项"]),
    ({"征信": 25, "财产": 25}, 0, {}, SERIOUS, [C1 + "第三项"]),
    ({"征信": 24, "财产": 25}, 0, {}, NONE, []),
    # 第四项: 500 条
    ({"住宿": 499}, 0, {}, NONE, []),
    ({"住宿": 500}, 0, {}, SERIOUS, [C1 + "第四项"]),
    ({"通信记录": 300, "健康生理": 100, "交易": 100}, 0, {}, SERIOUS, [C1 + "第四项"]),
    # 第五项: 5000 条
    ({"其他": 4999}, 0, {}, NONE, []),
    ({"其他": 5000}, 0, {}, SERIOUS, [C1 + "第五项"]),
    # 第六项: 按相应比例合计
    ({"行踪轨迹": 30, "其他": 2000}, 0, {}, SERIOUS, [C1 + "第六项"]),  # 0.6 + 0.4 = 1
    ({"行踪轨迹": 30, "其他": 1999}, 0, {}, NONE, []),  # 0.9998
    ({"行踪轨迹": 25, "住宿": 250}, 0, {}, SERIOUS, [C1 + "第六项"]),
    ({"行踪轨迹": 10, "住宿": 100, "其他": 3000}, 0, {}, SERIOUS, [C1 + "第六项"]),  # .2+.2+.6
    ({"行踪轨迹": 60, "其他": 1200}, 3000, {}, SERIOUS, [C1 + "第三项"]),
    # 第七项: 违法所得 5000 元
    ({}, 4999, {}, NONE, []),
    ({}, "4999.99", {}, NONE, []),
    ({}, 5000, {}, SERIOUS, [C1 + "第七项"]),
    # 第八项: 履职或提供服务中获得 → 一半
    ({"行踪轨迹": 25}, 0, {"insider": True}, SERIOUS, [C1 + "第八项"]),
    ({"行踪轨迹": 24}, 0, {"insider": True}, NONE, []),
    ({"住宿": 250}, 0, {"insider": True}, SERIOUS, [C1 + "第八项"]),
    ({"住宿": 249}, 0, {"insider": True}, NONE, []),
    ({"其他": 2500}, 0, {"insider": True}, SERIOUS, [C1 + "第八项"]),
    ({"其他": 2499}, 0, {"insider": True}, NONE, []),
    ({}, 2500, {"insider": True}, SERIOUS, [C1 + "第八项"]),
    ({}, 2499, {"insider": True}, NONE, []),
    ({"行踪轨迹": 15, "其他": 1000}, 0, {"insider": True}, SERIOUS, [C1 + "第八项"]),  # .6 + .4
    # 第一项, 第二项, 第九项
    ({"行踪轨迹": 1}, 0, {"used_for_crime": True}, SERIOUS, [C1 + "第一项"]),
    ({"其他": 10}, 0, {"used_for_crime": True}, NONE, []),  # 第一项 is about 行踪轨迹 only
    ({"其他": 10}, 0, {"knowing": True}, SERIOUS, [C1 + "第二项"]),
    ({"其他": 1}, 0, {"prior": "criminal"}, SERIOUS, [C1 + "第九项"]),
    ({"其他": 1}, 0, {"prior": "admin"}, SERIOUS, [C1 + "第九项"]),
    # 第二款: 情节特别严重
    ({"其他": 1}, 0, {"grave_harm": True}, ESPECIALLY, [C2 + "第一项"]),
    ({"其他": 1}, 0, {"major_loss": True}, ESPECIALLY, [C2 + "第二项"]),
    ({"行踪轨迹": 499}, 0, {}, SERIOUS, [C1 + "第三项"]),
    ({"行踪轨迹": 500}, 0, {}, ESPECIALLY, [C1 + "第三项", C2 + "第三项"]),
    ({"住宿": 4999}, 0, {}, SERIOUS, [C1 + "第四项"]),
    ({"住宿": 5000}, 0, {}, ESPECIALLY, [C1 + "第四项", C2 + "第三项"]),
    ({"其他": 49999}, 0, {}, SERIOUS, [C1 + "第五项"]),
    ({"其他": 50000}, 0, {}, ESPECIALLY, [C1 + "第五项", C2 + "第三项"]),
    ({}, 49999, {}, SERIOUS, [C1 + "第七项"]),
    ({}, 50000, {}, ESPECIALLY, [C1 + "第七项", C2 + "第三项"]),
    ({"行踪轨迹": 249}, 0, {"insider": True}, SERIOUS, [C1 + "第八项"]),
    ({"行踪轨迹": 250}, 0, {"insider": True}, ESPECIALLY, [C1 + "第八项", C2 + "第三项"]),
    ({"行踪轨迹": 300, "其他": 20000}, 0, {}, ESPECIALLY,  # 6 + 4 = 10 by aggregation
     [C1 + "第三项", C1 + "第五项", C2 + "第三项"]),
    ({"行踪轨迹": 300, "其他": 19999}, 0, {}, SERIOUS, [C1 + "第三项", C1 + "第五项"]),
    # 第六条: 为合法经营活动非法购买、收受 (其他 only)
    ({"其他": 100000}, 49999, {"business": True}, NONE, []),
    ({"其他": 100000}, 50000, {"business": True}, SERIOUS, ["第六条第一款第一项"]),
    ({"其他": 10}, 0, {"business": True, "prior": "admin"}, SERIOUS, ["第六条第一款第二项"]),
    ({"行踪轨迹": 60}, 0, {"business": True}, SERIOUS, [C1 + "第三项"]),  # 第六条 does not apply
]


@pytest.mark.parametrize("counts,gains,flags,level,clauses", CASES)
def test_severity_table(counts, gains, flags, level, clauses):
    a = assess(counts, gains, **flags)
    assert a.level == level
    assert [r.clause for r in a.rules] == clauses


def test_table_covers_every_clause_of_article_5():
    fired = {c for *_, clauses in CASES for c in clauses}
    for n in "一二三四五六七八九":
        assert f"{C1}第{n}项" in fired
    for n in "一二三":
        assert f"{C2}第{n}项" in fired
    # 第十项 and 第二款第四项 are catch-alls a calculator cannot decide: always named in the notes.
    notes = " ".join(assess({"其他": 1}).notes)
    assert f"{C1}第十项" in notes and f"{C2}第四项" in notes


def test_aggregation_is_shown_step_by_step():
    a = assess({"行踪轨迹": 30, "住宿": 100, "其他": 2000})
    assert a.steps[0].startswith("行踪轨迹、通信内容、征信、财产：30 条 ÷ 50 条") and "= 0.6" in a.steps[0]
    assert "= 0.2" in a.steps[1] and "= 0.4" in a.steps[2]
    assert a.steps[3] == "比例合计：0.6 + 0.2 + 0.4 = 1.2，达到 1（第六项按相应比例合计达到数量标准）"
    assert a.aggregation["sum"] == "1.2" and a.aggregation["reached"]
    assert [t["count"] for t in a.aggregation["terms"]] == [30, 100, 2000]


def test_insider_steps_use_half_thresholds():
    a = assess({"行踪轨迹": 15, "其他": 1000}, insider=True)
    assert "15 条 ÷ 25 条" in a.steps[0] and "1000 条 ÷ 2500 条" in a.steps[1]
    assert "一半" in a.rules[0].detail


def test_used_for_crime_without_location_data_explains_why():
    a = assess({"其他": 10}, used_for_crime=True)
    assert any(f"{C1}第一项" in n and f"{C1}第二项" in n for n in a.notes)


@pytest.mark.parametrize("counts,gains,flags", [
    ({"行踪轨迹": -1}, 0, {}),
    ({"车辆": 1}, 0, {}),
    ({"行踪轨迹": "六十"}, 0, {}),
    ({"行踪轨迹": 1.5}, 0, {}),
    ({"行踪轨迹": True}, 0, {}),
    ({}, -1, {}),
    ({}, "abc", {}),
    ({}, float("nan"), {}),
    ({}, float("inf"), {}),
    ({}, 0, {"prior": "yesterday"}),
])
def test_invalid_input_is_an_input_error(counts, gains, flags):
    with pytest.raises(InputError):
        assess(counts, gains, **flags)


@pytest.mark.parametrize("spec", ["行踪轨迹", "=5", "行踪轨迹=", "行踪轨迹=abc", "行踪轨迹=-3", "车辆=1",
                                  "行踪轨迹=1e3"])
def test_parse_count_rejects(spec):
    with pytest.raises(InputError):
        parse_count(spec)


def test_parse_counts_accepts_fullwidth_and_sums_repeats():
    assert parse_counts(["行踪轨迹＝６０", " 其他 = 5 ", "其他=7"]) == {"行踪轨迹": 60, "其他": 12}


LEVEL_ORDER = {NONE: 0, SERIOUS: 1, ESPECIALLY: 2}


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(categories()), st.integers(0, 60000), max_size=4),
       st.integers(0, 80000), st.sampled_from(categories()), st.integers(0, 5000),
       st.booleans())
def test_more_data_never_lowers_the_level(counts, gains, cat, more, insider):
    base = assess(counts, gains, insider=insider)
    bigger = dict(counts)
    bigger[cat] = bigger.get(cat, 0) + more
    assert LEVEL_ORDER[assess(bigger, gains + more, insider=insider).level] >= LEVEL_ORDER[base.level]
    assert LEVEL_ORDER[assess(counts, gains, insider=True).level] >= \
        LEVEL_ORDER[assess(counts, gains).level]


# -- against the stored interpretation --------------------------------------------------------

def _rule_clauses() -> list[str]:
    t = table()
    out = [tier["clause"] for tier in t["tier"]]
    for key in ("used_for_crime", "knowing", "aggregate", "gains", "insider", "prior", "other_serious",
                "grave_harm", "major_loss", "tenfold", "other_especially"):
        out.append(t[key]["clause"])
    b = t["business"]
    return out + [b["profit_clause"], b["prior_clause"], b["resale_clause"]]


def test_every_clause_in_thresholds_exists_in_the_stored_interpretation(imported_store):
    law = table()["source"]["law"]
    for clause in _rule_clauses():
        basis = parse_clause(law, clause)
        art = find_article(imported_store, basis)
        assert art is not None, clause
        assert clause_text(art.text, basis.paragraph, basis.item), clause


def test_thresholds_match_the_stored_text(imported_store):
    """The numbers in thresholds.toml are read against the statute: each clause must contain its
    anchor words (五十条, 五百条, 五千条, 五千元, 一半, 十倍, 五万元)."""
    t = table()
    law = t["source"]["law"]
    checks = [(tier["clause"], tier["anchors"]) for tier in t["tier"]]
    checks += [(t["gains"]["clause"], t["gains"]["anchors"]),
               (t["insider"]["clause"], t["insider"]["anchors"]),
               (t["tenfold"]["clause"], t["tenfold"]["anchors"]),
               (t["business"]["profit_clause"], t["business"]["anchors"])]
    for clause, anchors in checks:
        basis = parse_clause(law, clause)
        text = clause_text(find_article(imported_store, basis).text, basis.paragraph, basis.item)
        for word in anchors:
            assert word in text, (clause, word)


def test_article_6_is_about_purchases_for_lawful_business(imported_store):
    """第六条 read from the store: its first paragraph concerns buying/receiving information other
    than 第五条第一款第三项、第四项, its second sends resale back to 第五条 — as severity.py models."""
    law = table()["source"]["law"]
    art = find_article(imported_store, parse_clause(law, "第六条"))
    head = clause_text(art.text, 1, None)
    assert "合法经营" in head and "第五条第一款第三项、第四项" in head
    assert "第五条" in clause_text(art.text, 2, None)
    assert table()["business"]["categories"] == ["其他"]


def test_severity_json_quotes_articles_and_clauses(imported_store):
    result = severity({"行踪轨迹": 60, "其他": 1200}, 3000, imported_store)
    assert result["level"] == SERIOUS and result["interpretation_imported"]
    first = result["articles"][0]
    assert first["article"] == "第五条" and first["text"] == find_article(
        imported_store, parse_clause(table()["source"]["law"], "第五条")).text
    assert first["verdict"] == "ok"
    assert result["articles"][-1]["article"] == "第二百五十三条之一"
    rule = result["rules"][0]
    assert rule["clause"] == C1 + "第三项" and rule["text"].startswith("（三）")
    assert result["steps"][-1] == "比例合计：1.2 + 0.24 = 1.44，达到 1（第六项按相应比例合计达到数量标准）"


def test_severity_without_the_interpretation_still_computes(store):
    result = severity({"行踪轨迹": 60}, 0, store)
    assert result["level"] == SERIOUS
    assert result["articles"][0]["status"] == "未导入" and result["articles"][0]["text"] is None
    assert not result["interpretation_imported"] and "未导入" in result["notes"][0]
    assert result["articles"][-1]["text"]  # 刑法 is in the base database
    assert result["rules"][0]["text"] is None


# -- CLI ----------------------------------------------------------------------------------------

from conftest import run_cli as run  # noqa: E402


def test_cli_severity_json(capsys, imported_store):
    code, out, _ = run(capsys, "severity", "--count", "行踪轨迹=60", "--count", "其他=1200",
                       "--gains", "3000", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["level"] == "serious" and {"rules", "steps", "articles"} <= set(data)


def test_cli_severity_text(capsys, imported_store):
    code, out, _ = run(capsys, "severity", "--count", "行踪轨迹=25", "--insider", "--prior", "admin")
    assert code == 0
    assert "情节严重" in out and "第五条第一款第八项" in out and "第五条第一款第九项" in out
    assert "原文：（八）" in out


@pytest.mark.parametrize("argv", [
    ["--count", "行踪轨迹=-5"], ["--count", "车辆=3"], ["--count", "其他"], ["--count", "其他=abc"],
    ["--gains", "abc"], ["--gains", "-1"], ["--prior", "sometimes"],
])
def test_cli_severity_invalid_input_exits_2(capsys, store, argv):
    code, _, err = run(capsys, "severity", *argv)
    assert code == 2 and err.startswith("错误：")


@pytest.mark.parametrize("kwargs", [
    {"counts": [("行踪轨迹", 60)]},
    {"counts": {1: 60}},
    {"counts": {}, "insider": "yes"},
    {"counts": {}, "shoe_size": 42},
])
def test_severity_rejects_malformed_api_input(kwargs, store):
    with pytest.raises(InputError):
        severity(store=store, **kwargs)


def test_below_threshold_points_to_the_administrative_offence(store):
    result = severity({"住宿": 100}, 0, store)
    assert result["level"] == NONE
    last = result["articles"][-1]
    assert (last["law"], last["article"]) == ("中华人民共和国治安管理处罚法", "第五十六条") and last["text"]
    assert any("治安管理处罚" in n for n in result["notes"])
    assert all(a["article"] != "第五十六条" for a in severity({"住宿": 500}, 0, store)["articles"])


@pytest.mark.parametrize("question,counts,gains,insider", [
    ("出售行踪轨迹信息60条会判刑吗", {"行踪轨迹": 60}, "0", False),
    ("快递员卖了3000条客户信息，获利2万元，构成犯罪吗", {"其他": 3000}, "20000", True),
    ("卖了三千多条行踪信息赚了五千元", {"行踪轨迹": 3000}, "5000", False),
    ("卖了1.5万条开房记录", {"住宿": 15000}, "0", False),
    ("有人以每条0.5元卖了200条通话记录", {"通信记录": 200}, "0", False),
])
def test_facts_from_text(question, counts, gains, insider):
    facts = facts_from_text(question)
    assert facts == {"counts": counts, "gains": gains, "insider": insider}


@pytest.mark.parametrize("question", ["我的个人信息被泄露了怎么办", "刑法第二百五十三条之一怎么理解",
                                      "依据第5条", ""])
def test_facts_from_text_finds_nothing(question):
    assert facts_from_text(question) is None


def test_route_adds_a_severity_estimate_when_counts_are_stated(store):
    from falv.answer.routing import route

    result = route("前同事把公司3000条客户信息卖给别人，获利2万元，我该去哪举报", store=store, quote_text=False)
    est = result["severity"]
    assert est["facts"] == {"counts": {"其他": 3000}, "gains": "20000", "insider": False}
    assert est["estimate"] and est["level"] == SERIOUS and est["rules"] == ["第五条第一款第七项"]
    assert "severity" not in route("快递信息泄露了", store=store, quote_text=False)
