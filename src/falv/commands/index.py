"""`falv index build`: the search index of the store's current content, built now rather than at
the first question (after `falv statutes import`, or to time a build)."""

from __future__ import annotations

import typer

from . import group, subcommand
from .common import emit_json, engine, report_index_builds

_SOURCES = {"shipped": "随安装包提供，无需建立", "cached": "已建立（可直接加载）", "built": "已建立"}
_PARTS = {"laws": "法律（宪法、法律、立法解释、决定）", "others": "司法解释、行政法规、部门规章"}


def build_cmd(
    force: bool = typer.Option(False, "--force", help="即使已有可用索引也重新建立（写入数据目录）"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    """建立（或确认已有）当前法规库的检索索引，终端上显示进度条。"""
    report_index_builds()
    report = engine().build_index(force=force)
    if as_json:
        emit_json(report.to_dict())
        return
    for part in report.parts:
        took = f"，用时 {part.seconds:.1f} 秒" if part.source == "built" else ""
        typer.echo(f"{_PARTS.get(part.part, part.part)}：{part.documents} 条条文，{part.vocabulary} 个词项，"
                   f"{_SOURCES[part.source]}{took}\n  {part.path}")


def register(app: typer.Typer) -> None:
    """Adds the `falv index …` group to the `falv` app (falv.cli)."""
    index_app = group("index")
    subcommand(index_app, "build")(build_cmd)
    app.add_typer(index_app, name="index")
