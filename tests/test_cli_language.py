"""The CLI speaks one language (issue 21): click's own usage errors, help pages and unknown commands
in Chinese, exit code 2; flags shown as flags; `--json` on every command that prints a result;
questions echoed as typed; each 【提示】 once."""

from __future__ import annotations

import json
import re

import pytest
import typer

from conftest import SEED, run_cli
from falv import cli
from falv.clitext import help_rows
from falv.docgen.clidoc import commands  # every command, as the generated reference walks them

ENGLISH = re.compile(r"Usage:|Options|Arguments|Commands|Error|Missing|No such|Try '|Show this message|"
                     r"\[default|\[required|Invalid value|Got unexpected|requires an argument|<bool>|<str>|<int>")


def _usage_error(capsys, *argv) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert not ENGLISH.search(err), err
    assert "Traceback" not in err
    return err


def test_unknown_command_gets_a_did_you_mean(capsys):
    err = _usage_error(capsys, "aks")
    assert "没有这个命令：aks。您是不是要：ask" in err and "用法：falv" in err
    assert "您是不是要：list" in _usage_error(capsys, "statutes", "lst")
    assert "可用的命令：" in _usage_error(capsys, "zzzzzz")


def test_missing_argument_names_it_with_its_help(capsys):
    err = _usage_error(capsys, "article", "民法典")
    assert "缺少参数 article（条号" in err and "查看帮助：falv article --help" in err


def test_bad_values_say_why(capsys):
    assert "--top 的值无效：必须是整数" in _usage_error(capsys, "search", "隐私", "--top", "abc")
    assert "--top 的值无效：超出允许范围（不小于 1）" in _usage_error(capsys, "search", "隐私", "--top", "0")
    assert "--format 的值无效：取值不在允许范围内（可选：text、markdown、json）" in _usage_error(
        capsys, "ask", "问题", "--format", "pdf")
    assert "没有这个选项：--bogus" in _usage_error(capsys, "ask", "问题", "--bogus")
    assert "多余的参数：b" in _usage_error(capsys, "ask", "a", "b")
    assert "选项 --top 需要一个值" in _usage_error(capsys, "search", "隐私", "--top")



def test_every_help_page_is_chinese_and_shows_flags_as_flags(capsys):
    pages = 0
    for path, command, _ in commands():
        code, out, err = run_cli(capsys, *path.split()[1:], "--help")
        assert code == 0, (path, err)
        assert out.startswith(f"用法：{path} "), out
        assert not ENGLISH.search(out), (path, out)
        assert "显示此帮助并退出。" in out
        pages += 1
    assert pages > 20
    _, out, _ = run_cli(capsys, "verify", "--help")
    assert re.search(r"^  --json +JSON 输出", out, re.M)  # a flag: no type after it
    assert "--quotes / --no-quotes" in out and "[默认：--quotes]" in out


def test_version_exists(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.startswith("falv ") and "法规数据截至" in out


# commands that print no result of their own: servers, and the export, which is JSONL already
NO_RESULT = {"falv serve", "falv mcp", "falv kb export", "falv statutes", "falv kb", "falv index", "falv"}


def test_every_command_that_prints_a_result_has_json():
    for path, command, ctx in commands():
        if path in NO_RESULT:
            continue
        options = [opt for p in command.get_params(ctx) for opt in getattr(p, "opts", [])]
        assert "--json" in options, path


def test_statutes_remove_and_kb_import_print_json(capsys, tmp_path, monkeypatch, falv_home):
    from pathlib import Path

    law = tmp_path / "甲办法.md"
    law.write_text("# 甲办法\n\n第一条 为了测试，制定本办法。\n", "utf-8")
    assert run_cli(capsys, "statutes", "import", str(law))[0] == 0
    code, out, _ = run_cli(capsys, "statutes", "remove", "甲办法", "--json")
    assert code == 0 and json.loads(out)["title"] == "甲办法" and len(json.loads(out)["removed"]) == 1
    assert run_cli(capsys, "kb", "ingest", str(SEED))[0] == 0
    export = tmp_path / "kb.jsonl"
    assert run_cli(capsys, "kb", "export", "-o", str(export))[0] == 0
    monkeypatch.setenv("FALV_HOME", str(Path(falv_home) / "other"))
    from falv.commands.common import store as cli_store

    cli_store.cache_clear()
    code, out, _ = run_cli(capsys, "kb", "import", str(export), "--json")
    assert code == 0 and json.loads(out)["entries"] == 3


def test_the_question_is_echoed_as_typed(capsys):
    """Full-width punctuation stays in 【问题】; the JSON `question` is the normalised text the
    answer was matched on, as docs/answer-schema.md says."""
    typed = "快递员把我的信息泄露了，怎么办？"
    code, out, _ = run_cli(capsys, "ask", typed)
    assert code == 0 and out.startswith(f"【问题】{typed}\n")
    code, out, _ = run_cli(capsys, "ask", f"  {typed} ", "--format", "markdown")
    assert out.startswith(f"## {typed}\n")
    code, out, _ = run_cli(capsys, "ask", typed, "--json")
    assert json.loads(out)["question"] == "快递员把我的信息泄露了,怎么办?"


def test_each_note_once(capsys):
    """Two basis articles of one law known only from a source's quotes gave the same 【提示】
    twice (issue 21)."""
    assert run_cli(capsys, "kb", "ingest", str(SEED))[0] == 0
    code, out, _ = run_cli(capsys, "ask", "个人信息泄露找什么部门投诉", "--json")
    texts = [n["text"] for n in json.loads(out)["notes"]]
    assert texts and len(texts) == len(set(texts))
    code, out, _ = run_cli(capsys, "ask", "个人信息泄露找什么部门投诉")
    notes = out.split("【提示】", 1)[1].splitlines()
    assert sum("仅有问答来源引用的文本" in line for line in notes) == 1


def test_help_rows_are_what_the_page_shows(capsys):
    """docs/cli.md is written from help_rows: the page shows the same rows."""
    _, out, _ = run_cli(capsys, "search", "--help")
    command = cli.app.get_command(typer.Context(cli.app, info_name="falv"), "search")
    ctx = typer.Context(command, info_name="search")
    for _, rows in help_rows(command, ctx):
        for term, _ in rows:
            assert term in out


@pytest.mark.parametrize("argv", [["statutes"], ["kb"]])
def test_a_group_without_a_command_shows_its_page(capsys, argv):
    code, out, _ = run_cli(capsys, *argv)
    assert code == 2 and out.startswith(f"用法：falv {argv[0]} [选项] 命令 [参数]...")
