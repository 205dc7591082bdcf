"""The articles a question cites explicitly (《个人信息保护法》第四十七条, 个保法第四十七条): search
looks them up and lists them first, and ranks only what the question says besides them.

Found and resolved as `falv verify` does (law/find.py → law/resolve.py: aliases, 本法, ranges),
recognising the same law names — the store's titles, imported ones too, their short titles and
aliases — so a citation is one for search exactly when it is one for verify.
"""

from __future__ import annotations

from ..law.find import extract
from ..law.resolve import resolver_for
from ..text import format_article_no


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the citations' spans blanked (offsets kept)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def explicit_citations(store, question: str) -> list[tuple[str, str, tuple[int, int]]]:
    """(canonical title, article number, span) for each explicit citation in the question, found
    and resolved as `falv verify` does (aliases, 本法, ranges), recognising the same law names
    (the store's titles, imported ones too, their short titles and aliases)."""
    resolver = resolver_for(store)
    out = []
    for cit in extract(question, names=resolver.names()):
        if cit.ref is None:
            continue
        cit = resolver.resolve(cit)
        if cit.law_title:
            out.append((cit.law_title, format_article_no(cit.ref.number, cit.ref.suffix),
                        tuple(cit.span)))
    return out
