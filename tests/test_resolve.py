"""Resolution by exact title or alias only; renumbering derived from stored amendment data."""

from __future__ import annotations

import pytest

from falv.law.amendments import parse_decision, renumberings
from falv.law.resolve import Resolver, fold_name, normalize_gold, resolver_for, split_version

CYBER = "中华人民共和国网络安全法"
PIPL = "中华人民共和国个人信息保护法"
CPL = "中华人民共和国消费者权益保护法"
SPC_SPP = "最高人民法院、最高人民检察院关于办理侵犯公民个人信息刑事案件适用法律若干问题的解释"
DECISION = "全国人民代表大会常务委员会关于加强网络信息保护的决定"


@pytest.mark.parametrize("name, title", [
    ("个保法", PIPL), ("个人信息保护法", PIPL), ("中华人民共和国个人信息保护法", PIPL),
    ("消法", CPL), ("消保法", CPL), ("网安法", CYBER), ("民法典", "中华人民共和国民法典"),
    ("刑法", "中华人民共和国刑法"), ("《刑法》", "中华人民共和国刑法"),
    ("电子商务法", "中华人民共和国电子商务法"),  # short name derived, not listed
    ("网络安全法（2016年）", CYBER),
])
def test_aliases_and_short_names(store, name, title):
    assert Resolver(store).resolve_title(name) == title


@pytest.mark.parametrize("name", ["消费者权益保护法实施条例", "个人信息", "保护法", "民法", "网络安全",
                                  "中华人民共和国", "刑法修正案（一百）"])
def test_never_by_substring(store, name):
    assert Resolver(store).resolve_title(name) is None


def test_imported_instruments_resolve_by_alias(imported_store):
    res = resolver_for(imported_store)
    for name in ("两高解释", SPC_SPP, "最高人民法院 最高人民检察院关于办理侵犯公民个人信息刑事案件适用法律若干问题的解释",
                 "《最高人民法院、最高人民检察院关于办理侵犯公民个人信息刑事案件适用法律若干问题的解释》"):
        assert res.resolve_title(name) == SPC_SPP
    assert res.resolve_title("决定") == DECISION
    assert res.resolve_title("关于加强网络信息保护的决定") == DECISION
    assert res.resolve_title("快递暂行条例") == "快递暂行条例"


def test_alias_without_stored_target_resolves_to_nothing(store):
    res = resolver_for(store)
    assert res.resolve_title("两高解释") is None
    assert res.intended_title("两高解释").endswith("适用法律若干问题的解释")


def test_fold_and_version_helpers():
    assert fold_name("最高人民法院 最高人民检察院") == fold_name("最高人民法院、最高人民检察院")
    assert split_version("网络安全法（2016年）") == ("网络安全法", "2016年")
    assert split_version("刑法修正案（十一）") == ("刑法修正案（十一）", None)


def test_cybersecurity_renumbering_is_derived_from_the_decision(store):
    [renum] = renumberings(store, CYBER)
    assert renum.kind == "decision" and renum.effective_date == "2026-01-01"
    m = renum.old_to_new
    # the example: old 第四十条–第四十五条 are now 第四十二条–第四十七条
    olds = ["第四十条", "第四十一条", "第四十二条", "第四十三条", "第四十四条", "第四十五条"]
    assert [m[o] for o in olds] == [["第四十二条"], ["第四十三条"], ["第四十四条"], ["第四十五条"],
                                    ["第四十六条"], ["第四十七条"]]
    assert m["第一条"] == ["第一条"] and m["第三条"] == ["第四条"]
    assert m["第六十四条"] == m["第六十六条"] == m["第七十条"] == ["第七十一条"]  # merged
    assert m["第六十九条"] == ["第六十九条", "第七十条"]  # item 1 merged, the rest stays
    assert max(int(n) for n in [len(store.articles(store.current_law(CYBER).law_id))]) == 81
    assert m["第七十九条"] == ["第八十一条"]


def test_parse_decision_rejects_what_it_cannot_account_for():
    assert parse_decision(["本决定自公布之日起施行。"], 10) is None
    assert parse_decision(["增加一条，作为第三条：“……”"], 5) == {1: [1], 2: [2], 3: [4], 4: [5]}
    assert parse_decision(["删去第二条。"], 2) == {1: [1], 2: [], 3: [2]}


def test_express_regulation_versions_paired_by_text(imported_store):
    [renum] = renumberings(imported_store, "快递暂行条例")
    assert renum.kind == "version"
    # the MANIFEST's examples: user-information protection moved 34→35 and 44→54
    assert renum.old_to_new["第三十四条"] == ["第三十五条"]
    assert renum.old_to_new["第四十四条"] == ["第五十四条"]
    assert renum.old_to_new["第一条"] == ["第一条"]


def test_normalize_gold(store):
    assert normalize_gold(store, "网安法", "第四十一条") == [(CYBER, "第四十三条")]
    assert normalize_gold(store, "网络安全法", "41", old_numbering=False) == [(CYBER, "第四十一条")]
    assert normalize_gold(store, "个保法", "4") == [(PIPL, "第四条")]
    assert normalize_gold(store, "侵权责任法", "第三十六条")[0] == ("中华人民共和国民法典", "第一千一百九十四条")
    assert normalize_gold(store, "不存在的法", "第一条") == [("不存在的法", "第一条")]


def test_normalize_gold_forms(store):
    assert normalize_gold(store, "网安法", 41) == [(CYBER, "第四十三条")]
    assert normalize_gold(store, "网络安全法", "第四十条至第四十二条") == [
        (CYBER, "第四十二条"), (CYBER, "第四十三条"), (CYBER, "第四十四条")]
    assert normalize_gold(store, "个保法", "第十三条第一款") == [(PIPL, "第十三条")]
    assert normalize_gold(store, "侵权责任法", None) == [("中华人民共和国侵权责任法", "")]


def test_traditional_characters_resolve(store):
    assert Resolver(store).resolve_title("個人信息保護法") == PIPL


def test_resolver_follows_a_reload_that_keeps_the_number_of_laws(store, tmp_path):
    """Removing one imported law and importing another leaves len(store.laws()) unchanged; the
    cached resolver must still see the new set (a stale one named a law that was gone)."""
    from factories import law_file
    from falv.law.importer import import_files, remove_law
    from falv.law.verify import verify_text

    import_files(store, [law_file(tmp_path / "a.jsonl", "甲测试条例", ["甲测试条例的条文。"])])
    assert [c.verdict.kind.value for c in verify_text(store, "《甲测试条例》第一条")] == ["ok"]
    count = len(store.laws())
    remove_law(store, "甲测试条例")
    import_files(store, [law_file(tmp_path / "b.jsonl", "乙测试条例", ["乙测试条例的条文。"])])
    assert len(store.laws()) == count
    assert [c.verdict.kind.value for c in verify_text(store, "《乙测试条例》第一条")] == ["ok"]
    assert [c.verdict.kind.value for c in verify_text(store, "《甲测试条例》第一条")] == ["unverifiable"]
