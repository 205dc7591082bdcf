"""Rights-request drafts: every template renders, quotes its articles from the store, fills
fields, never contains statute text itself; `falv draft` and its errors."""

from __future__ import annotations

import json
import re

import pytest

from falv.domain.basis import find_article
from falv.commands.toolkit import parse_fill
from falv.domain.drafts import (draft_kinds, render_draft, template,
                                              templates, to_plain)
from falv.errors import InputError
from falv.text import fold_for_compare

PIPL = "中华人民共和国个人信息保护法"
DECISION = "全国人民代表大会常务委员会关于加强网络信息保护的决定"
KINDS = ["access", "correct", "delete", "explain", "complaint", "police"]


def test_the_six_kinds_and_their_required_citations():
    """The personal-information letters come first (the other domains' letters follow)."""
    assert list(templates())[:len(KINDS)] == KINDS
    cites = {k: {(b.law, b.article) for b in template(k).cites} for k in KINDS}
    assert (PIPL, "第四十五条") in cites["access"]
    assert (PIPL, "第四十六条") in cites["correct"]
    assert {(PIPL, "第四十七条"), (DECISION, "第八条")} <= cites["delete"]
    assert (PIPL, "第四十八条") in cites["explain"]
    assert ("中华人民共和国刑法", "第二百五十三条之一") in cites["police"]


@pytest.mark.parametrize("alias,kind", [("查阅复制", "access"), ("更正补充", "correct"),
                                        ("删除", "delete"), ("解释说明", "explain"),
                                        ("投诉举报信", "complaint"), ("报案材料", "police")])
def test_chinese_names_select_the_template(alias, kind):
    assert template(alias).kind == kind


@pytest.mark.parametrize("kind", KINDS)
def test_placeholders_are_all_declared_and_citations_in_range(kind):
    t = template(kind)
    assert set(t.placeholders()) == set(t.fields), kind
    numbers = {int(n) for n in re.findall(r"\{\{\s*cite:(\d+)\s*\}\}", t.body)}
    assert numbers == set(range(1, len(t.cites) + 1)), kind  # every citation is used in the text
    assert "{{citations}}" in t.body


@pytest.mark.parametrize("kind", KINDS)
def test_render_quotes_every_cited_article_from_the_store(kind, imported_store):
    result = render_draft(kind, {}, imported_store, "markdown")
    assert "{{" not in result["text"]
    for c in result["citations"]:
        art = imported_store.get_article(c["law"], c["article"])
        assert art is not None and c["text"] == art.text and c["verdict"] == "ok"
        for line in art.text.splitlines():
            if line.strip():
                assert f"> {line}" in result["text"]
    t = template(kind)
    assert result["missing"] == [f for f in t.placeholders() if f not in t.defaults]
    assert all(f"【{f}】" in result["text"] for f in result["missing"])
    # every letter says by when a reply is expected
    assert t.defaults.get("答复期限") and t.defaults["答复期限"] in result["text"]


@pytest.mark.parametrize("kind", KINDS)
def test_templates_do_not_copy_statute_text(kind, imported_store):
    """Our wording only: no run of 14 characters of a cited article appears in the template."""
    body = fold_for_compare(re.sub(r"\{\{[^}]*\}\}", "|", template(kind).body))
    for b in template(kind).cites:
        art = find_article(imported_store, b)
        text = fold_for_compare(art.text)
        for i in range(len(text) - 14):
            assert text[i:i + 14] not in body, (kind, b.clause, text[i:i + 14])


def test_fill_values_are_inserted(store):
    result = render_draft("delete", {"姓名": "张三", "处理者名称": "某某快递有限公司"}, store)
    assert "致：某某快递有限公司" in result["text"] and "申请人：张三" in result["text"]
    assert "姓名" not in result["missing"] and "删除范围" in result["missing"]


def test_without_imports_the_decision_is_marked_not_imported(store):
    result = render_draft("delete", {}, store)
    by = {(c["law"], c["article"]): c for c in result["citations"]}
    decision = by[(DECISION, "第八条")]
    assert decision["status"] == "未导入" and decision["text"] is None
    assert "未导入" in result["text"]
    assert by[(PIPL, "第四十七条")]["text"] == store.get_article(PIPL, "第四十七条").text


def test_plain_text_format(store):
    result = render_draft("access", {"姓名": "李四"}, store, "text")
    text = result["text"]
    assert "**" not in text and not re.search(r"^#", text, re.M) and not re.search(r"^> ", text, re.M)
    assert text.startswith("个人信息查阅、复制申请书")
    assert to_plain("## 标题\n> 引文\n- 项") == "标题\n    引文\n· 项\n"


@pytest.mark.parametrize("call", [
    lambda s: render_draft("nosuch", {}, s),
    lambda s: render_draft("access", {"年龄": "3"}, s),
    lambda s: render_draft("access", {}, s, "html"),
])
def test_bad_requests_are_input_errors(call, store):
    with pytest.raises(InputError):
        call(store)


@pytest.mark.parametrize("specs", [["姓名"], ["=张三"]])
def test_parse_fill_rejects_malformed(specs):
    with pytest.raises(InputError):
        parse_fill(specs)


