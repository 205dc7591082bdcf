"""CLI command modules, one per area; each has a `register(app)` that falv.cli calls.

REGISTRY is the list of every command, in the order `falv --help` shows them, with the module
that defines it and its help text. falv.cli lists commands from it without importing their
modules (start-up stays light); each module registers its commands with `command(app, name)`,
so the help text exists once."""

from __future__ import annotations

from typing import NamedTuple

import typer

from ..clitext import Command as _Command
from ..clitext import Group as _Group


class Command(NamedTuple):
    module: str  # the module in falv.commands that registers it
    help: str


REGISTRY: dict[str, Command] = {
    "ask": Command("ask", "回答问题：【法律分析】+【法律依据】，引用逐条核验。"),
    "search": Command("search", "检索现行有效的法条：问题中明确引用的条文排在最前，其次是符合问题情形的规则〔规则〕"
                                "和相同问题的知识库条目〔知识库〕所依据的条文，其余按相关度排序；"
                                "司法解释、行政法规、部门规章另列分组（不挤占法律的排名）。"),
    "eval": Command("search", "检索与回答依据的评测：recall@5/10/100（100 为候选上限）、MRR@10、"
                              "依据精确率/召回率、延迟。"),
    "verify": Command("citations", "核验文本中的每一处法条引用：存在、有效、引文一致；失败时退出码为 1。"),
    "article": Command("citations", "显示一条法条：法规、章节、时效性、日期和原文（默认现行版本，"
                                    "--version 指定其他版本）。"),
    "route": Command("toolkit", "维权路径：读出案情要素（与 ask 相同），按紧急程度给出步骤及其投诉、举报、报案、仲裁、起诉渠道与依据。"),
    "severity": Command("toolkit", "侵犯公民个人信息罪的情节估算（两高解释第五条、第六条）；仅供参考，不是法律结论。"),
    "draft": Command("toolkit", "生成文书：个人信息权利请求书、投诉举报信、报案材料、劳动仲裁申请书、起诉状等；引用的条文从法规库原文插入。"),
    "serve": Command("serve", "启动 HTTP 服务：网页（/）、API（OpenAPI：/openapi.json）、可选 MCP（/mcp）。"),
    "mcp": Command("serve", "以 stdio 方式运行 MCP 服务（供 AI 助手调用）：ask、search_statutes、get_article 等工具。"),
    "statutes": Command("statutes", "法规库：导入与列出法规"),
    "version": Command("statutes", "显示 falv 的版本和法规数据的日期：最新的现行文本、基础法规库、已适用的修正、最近导入"
                                   "（同 falv --version）。"),
    "kb": Command("kb", "问答知识库：导入、列出、查看、导出"),
    "index": Command("index", "检索索引：为当前法规库建立（或确认已有）索引；基础法规库的索引随安装包提供。"),
}


def command(app, name: str):
    """app.command(name) with the registry's help (a decorator, like typer's); its help page and
    usage errors in Chinese (falv.clitext)."""
    return app.command(name, help=REGISTRY[name].help, cls=_Command)


def group(name: str) -> typer.Typer:
    """The group of commands `falv NAME …` (statutes, kb, index), with the registry's help."""
    return typer.Typer(no_args_is_help=True, help=REGISTRY[name].help, cls=_Group)


def subcommand(app: typer.Typer, name: str):
    """app.command(name) of a group's command (its help is the function's docstring)."""
    return app.command(name, cls=_Command)
