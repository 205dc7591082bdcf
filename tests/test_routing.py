"""Complaint routing: every scenario's ordered channels, checked against the data files, and the
`falv route` command (text, JSON, exit codes)."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest

from falv.domain.channels import channel_table
from falv.answer.routing import route

DATA = resources.files("falv.domain.personal_info").joinpath("data")
FRAMES = tomllib.loads(DATA.joinpath("frame.toml").read_text("utf-8"))
SHARED_DATA = resources.files("falv.domain").joinpath("data")
CHANNELS = tomllib.loads(SHARED_DATA.joinpath("channels.toml").read_text("utf-8"))
SCENARIO_IDS = list(FRAMES["named"])
PIPL = "中华人民共和国个人信息保护法"
CIVIL = "中华人民共和国民法典"
DECISION = "全国人民代表大会常务委员会关于加强网络信息保护的决定"


from conftest import run_cli as run  # noqa: E402


def _bases(channel: dict) -> set[tuple[str, str]]:
    return {(b["law"], b["article"]) for b in channel["basis"]}


@pytest.mark.parametrize("sid", SCENARIO_IDS)
def test_named_frame_routes_through_its_steps(sid):
    """`--scenario ID` is a named frame: its channels are the ones its steps name, in their order,
    each once, with the cards of channels.toml (the handler adds the actor's duty article, the
    regulator the article it acts under)."""
    result = route(scenario_id=sid, quote_text=False)
    named = [c for s in result["steps"] for c in s["channels"]]
    assert [c["id"] for c in result["channels"]] == list(dict.fromkeys(named))
    assert [c["order"] for c in result["channels"]] == list(range(1, len(result["channels"]) + 1))
    assert result["scenario"] == sid and result["frame"]["summary"]
    for ch in result["channels"]:
        data = CHANNELS["channel"][ch["id"]]
        assert ch["body"] == data["body"] and ch["handles"] == data["handles"]
        assert ch["prepare"] == data["prepare"] and ch["prepare"]
        assert [c["value"] for c in ch["contact"]] == [c["value"] for c in data["contact"]]
        assert {(b[0], b[1]) for b in data["basis"]} <= _bases(ch)
    assert result["steps"] and all(s["text"] for s in result["steps"])


@pytest.mark.parametrize("sid,first,regulator", [
    ("express", "handler", "postal"), ("property", "handler", "housing"), ("agency", "handler", "housing"),
    ("credit", "handler", "financial_regulator"), ("employer", "handler", "hrss"),
    ("recruiter", "handler", "hrss"), ("medical", "handler", "health_authority"),
    ("school", "handler", "education"), ("telecom", "handler", "miit"), ("app", "handler", "cac"),
    ("merchant", "handler", "samr"), ("spam", "telecom_operator", "miit"),
    ("fraud", "police", "police"), ("threat", "police", "police"), ("id_misuse", "police", "police"),
])
def test_each_actor_reaches_its_regulator_and_safety_comes_first(sid, first, regulator):
    ids = [c["id"] for c in route(scenario_id=sid, quote_text=False)["channels"]]
    assert ids[0] == first and regulator in ids


def test_the_actor_duty_joins_the_handler_card():
    handler = route(scenario_id="express", quote_text=False)["channels"][0]
    assert ("快递暂行条例", "第三十五条") in _bases(handler)
    postal = route(scenario_id="express", quote_text=False)["channels"][1]
    assert ("中华人民共和国邮政法", "第七十六条") in _bases(postal)


def test_handler_rests_on_pipl_44_to_50_and_the_decision():
    handler = channel_table()["handler"]
    keys = {(b.law, b.article) for b in handler.basis}
    for art in ("第四十四条", "第四十五条", "第四十六条", "第四十七条", "第四十八条", "第四十九条", "第五十条"):
        assert (PIPL, art) in keys
    assert (DECISION, "第八条") in keys


def _hotlines(cid: str) -> set[str]:
    return {c.value for c in channel_table()[cid].contact if c.kind == "hotline"}


def test_required_bodies_and_hotlines():
    assert "12305" in _hotlines("postal")
    assert "12321" in _hotlines("report_12321")
    assert "12300" in _hotlines("miit")
    assert "12377" in _hotlines("cac")
    assert "12315" in _hotlines("samr")
    assert "110" in _hotlines("police")
    assert "消费者协会" in channel_table()["consumer_association"].body
    assert channel_table()["samr"].body == "市场监督管理部门"


def test_named_frames_reach_their_channels():
    def ids(sid):
        return [c["id"] for c in route(scenario_id=sid, quote_text=False)["channels"]]

    assert "postal" in ids("express")
    spam = ids("spam")
    assert spam.index("telecom_operator") < spam.index("miit")  # operator before 12300
    assert "report_12321" in spam
    assert "cac" in ids("app") and "cac" in ids("doxxing")
    assert {"samr", "police"} <= set(ids("merchant"))
    assert "health_authority" in ids("medical")
    assert "financial_regulator" in ids("credit")
    assert "police" in ids("fraud") and "police" in ids("id_misuse")


def test_legal_bases_of_the_key_channels():
    """The shared cards hold for every domain (the police act on 刑事诉讼法第一百一十条, a court on
    民事诉讼法第一百二十二条); a personal-information case adds its own articles to them."""
    from falv.domain.personal_info.frame import card_basis

    police = {(b.law, b.article) for b in channel_table()["police"].basis}
    assert police == {("中华人民共和国刑事诉讼法", "第一百一十条")}
    assert ("中华人民共和国刑法", "第二百五十三条之一") in {(b.law, b.article) for b in card_basis()["police"]}
    court = {(b.law, b.article) for b in card_basis()["court"]}
    for art in ("第一千零三十四条", "第一千零三十八条"):
        assert (CIVIL, art) in court
    assert (PIPL, "第六十九条") in court
    routed = route("快递员把我的手机号卖给了别人", quote_text=False)
    police_card = next(c for c in routed["channels"] if c["id"] == "police")
    assert ("中华人民共和国刑法", "第二百五十三条之一") in {(b["law"], b["article"]) for b in police_card["basis"]}
    assert (PIPL, "第七十条") in {(b.law, b.article) for b in channel_table()["public_interest"].basis}
    cac = {(b.law, b.article) for b in channel_table()["cac"].basis}
    assert {(PIPL, "第六十条"), (PIPL, "第六十一条")} <= cac


def test_no_outdated_agency_names_and_unconfirmed_facts_are_explained():
    text = SHARED_DATA.joinpath("channels.toml").read_text("utf-8")
    body = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    assert "工商" not in body
    for cid, ch in channel_table().items():
        assert ch.contact, cid
        for c in ch.contact:
            if c.kind == "website":
                assert c.unconfirmed and c.note, (cid, c.value)  # URLs cannot be checked offline
            if c.unconfirmed:
                assert c.note, (cid, c.value)


def test_route_by_question_puts_the_police_first_and_keeps_the_regulator():
    result = route("快递信息泄露后被冒充客服诈骗了", quote_text=False)
    ids = [c["id"] for c in result["channels"]]
    assert ids[0] == "police" and "postal" in ids and len(ids) == len(set(ids))
    assert result["scenario"] is None and result["frame"]["actor"] == "express"


def test_route_quotes_articles_from_the_store(imported_store):
    result = route(scenario_id="express", store=imported_store)
    postal = next(c for c in result["channels"] if c["id"] == "postal")
    for b in postal["basis"]:
        art = imported_store.get_article(b["law"], b["article"])
        assert art is not None and b["text"] == art.text
        assert b["status"] == "quoted" and b["verdict"] == "ok"


def test_route_without_imports_says_not_imported(store):
    result = route(scenario_id="express", store=store)
    handler = result["channels"][0]
    by = {(b["law"], b["article"]): b for b in handler["basis"]}
    assert by[(PIPL, "第四十七条")]["text"] == store.get_article(PIPL, "第四十七条").text
    decision = by[(DECISION, "第八条")]
    assert decision["status"] == "未导入" and decision["text"] is None


def test_cli_route_text(capsys, imported_store):
    code, out, _ = run(capsys, "route", "快递面单信息被泄露了怎么办")
    assert code == 0
    assert "情形：快递企业" in out and "12305" in out and "待核实" in out
    channels = out[out.index("渠道（按顺序）"):]
    assert channels.index("1. 个人信息处理者本身") < channels.index("2. 邮政管理部门")


def test_cli_route_json(capsys, imported_store):
    code, out, _ = run(capsys, "route", "--scenario", "spam", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["scenario"] == "spam" and "marketing" in data["frame"]["acts"]
    for ch in data["channels"]:
        assert {"body", "contact", "handles", "prepare", "basis"} <= set(ch)
        assert all({"law", "article", "text", "verdict"} <= set(b) for b in ch["basis"])


def test_cli_route_list_scenarios(capsys, store):
    code, out, _ = run(capsys, "route", "--list-scenarios")
    assert code == 0
    assert all(sid in out for sid in SCENARIO_IDS)


@pytest.mark.parametrize("argv", [["route"], ["route", "--scenario", "nosuch"], ["route", "  "]])
def test_cli_route_bad_input_exits_2(capsys, store, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "错误" in err


def test_cli_route_unrelated_question_says_so(capsys, store):
    code, out, _ = run(capsys, "route", "离婚后孩子抚养权归谁", "--json")
    data = json.loads(out)
    assert code == 0 and data["reading"]["kind"] != "personal_info"
    assert "handler" not in {c["id"] for c in data["channels"]}


def test_cli_route_text_shows_the_estimate(capsys, store):
    code, out, _ = run(capsys, "route", "有人出售了我们小区业主的600条行踪轨迹信息")
    assert code == 0 and "情节估算" in out and "情节特别严重" in out
