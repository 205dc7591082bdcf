"""`falv kb …`: ingest seed-format Q&A documents, list and show entries, export and import JSONL."""

from __future__ import annotations

import sys

import typer

from ..errors import ImportRejected, InputError
from ..files import decode_text, read_bounded
from ..limits import MAX_KB_IMPORT_BYTES
from ..law.verdicts import label
from . import group, subcommand
from .common import emit_json, engine


def ingest_cmd(
    files: list[str] = typer.Argument(..., help="问答文档（㈠ 问题 / 法律分析 / 法律依据 格式；UTF-8 或 GB18030）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示将写入的内容，不写入"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """导入问答文档：解析、核验引用、标注过时用语、合并重复问题。整批为一个事务。"""
    report = engine().ingest_files(files, dry_run=dry_run)
    if as_json:
        emit_json(report)
        return
    verb = "将" if dry_run else "已"
    for f in report.files:
        if f.action == "unchanged":
            typer.echo(f"{f.file}\tunchanged（此前已导入，内容相同）")
            continue
        typer.echo(f"{f.file}\t{f.encoding}\t{len(f.entries)} 个条目\t编号样式 {f.style}")
        if f.skipped_lines:
            typer.echo(f"  忽略条目前的标题行：{', '.join(map(str, f.skipped_lines))}")
        for e in f.entries:
            how = f"{verb}并入条目 #{e.entry_id}" if e.merged else f"{verb}新建条目 #{e.entry_id}"
            typer.echo(f"  {e.marker} {e.question}\t第 {e.lines[0]}–{e.lines[1]} 行\t{how}"
                       f"\t要点 {e.new_points}/{e.points}")
            for b in e.basis:
                if b.role == "basis":
                    typer.echo(f"    {_badge(b.verdict)}\t《{b.law}》{b.article or ''}")
            for n in e.annotations:
                typer.echo(f"    ⚠ {n.term} → {n.replacement}")
        for q in f.quoted_articles:
            typer.echo(f"  {verb}保存来源引用文本（未核验）：《{q.law}》{q.article}")
    if dry_run:
        typer.echo("（--dry-run：未写入任何内容）")


def _badge(verdict) -> str:
    return label(getattr(verdict, "value", verdict))


def list_cmd(as_json: bool = typer.Option(False, "--json", help="JSON 输出")) -> None:
    """列出知识库条目：编号、问题、来源回答数、引用核验情况。"""
    result = engine().kb_entries()
    if as_json:
        emit_json(result)
        return
    if not len(result):
        typer.echo("知识库为空（用 falv kb ingest FILE 导入问答文档）")
    for r in result:
        typer.echo(f"#{r.id}\t{r.question}\t{r.answers} 个来源回答\t要点 {r.points}\t"
                   f"依据 {r.verified}/{r.basis} 核验通过\t提示 {r.annotations}")


# radon D (23): one KB entry printed part by part (answers, points, basis, references, notes)
def show_cmd(
    entry_id: str = typer.Argument(..., help="条目编号（falv kb list 第一列）"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """显示一个条目：各来源回答的分析要点、法律依据（带核验标记）和时效性提示。"""
    entry = engine().kb_entry(entry_id)
    if as_json:
        emit_json(entry)
        return
    typer.echo(f"#{entry.id} {entry.question}（{len(entry.answers)} 个来源回答）")
    for i, a in enumerate(entry.answers, 1):
        p = a.provenance
        typer.echo(f"\n来源 {i}：{p.file} {p.entry} 第 {p.line_start}–{p.line_end} 行")
        if a.points:
            typer.echo("【法律分析】")
        for pt in a.points:
            label = f"{pt.label}、" if pt.label else ("" if pt.kind == "intro" else "· ")
            typer.echo(f"  {label}{_marked(pt)}")
            cited = "；".join(f"{c.badge}《{c.law}》{c.article or ''}" for c in pt.citations)
            if cited:
                typer.echo(f"    引用：{cited}")
            also = pt.provenances[1:]
            if also:
                typer.echo("    （亦见于 " + "；".join(f"{x.entry} 第 {x.line_start} 行" for x in also) + "）")
        if a.basis:
            typer.echo("【法律依据】")
        for b in a.basis:
            typer.echo(f"  {_badge(b.verdict)}\t《{b.law}》{b.article or ''}\t{b.detail}")
            if b.replacement:
                typer.echo(f"    → {b.replacement}")
            if b.quoted_law_id:
                typer.echo("    引文已作为“来源引用”文本保存（未经官方文本核验）")
        seen_refs = set()
        for r in a.references:
            if (r.law, r.article) not in seen_refs:
                seen_refs.add((r.law, r.article))
                typer.echo(f"  （引文中提及）{_badge(r.verdict)}\t《{r.law}》{r.article or ''}")
    notes = entry.annotations
    if notes:
        typer.echo("\n【提示】")
        seen = set()
        for n in notes:
            if (n.term, n.replacement) in seen:
                continue
            seen.add((n.term, n.replacement))
            typer.echo(f"  ⚠ 原文“{n.term}” → {n.replacement}：{n.note}")


def _marked(point) -> str:
    """The point's text with each annotated term followed by 〔→ replacement〕 (text unchanged)."""
    text, out, pos = point.text, [], 0
    for n in sorted(point.annotations, key=lambda n: n.span[0]):
        if n.span[0] < pos:
            continue
        out.append(text[pos:n.span[1]])
        out.append(f"〔→{n.replacement}〕")
        pos = n.span[1]
    out.append(text[pos:])
    return "".join(out)


def reverify_cmd(
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示将改变的核验结果，不写入"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """按当前法规库重新核验知识库中的全部引用（例如导入司法解释之后），更新有变化的核验结果。"""
    report = engine().kb_reverify(dry_run=dry_run)
    if as_json:
        emit_json(report)
        return
    for c in report.changed:
        typer.echo(f"《{c.law}》{c.article or ''}\t{_badge(c.old)} → {_badge(c.new)}")
    verb = "将更新" if dry_run else "已更新"
    typer.echo(f"核验 {report.checked} 处引用，{verb} {len(report.changed)} 处")


def export_cmd(
    jsonl: bool = typer.Option(True, "--jsonl", help="JSONL 格式（目前唯一的格式）"),
    output: str = typer.Option(None, "-o", "--output", help="输出文件（默认标准输出）"),
) -> None:
    """导出整个知识库（含来源引用文本）为 JSONL；falv kb import 可原样导入。"""
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                engine().kb_export(fh)
        except OSError as exc:
            raise InputError(f"无法写入 {output}：{exc.strerror or exc}") from None
    else:
        engine().kb_export(sys.stdout)
        sys.stdout.flush()


def import_cmd(
    file: str = typer.Argument(..., help="falv kb export --jsonl 的输出"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出：{entries, sources, quoted_laws}"),
) -> None:
    """把 falv kb export 的 JSONL 导入空的知识库（编号、核验结果原样保留）。"""
    text = decode_text(read_bounded(file, MAX_KB_IMPORT_BYTES), file, ImportRejected, bom=False)
    counts = engine().kb_import(text, file)
    if as_json:
        emit_json(counts)
        return
    typer.echo(f"已导入 {counts.entries} 个条目、{counts.sources} 个来源文件、"
               f"{counts.quoted_laws} 部来源引用法规")


def register(app: typer.Typer) -> None:
    """Adds the `falv kb …` group to the `falv` app (falv.cli)."""
    kb_app = group("kb")
    for name, fn in (("ingest", ingest_cmd), ("list", list_cmd), ("show", show_cmd),
                     ("reverify", reverify_cmd), ("export", export_cmd), ("import", import_cmd)):
        subcommand(kb_app, name)(fn)
    app.add_typer(kb_app, name="kb")
