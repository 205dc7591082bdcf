"""`falv statutes …`: list, import and remove the instruments in the store."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..law.dataversion import summary_lines
from ..search.retrieve import dense_enabled
from . import command, group, subcommand
from .common import emit_json, engine


def list_laws(
    doc_type: str = typer.Option(None, "--type", help="只列出该类别（法律、司法解释、行政法规…）"),
    imported: bool = typer.Option(False, "--imported", help="只列出导入的法规"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """列出法规库中的法规（标题、类别、时效性、版本），先列出数据日期（法规数据截至、已适用的修正）。"""
    result = engine().statutes(doc_type, imported)
    if as_json:
        emit_json(result)
        return
    for line in summary_lines(result.data.to_dict()):
        typer.echo(f"# {line}")
    for l in result.laws:
        names = [t.removeprefix("中华人民共和国") for t in l.amended_by]
        amended = "\t经" + "、".join(names) + "修改" if names else ""
        typer.echo(f"{l.title}\t{l.doc_type}\t{l.status}\t{l.version or ''}\t{l.source}{amended}")


_ACTIONS = {"added": "新增", "replaced": "已更新", "unchanged": "unchanged（未变化）"}
_DRY_ACTIONS = {"added": "将新增", "replaced": "将更新", "unchanged": "unchanged（未变化）"}


# radon D (27): the import report printed part by part (laws, duplicates, rejected, summary)
def import_cmd(
    files: list[str] = typer.Argument(..., help="Markdown（.md）/ JSONL 文件、目录（递归）或压缩包（.zip / .tar.gz），如 LawRefBook"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只解析并显示将导入的内容，不写入"),
    keep_going: bool = typer.Option(False, "--keep-going",
                                    help="导入所有能解析的文件（仍为一个事务），逐个列出被拒绝的文件及原因"),
    metadata: str = typer.Option(None, "--metadata",
                                 help="LawRefBook 的 db.sqlite3（默认只读取所给目录或压缩包中的）"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """导入法规。默认整批为一个事务：任一文件有误则全部不写入；--keep-going 跳过有误的文件。"""
    with _progress() as progress:
        report = engine().import_files(files, dry_run=dry_run, keep_going=keep_going,
                                       progress=progress, metadata=metadata)
    if not dry_run and any(law.action != "unchanged" for law in report.laws):
        _embed_imported()
    if as_json:
        emit_json(report)
        return
    labels = _DRY_ACTIONS if dry_run else _ACTIONS
    many = len(report.laws) > MAX_LISTED
    if many:  # a whole corpus: counts per kind and status (--json lists every law)
        kinds = Counter((l.doc_type, l.status) for l in report.laws)
        for (kind, status), n in sorted(kinds.items()):
            typer.echo(f"{kind}\t{status}\t{n} 部")
    for law in report.laws:
        if many:
            continue
        typer.echo(f"{law.title}\t{law.version or '-'}\t{law.status}\t{law.articles} 条\t"
                   f"{labels[law.action]}\t{law.file}")
        if dry_run:  # what would be stored
            typer.echo(f"  类别 {law.doc_type} · 制定机关 {law.issuing_body or '-'} · 文号 "
                       f"{law.document_number or '-'} · 公布 {law.publish_date or '-'} · 施行 "
                       f"{law.effective_date or '-'} · {law.chapters} 章 · id {law.law_id}")
    for dup in report.duplicates:
        typer.echo(f"重复，已跳过：{dup.file}（与 {dup.duplicate_of} 相同）")
    for skip in report.skipped:
        typer.echo(f"已跳过：{skip.file}（{skip.reason}）")
    for rej in report.rejected:
        hint = f"（{rej.hint}）" if rej.hint else ""
        typer.echo(f"已拒绝：{rej.location}: {rej.reason}{hint}")
    for warning in report.warnings:
        typer.echo(f"警告：{warning}", err=True)
    counts = Counter(l.action for l in report.laws)
    summary = "，".join(f"{labels[a].split('（')[0]} {n}" for a, n in counts.items())
    typer.echo(f"共 {len(report.laws)} 部法规（{summary or '无'}），条文 "
               f"{sum(l.articles for l in report.laws)} 条；重复跳过 {len(report.duplicates)} 个，"
               f"拒绝 {len(report.rejected)} 个文件")
    if dry_run:
        typer.echo("（--dry-run：未写入任何内容）")


def _embed_imported() -> None:
    """With the dense stage on (FALV_DENSE), embed the imported articles now (progress on
    stderr) rather than at the first question; only articles without a vector are encoded."""
    if dense_enabled():
        engine(dense=True).warm()


MAX_LISTED = 50  # above this many laws, they are counted per kind and status, not listed


@contextmanager
def _progress():
    """A rich progress bar on stderr when it is a terminal; otherwise no output."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("读取法规文件"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("import", total=None)

        def step(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total)

        yield step


def remove_cmd(
    title: str = typer.Argument(..., help="导入法规的标准标题"),
    version: str = typer.Option(None, "--version", help="只删除该版本（默认删除全部导入版本）"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出：{title, removed}"),
) -> None:
    """删除导入的法规（基础库中的法规不能删除）。"""
    result = engine().remove_statute(title, version)
    if as_json:
        emit_json(result)
        return
    typer.echo(f"已删除 {len(result.removed)} 个版本：{title}")


def version_cmd(as_json: bool = typer.Option(False, "--json", help="JSON 输出：{version, data}")) -> None:
    """falv's version and how current its law is (law/dataversion.py); `falv --version` runs it."""
    result = engine().version()
    if as_json:
        emit_json(result)
        return
    typer.echo(f"falv {result.version}")
    for line in summary_lines(result.data.to_dict()):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Adds the `falv statutes …` group and `falv version` to the `falv` app (falv.cli)."""
    statutes_app = group("statutes")
    subcommand(statutes_app, "list")(list_laws)
    subcommand(statutes_app, "import")(import_cmd)
    subcommand(statutes_app, "remove")(remove_cmd)
    app.add_typer(statutes_app, name="statutes")
    command(app, "version")(version_cmd)
