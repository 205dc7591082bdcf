"""`falv statutes …`: list, import and remove the instruments in the store."""

from __future__ import annotations

import typer

from ..cli import statutes_app
from .common import emit_json, store


@statutes_app.command("list")
def list_laws(
    doc_type: str = typer.Option(None, "--type", help="只列出该类别（法律、司法解释、行政法规…）"),
    imported: bool = typer.Option(False, "--imported", help="只列出导入的法规"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """列出法规库中的法规（标题、类别、时效性、版本）。"""
    s = store()
    laws = [l for l in s.laws()
            if (doc_type is None or l.doc_type == doc_type) and (not imported or l.source != "base")]
    laws.sort(key=lambda l: (l.source == "base", l.title, l.version or ""))
    if as_json:
        emit_json([{"law_id": l.law_id, "title": l.title, "doc_type": l.doc_type, "status": l.status,
                    "version": l.version, "source": l.source,
                    "articles": len(s.articles(l.law_id))} for l in laws])
        return
    for l in laws:
        typer.echo(f"{l.title}\t{l.doc_type}\t{l.status}\t{l.version or ''}\t{l.source}")


_ACTIONS = {"added": "新增", "replaced": "已更新", "unchanged": "unchanged（未变化）"}
_DRY_ACTIONS = {"added": "将新增", "replaced": "将更新", "unchanged": "unchanged（未变化）"}


@statutes_app.command("import")
def import_cmd(
    files: list[str] = typer.Argument(..., help="LawRefBook 式 Markdown（.md）或 JSONL（.jsonl）文件"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只解析并显示将导入的内容，不写入"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """导入法规文件。整批文件为一个事务：任一文件有误则全部不写入。"""
    from ..law.importer import import_files

    report = import_files(None, files, dry_run=dry_run)
    if not dry_run and any(law.action != "unchanged" for law in report.laws):
        _embed_imported()
    if as_json:
        emit_json(report.to_dict())
        return
    labels = _DRY_ACTIONS if dry_run else _ACTIONS
    for law in report.laws:
        typer.echo(f"{law.title}\t{law.version or '-'}\t{law.status}\t{law.articles} 条\t"
                   f"{labels[law.action]}\t{law.file}")
        if dry_run:  # what would be stored
            typer.echo(f"  类别 {law.doc_type} · 制定机关 {law.issuing_body or '-'} · 文号 "
                       f"{law.document_number or '-'} · 公布 {law.publish_date or '-'} · 施行 "
                       f"{law.effective_date or '-'} · {law.chapters} 章 · id {law.law_id}")
    if dry_run:
        typer.echo("（--dry-run：未写入任何内容）")


def _embed_imported() -> None:
    """With the dense stage on, embed the imported articles now (progress on stderr) rather than
    at the first question; only articles without a vector are encoded (search/dense.py)."""
    from ..search.retrieve import dense_enabled, searcher

    if dense_enabled():
        searcher(store(), dense=True)


@statutes_app.command("remove")
def remove_cmd(
    title: str = typer.Argument(..., help="导入法规的标准标题"),
    version: str = typer.Option(None, "--version", help="只删除该版本（默认删除全部导入版本）"),
) -> None:
    """删除导入的法规（基础库中的法规不能删除）。"""
    from ..law.importer import remove_law

    ids = remove_law(None, title, version)
    typer.echo(f"已删除 {len(ids)} 个版本：{title}")
