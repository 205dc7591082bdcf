"""Operations (law/amenditems.py) applied to the stored articles of a law: the new list of rows and,
per changed article, what changed (修改/增加/删去). Pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..text import int_to_cn
from .amenditems import AmendmentError, Op

# How a deleted article reads in a consolidated text (the base database's own convention).
DELETED_TEXT = "（删去）"

CHANGED, ADDED, DELETED = "修改", "增加", "删去"

_ITEM_LINE = re.compile(r"^[（(](?P<n>[一二三四五六七八九十]+)[）)]")


@dataclass(frozen=True)
class Row:
    """One article as stored, before it becomes an Article (the store adds law and ordinal)."""

    article_no: str
    number: int
    suffix: int
    text: str
    chapter: str | None = None
    section: str | None = None


def apply(rows: list[Row], ops: list[Op]) -> tuple[list[Row], list[tuple[str, str, str]]]:
    """The rows with every operation applied, and (article number, 修改/增加/删去, item label) per
    change. AmendmentError when an operation does not fit the text (a missing article or 款):
    the caller then applies none of the amendment."""
    rows = list(rows)
    changes: list[tuple[str, str, str]] = []
    for op in ops:
        pos = _find(rows, op.article)
        row = rows[pos]
        if op.kind == "add_articles":
            taken = {r.article_no for r in rows}
            new = []
            for no, num, suf, text in op.new_articles:
                if no in taken:
                    raise AmendmentError(f"{no} 已存在")
                new.append(Row(no, num, suf, text, row.chapter, row.section))
                changes.append((no, ADDED, op.item_label))
            rows[pos + 1:pos + 1] = new
            continue
        if op.kind == "delete":
            rows[pos] = replace(row, text=DELETED_TEXT)
            changes.append((op.article, DELETED, op.item_label))
            continue
        rows[pos] = replace(row, text=_edit(row.text, op))
        changes.append((op.article, CHANGED, op.item_label))
    return rows, changes


def _find(rows: list[Row], article_no: str) -> int:
    for i, row in enumerate(rows):
        if row.article_no == article_no:
            if row.text == DELETED_TEXT:
                raise AmendmentError(f"{article_no} 已删去")
            return i
    raise AmendmentError(f"没有{article_no}")


def _groups(lines: list[str]) -> list[list[str]]:
    """Lines → 款 groups: a 款 and the 项 lines (（一）…) that follow it (as law/clauses.py reads)."""
    groups: list[list[str]] = []
    for line in lines:
        if _ITEM_LINE.match(line) and groups:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _edit(text: str, op: Op) -> str:
    """The article's text with the operation (a replacement, or one on its 款 or 项) applied."""
    if op.kind == "replace":
        return "\n".join(op.body)
    groups = _groups([l for l in text.split("\n") if l.strip()])
    paras = list(op.paragraphs)
    if any(p < 1 for p in paras):
        raise AmendmentError("款号")
    edit = _EDITS.get(op.kind)
    if edit is None:
        raise AmendmentError(op.kind)
    return "\n".join(line for group in edit(groups, paras, op) for line in group)


def _replace_paragraphs(groups: list[list[str]], paras: list[int], op: Op) -> list[list[str]]:
    if paras != list(range(paras[0], paras[-1] + 1)) or paras[-1] > len(groups):
        raise AmendmentError(f"{op.article}没有第{int_to_cn(paras[-1])}款")
    groups[paras[0] - 1:paras[-1]] = _groups(list(op.body))
    return groups


def _delete_paragraphs(groups: list[list[str]], paras: list[int], op: Op) -> list[list[str]]:
    if max(paras) > len(groups):
        raise AmendmentError(f"{op.article}没有第{int_to_cn(max(paras))}款")
    groups = [g for i, g in enumerate(groups, 1) if i not in paras]
    if not groups:
        raise AmendmentError(f"{op.article}删去全部各款")
    return groups


def _add_paragraphs(groups: list[list[str]], paras: list[int], op: Op) -> list[list[str]]:
    new = _groups(list(op.body))
    if len(new) != len(paras):
        raise AmendmentError(f"{op.article}增加的款数与条文不符")
    for p, group in zip(paras, new):
        if p > len(groups) + 1:
            raise AmendmentError(f"{op.article}没有第{int_to_cn(p - 1)}款")
        groups.insert(p - 1, group)
    return groups


def _change_item(groups: list[list[str]], paras: list[int], op: Op) -> list[list[str]]:
    """replace_item and add_item: one 项 line of one 款 replaced, or inserted (those after it
    renumbered)."""
    g = _group_with_items(groups, op)
    items = groups[g][1:]
    n = op.item
    line = op.body[0] if len(op.body) == 1 else None
    if line is None or n is None:
        raise AmendmentError("一项的文本")
    if not _ITEM_LINE.match(line):
        line = f"（{int_to_cn(n)}）{line}"
    if op.kind == "replace_item":
        if n > len(items):
            raise AmendmentError(f"{op.article}没有第{int_to_cn(n)}项")
        items[n - 1] = line
    else:
        if n > len(items) + 1:
            raise AmendmentError(f"{op.article}没有第{int_to_cn(n - 1)}项")
        items.insert(n - 1, line)
        items = [_renumber_item(l, i) if i > n else l for i, l in enumerate(items, 1)]
    groups[g] = [groups[g][0], *items]
    return groups


_EDITS = {"replace_paragraphs": _replace_paragraphs, "delete_paragraphs": _delete_paragraphs,
          "add_paragraphs": _add_paragraphs, "replace_item": _change_item, "add_item": _change_item}


def _group_with_items(groups: list[list[str]], op: Op) -> int:
    """The 款 whose 项 the operation changes: the one it names, else the only one with 项."""
    if op.paragraphs:
        g = op.paragraphs[0] - 1
        if g >= len(groups):
            raise AmendmentError(f"{op.article}没有第{int_to_cn(g + 1)}款")
        return g
    with_items = [i for i, group in enumerate(groups) if len(group) > 1]
    if len(with_items) != 1:
        raise AmendmentError(f"{op.article}的项不止一款")
    return with_items[0]


def _renumber_item(line: str, n: int) -> str:
    m = _ITEM_LINE.match(line)
    return f"（{int_to_cn(n)}）{line[m.end():]}" if m else line
