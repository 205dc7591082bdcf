"""`falv statutes …`: list the instruments in the store (import lives in the importer's module)."""

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