def test_parse_fill_keeps_equals_in_values():
    assert parse_fill(["删除范围=链接 https://x.example/?a=1"]) == {"删除范围": "链接 https://x.example/?a=1"}


def test_draft_kinds_lists_fields_and_citations():
    kinds = draft_kinds()
    assert [k["kind"] for k in kinds][:len(KINDS)] == KINDS
    assert all(k["fields"] and k["cites"] for k in kinds)


# -- CLI ----------------------------------------------------------------------------------------

from conftest import run_cli as run  # noqa: E402


def test_cli_draft_markdown_and_text(capsys, imported_store):
    code, out, _ = run(capsys, "draft", "删除", "--fill", "姓名=张三", "--fill", "处理者名称=某某平台")
    assert code == 0 and out.startswith("# 个人信息删除申请书") and "申请人：张三" in out
    assert "《全国人民代表大会常务委员会关于加强网络信息保护的决定》第八条" in out
    code, out, _ = run(capsys, "draft", "police", "--format", "text")
    assert code == 0 and out.startswith("报案材料") and "第二百五十三条之一" in out


def test_cli_draft_json_and_list(capsys, store):
    code, out, _ = run(capsys, "draft", "access", "--json")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "access" and data["citations"]
    code, out, _ = run(capsys, "draft", "--list")
    assert code == 0 and all(k in out for k in KINDS)


@pytest.mark.parametrize("argv,needle", [
    (["draft", "nosuch"], "access"),  # the error lists the kinds
    (["draft", "access", "--fill", "年龄=3"], "姓名"),  # and the fields
    (["draft", "access", "--fill", "姓名"], "字段=内容"),
    (["draft", "access", "--format", "html"], "markdown"),
    (["draft"], "access"),
])
def test_cli_draft_errors_exit_2(capsys, store, argv, needle):
    code, _, err = run(capsys, *argv)
    assert code == 2 and needle in err


def test_render_draft_rejects_malformed_api_input(store):
    with pytest.raises(InputError):
        render_draft(None, {}, store)
    with pytest.raises(InputError):
        render_draft("access", ["姓名=张三"], store)
    assert "申请人：3" in render_draft("access", {"姓名": 3}, store)["text"]


def test_draft_from_a_question_fills_the_facts_like_the_answer_does(store):
    """`falv draft KIND --question` and the web letter panel fill a letter by one mechanism: the
    values an answer's letter carries are the values the draft gets; --fill overrides them."""
    from factories import composer as composer_for
    from falv.answer.analysis import analyse
    from falv.answer.letters import letter_for_case

    def letter_for_question(kind, question, store, fill=None, fmt="markdown"):
        return letter_for_case(kind, analyse(question, store=store), store, fill, fmt)

    question = "快递员把我的手机号和住址卖给了别人，一共卖了600条行踪轨迹信息，获利8000元"
    letters = {l.kind: l.to_dict() for l in composer_for(store).answer(question).letters}
    for kind in ("delete", "complaint"):
        drafted = letter_for_question(kind, question, store, fmt="text")
        assert drafted["prefilled"] == letters[kind]["fill"]
        assert drafted["text"] == letters[kind]["text"]
    complaint = letter_for_question("投诉", question, store)
    assert complaint["kind"] == "complaint" and "邮政管理部门" in complaint["text"]
    assert any("快递暂行条例" in c["law"] for c in complaint["citations"])
    police = letter_for_question("police", "有人在网上出售我们小区业主的600条行踪轨迹信息，获利8000元",
                                 store, {"违法所得": "9000 元"})
    assert "情节特别严重" in police["text"] and "9000 元" in police["text"]
    assert "违法所得" not in police["prefilled"]


def test_cli_draft_question_and_its_errors(capsys, store):
    code, out, _ = run(capsys, "draft", "delete", "--question", "孩子的学校把孩子的人脸信息交给了科技公司",
                       "--format", "text")
    assert code == 0 and "本人子女的人脸" in out
    code, _, err = run(capsys, "draft", "delete", "--question", "问" * 2001)
    assert code == 2 and "问题过长" in err
    code, _, err = run(capsys, "draft", "delete", "--question", "快递员卖了我的信息", "--fill", "年龄=3")
    assert code == 2 and "姓名" in err


@pytest.mark.parametrize("kind", [k["kind"] for k in draft_kinds()])
def test_each_letter_asks_once(kind, store):
    """The closing request (what is asked and by when) appears once, not again in other words; a
    pleading to a court (起诉状) makes its requests in 诉讼请求 and asks no reply; an application
    with a section of requests (仲裁请求, 复核请求, 请求事项) asks for a reply at most once."""
    text = render_draft(kind, {}, store)["text"]
    asks = [sentence for sentence in re.split(r"[。；\n]", text)
            if sentence.startswith("请") and not sentence.startswith("请求事项")
            and any(w in sentence for w in ("答复", "回执", "告知", "处理"))]
    if "起诉状" in template(kind).title:
        assert asks == [], asks
    elif re.search(r"^## \S*请求", text, re.M):
        assert len(asks) <= 1, asks
    else:
        assert len(asks) == 1, asks
