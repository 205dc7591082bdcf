"""`falv verify FILE|-` and `falv article LAW ARTICLE`: the citation engine on the command line."""

from __future__ import annotations

import typer

from ..defaults import DEFAULTS
from ..errors import InputError
from ..files import decode_text, read_bounded
from ..law.models import HISTORICAL, QUOTED, VerdictKind
from ..law.verdicts import label
from ..limits import MAX_TEXT_BYTES
from . import command
from .common import emit_json, engine, read_stdin

# Input cap of `falv verify` (falv.limits, docs/errors.md): 10 MiB verifies in seconds; past it,
# a clear error instead of unbounded time and memory. At most cap + 1 bytes are read (stdin too).
MAX_INPUT_BYTES = MAX_TEXT_BYTES


def read_input(path: str) -> str:
    """FILE or - (stdin) → text; missing, undecodable or empty input is an InputError (exit 2)."""
    if path == "-":
        data = read_stdin(MAX_INPUT_BYTES)
        where = "标准输入"
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"{where} 过大（超过 {MAX_INPUT_BYTES} 字节）", hint="请分段核验")
    else:  # a regular file of at most the cap, or an error before it is read (FIFO, /dev/zero, DIR)
        data = read_bounded(path, MAX_INPUT_BYTES)
        where = path
    text = decode_text(data, where)
    if not text.strip():
        raise InputError(f"{where} 是空的：没有可核验的文本")
    return text


def verify_cmd(
    file: str = typer.Argument(..., help="要核验的文本文件，- 表示标准输入"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出：{citations, count, passed}"),
    quotes: bool = typer.Option(DEFAULTS["verify"]["quotes"], "--quotes/--no-quotes",
                                help="核对引文（法律依据行、引号中的条文）；--no-quotes 只核对条文是否存在、有效"),
    as_of: str = typer.Option(None, "--as-of", help="文本日期 YYYY-MM-DD：早于修改施行日的条号按旧版本核对"),
) -> None:
    text = read_input(file)
    result = engine().verify(text, quotes=quotes, as_of=as_of)
    if as_json:
        emit_json(result)
    else:
        if not result.citations:
            typer.echo("未发现法条引用")
        for c in result.citations:
            line = f"{c.law}\t{c.article or '（整部）'}\t{label(c.verdict.value)}"
            # a replacement naming the cited article itself (its wording changed): the detail says how
            same = c.replacement == f"《{c.law}》{c.article}"
            extra = f"→ {c.replacement}" if c.replacement and not same else c.detail
            typer.echo(f"{line}\t{extra}")
            if c.diff:
                typer.echo(f"\t差异：{c.diff}")
            for note in c.notes:
                typer.echo(f"\t注：{note}")
        if any(c.verdict is VerdictKind.UNVERIFIABLE and c.law_text for c in result.citations):
            typer.echo("提示：法规库中没有的法规，可用 falv statutes import 导入其文本后再核验")
    if not result.passed:
        raise typer.Exit(1)


def article_cmd(
    law: str = typer.Argument(..., help="法规名称或简称，如 民法典、个保法、两高解释"),
    article: str = typer.Argument(..., help="条号，如 1038、第一千零三十八条、第二百五十三条之一；无条文编号的法规为 全文"),
    version: str = typer.Option(None, "--version", help="显示该版本（如 2010-01-09 或 2010），默认现行版本"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    art = engine().article(law, article, version)
    if as_json:
        emit_json(art)
        return
    typer.echo(f"《{art.law}》{art.article}")
    where = " ".join(x for x in (art.chapter, art.section) if x)
    if where:
        typer.echo(where)
    dates = "，".join(x for x in (f"公布 {art.publish_date}" if art.publish_date else "",
                                 f"施行 {art.effective_date}" if art.effective_date else "",
                                 f"版本 {art.version}" if art.version else "") if x)
    status = "问答来源引用 · 未经官方文本核验" if art.source == QUOTED else art.status
    typer.echo(f"{art.doc_type} · {status}" + (f" · {dates}" if dates else ""))
    amended = art.amendment_note()
    if amended:
        typer.echo(amended)
    if not art.current and art.status == HISTORICAL:
        typer.echo(f"（历史版本；现行版本：falv article {art.law} {art.article}）")
    typer.echo("")
    typer.echo(art.text)


def register(app: typer.Typer) -> None:
    """Adds this module's commands to the `falv` app (falv.cli)."""
    command(app, "verify")(verify_cmd)
    command(app, "article")(article_cmd)
