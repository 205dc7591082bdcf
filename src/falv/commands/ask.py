"""`falv ask QUESTION`: a grounded answer in text, Markdown or JSON."""

from __future__ import annotations

from typing import Literal

import typer

from ..answer.render import RENDERERS
from ..errors import InputError
from ..limits import MAX_QUESTION_CHARS
from . import command
from .common import engine, read_stdin, report_index_builds

MAX_QUESTION_BYTES = 4 * MAX_QUESTION_CHARS  # UTF-8: at most 4 bytes a character
Format = Literal[tuple(RENDERERS)]  # text · markdown · json: a bad value is a usage error


def ask(
    question: str = typer.Argument(None, help="用中文描述问题；为 - 时从标准输入读取"),
    fmt: Format = typer.Option("text", "--format", "-f", help="输出格式"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出（同 --format json）"),
    dense: bool = typer.Option(None, "--dense/--no-dense",
                               help="检索加入向量语义阶段（需安装可选依赖 dense：pip install -e '.[dense]'；默认看 FALV_DENSE）"),
) -> None:
    if as_json:
        fmt = "json"
    if question is None or question == "-":
        data = read_stdin(MAX_QUESTION_BYTES)
        if len(data) > MAX_QUESTION_BYTES:  # more than MAX_QUESTION_CHARS characters, surely
            raise InputError(f"问题过长：超过 {MAX_QUESTION_CHARS} 字", hint="请概括后再提问")
        try:
            question = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"输入不是有效的 UTF-8 文本（第 {exc.start} 字节）") from exc
    report_index_builds()
    ans = engine(dense).ask(question)
    typer.echo(RENDERERS[fmt](ans))
    if ans.missing_instruments and fmt != "json":  # the CLI (not the web or API) names the command
        typer.echo("  导入方法：falv statutes import 法规文件.md（LawRefBook 格式，可一次导入多个文件或目录）")


def register(app: typer.Typer) -> None:
    """Adds this module's commands to the `falv` app (falv.cli)."""
    command(app, "ask")(ask)
