"""款/项 of an article's text, in one place (the verifier and the domain basis used to split them
two ways). The store joins an article's paragraphs with newlines; a line that opens with （一）
or (一) is an item (项) of the paragraph (款) above it."""

from __future__ import annotations

from ..text import int_to_cn

_ITEM_OPEN = ("（", "(")


def split_clauses(text: str) -> list[tuple[str, list[str]]]:
    """Article text → [(款 text, [项 lines])]."""
    out: list[tuple[str, list[str]]] = []
    for line in (l.strip() for l in text.splitlines()):
        if not line:
            continue
        if line.startswith(_ITEM_OPEN) and out:
            out[-1][1].append(line)
        else:
            out.append((line, []))
    return out


def clause_text(text: str, paragraph: int | None, item: int | None = None) -> str | None:
    """The words of 第N款[第M项], or None when the article has no such clause; the whole text
    when no 款 is named."""
    if not paragraph:
        return text
    paras = split_clauses(text)
    if paragraph > len(paras):
        return None
    head, items = paras[paragraph - 1]
    if not item:
        return "\n".join([head, *items])
    return items[item - 1] if item <= len(items) else None


def missing_clause(text: str, paragraph: int | None, item: int | None = None) -> str | None:
    """'没有第五款（共 2 款）' when the named 款/项 does not exist; None when it does."""
    if not paragraph:
        return None
    paras = split_clauses(text)
    if paragraph > len(paras):
        return f"没有第{int_to_cn(paragraph)}款（共 {len(paras)} 款）"
    items = paras[paragraph - 1][1]
    if item and item > len(items):
        return f"第{int_to_cn(paragraph)}款没有第{int_to_cn(item)}项（共 {len(items)} 项）"
    return None
