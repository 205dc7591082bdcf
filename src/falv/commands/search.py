"""`falv search QUESTION` (ranked statute articles) and `falv eval FILE.jsonl` (metrics)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..defaults import DEFAULTS
from ..evaluate import DEPTH, run
from ..limits import MAX_TOP
from . import command
from .common import emit_json, engine, report_index_builds, store

VIA = {"crime": "罪名", "rule": "规则", "kb": "知识库"}  # hits lent by a bridge (answer/bridges.py), as the text output labels them


def search_cmd(
    question: str = typer.Argument(..., help="问题或关键词，如 “骚扰电话不停怎么办”"),
    law: str = typer.Option(None, "--law", help="只在该法律中检索（全称或简称，如 民法典）"),
    top: int = typer.Option(DEFAULTS["search"]["top"], "--top", min=1, max=MAX_TOP, help="返回条数"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
    dense: bool = typer.Option(False, "--dense", help="加入向量检索（需安装可选依赖 dense：pip install -e '.[dense]'；亦可设 FALV_DENSE=1）"),
) -> None:
    report_index_builds()
    result = engine(dense or None).search(question, top=top, law=law)
    if as_json:  # {query, hits}: the ranking (group 法律), then each group's hits
        emit_json(result)
        return
    hits, groups = result.hits, result.groups
    if not hits and not groups:
        typer.echo("未找到相关法条。")
        return
    for rank, h in enumerate(hits, 1):
        why = VIA.get(h.via, "")
        if why:  # lent by a bridge: which rule or entry named it
            why = f"  〔{why}：{'、'.join(r.split(':', 1)[1] for r in h.reasons if r.startswith(h.via + ':'))}〕"
        score = f"  [{h.score:.3f}]" if h.score else ""  # 0: cited or lent, not scored by the ranking
        typer.echo(f"{rank}. 《{h.law}》{h.article}（{_status(h)}）{score}{why}")
        typer.echo(f"   {h.text}")
    for group in groups:
        typer.echo(f"\n【{group.kind}】")
        for rank, h in enumerate(group.hits, 1):
            typer.echo(f"{rank}. 《{h.law}》{h.article}（{_status(h)}）  [{h.score:.3f}]")
            typer.echo(f"   {h.text}")


def _status(hit) -> str:
    """现行有效, and the amendment that gave the article its wording where falv applied one."""
    amended = hit.amendment_note()
    return f"{hit.status} · {amended}" if amended else hit.status


# radon D (21): a command's flags, then its report (JSON, --verbose misses, the table), as printed
def eval_cmd(
    file: Path = typer.Argument(..., help="评测集 JSONL（格式同 ../shared/eval/dev.jsonl）"),
    as_json: bool = typer.Option(False, "--json", help="只输出一个 JSON 对象（固定字段）"),
    k: int = typer.Option(10, "--k", min=1, max=100, help="额外报告 recall@k（默认 10）"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="逐条列出未命中的标准法条及其名次"),
    no_answers: bool = typer.Option(False, "--no-answers", help="不评测 ask 的法律依据（更快）"),
    dense: bool = typer.Option(False, "--dense", help="加入向量检索（需安装可选依赖 dense：pip install -e '.[dense]'；亦可设 FALV_DENSE=1）"),
) -> None:
    report_index_builds()
    metrics, results, notes = run(store(), file, k=k, with_answers=not no_answers,
                                  dense=dense or None, engine=engine(dense or None))
    if as_json:
        emit_json(metrics)
        return
    if verbose:
        for r in results:
            missed = [g for g in r.item.gold if g not in r.found(k)]
            if not missed and not r.item.unresolved and not r.item.requoted:
                continue
            typer.echo(f"[{r.item.id}] {r.item.question[:60]}")
            for key in missed:
                rank = r.rank(key)
                where = f"第 {rank} 名" if rank else f"不在前 {DEPTH} 名"
                typer.echo(f"   未命中：《{key[0]}》{key[1]}（{where}）")
            for g in r.item.unresolved:
                typer.echo(f"   库中没有：《{g['law']}》{g['article']}")
            for written, quoted in r.item.requoted:
                typer.echo(f"   标准条号{written}按参考答案引文改为{quoted}")
            typer.echo("   前三：" + "；".join(
                f"《{t}》{a}" + (f"〔{VIA[r.lent[(t, a)]]}〕" if (t, a) in r.lent else "")
                for t, a in r.ranked[:3]))
    for key, value in metrics.items():
        typer.echo(f"{key}\t{'null' if value is None else value}")
    typer.echo(f"（跳过不可靠标注 {notes['skipped_unreliable']} 条；库中没有的标准法条 "
               f"{notes['unresolved_gold']} 条计为未命中"
               + (f"；按参考答案引文改正条号 {notes['requoted_gold']} 条" if notes.get("requoted_gold") else "")
               + "）")
    if not notes["composer"]:
        typer.echo(f"（{notes['basis_note']}）")


def register(app: typer.Typer) -> None:
    """Adds this module's commands to the `falv` app (falv.cli)."""
    command(app, "search")(search_cmd)
    command(app, "eval")(eval_cmd)
