"""The text in force: amendments applied to the stored text they post-date.

Why: the base database holds the 2020-12-26 刑法 (marked 已被修改) and, beside it, 刑法修正案（十二）
of 2023-12-29 whose items say 「将刑法第一百六十五条修改为：…」. The law a user asks about is the
stored text with those items applied. Three steps (pure functions, no I/O):

* `parse_items` (law/amenditems.py) — an amendment's items → operations (replace an article, its
  款 or 项; add articles 作为第X条之一, 款, 项; delete an article or a 款). An item it does not
  understand (a renumbering 将第X条改为第Y条, a phrase edit 其中的“…”修改为“…”) makes the whole
  amendment unsupported: it is then not applied at all, and the store says so.
* `apply` (law/amendedits.py) — operations → the new list of articles and, per changed article,
  what changed.
* `plan` (here) — which stored amendments post-date which stored text (by title and date), applied in
  date order; the store (law/store.py) keeps the result per store generation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from .amendedits import DELETED_TEXT, Row, apply
from .amenditems import AmendmentError, Op, parse_items
from .models import AMENDED, HISTORICAL, IN_FORCE, QUOTED, Amendment, Law

# Bump when parsing or applying changes what the store returns: search indexes key on it.
VERSION = 1

_TARGET_PATTERNS = (re.compile(r"^(?P<title>.+?)修正案(?:（[^（）]*）)?$"),
                    re.compile(r"关于修改《(?P<title>[^《》]+)》的决定$"))

__all__ = ["DELETED_TEXT", "VERSION", "AmendmentError", "Op", "Plan", "Row", "apply", "historical_id",
           "join_note", "parse_items", "plan", "short_name", "target_title", "version_date"]


# -- which law an amendment amends ------------------------------------------------------------

def target_title(title: str) -> str | None:
    """中华人民共和国刑法修正案（十二） → 中华人民共和国刑法; 关于修改《X》的决定 → X."""
    for pattern in _TARGET_PATTERNS:
        m = pattern.search(title)
        if m and m.group("title") != title:
            return m.group("title")
    return None


def short_name(title: str) -> str:
    """How an amendment names the law it amends: 中华人民共和国刑法 → 刑法."""
    return title.removeprefix("中华人民共和国")


# -- planning ---------------------------------------------------------------------------------

@dataclass
class Plan:
    """What the store shows instead of the stored rows: per amended law, its consolidated Law and
    rows; per amended law, its text before the amendments as a historical version."""

    laws: dict[str, Law] = field(default_factory=dict)  # law_id → Law (replaced or added)
    rows: dict[str, list[Row]] = field(default_factory=dict)  # consolidated law_id → its rows
    originals: dict[str, str] = field(default_factory=dict)  # historical law_id → stored law_id
    key: list[str] = field(default_factory=list)  # what was applied, for the store's content hash


def version_date(law: Law) -> str:
    return law.version or law.publish_date or ""


def historical_id(law_id: str, version: str) -> str:
    """The id of a stored text that amendments applied after it have made historical."""
    return f"{law_id}@{version}"


def plan(laws: dict[str, Law], read_rows: Callable[[Law], list[Row]]) -> Plan:
    """Apply every stored amendment to the newest live text of the law it amends, when the
    amendment is newer than that text (by date); amendments in date order, each all or nothing,
    stopping at the first one that cannot be applied (a later one may build on it)."""
    out = Plan()
    newest = _newest_live(laws)
    amendments: dict[str, list[Law]] = {}
    seen: set[tuple[str, str]] = set()
    for law in sorted(laws.values(), key=lambda l: (l.source != "base", l.law_id)):
        if law.source == QUOTED or law.status not in (IN_FORCE, AMENDED):
            continue
        title = target_title(law.title)
        target = newest.get(title) if title else None
        if target is None or version_date(law) <= version_date(target):
            continue
        if (law.title, version_date(law)) in seen:  # the same amendment from two sources
            continue
        seen.add((law.title, version_date(law)))
        amendments.setdefault(target.law_id, []).append(law)
    for target_id, found in sorted(amendments.items()):
        target = laws[target_id]
        rows = read_rows(target)
        applied: list[Amendment] = []
        failed = None
        for amendment in sorted(found, key=version_date):
            items = [(r.article_no, r.text) for r in read_rows(amendment)]
            parsed = parse_items(items, short_name(target.title))
            if parsed.unsupported or not parsed.ops:
                failed = (amendment, "、".join(parsed.unsupported) or "没有可适用的修改")
                break
            try:
                rows_after, changes = apply(rows, parsed.ops)
            except AmendmentError as exc:
                failed = (amendment, str(exc))
                break
            rows = rows_after
            applied.append(Amendment(amendment.title, amendment.law_id, amendment.publish_date,
                                     amendment.effective_date, tuple(changes)))
            out.key.append(f"{target_id}<{amendment.law_id}")
        # the base database's 已被修改 remark describes the stored text, not the consolidated one
        note = None if target.status == AMENDED else target.note
        if failed is not None:
            amendment, why = failed
            note = join_note(note, f"《{amendment.title}》（{version_date(amendment)}）晚于本文本，但其修改"
                               f"方式 falv 尚不能自动适用（{why}）：本文本不含该修正的修改")
            out.key.append(f"{target_id}!{amendment.law_id}")
        if not applied:
            if failed is not None:
                out.laws[target_id] = replace(target, note=join_note(target.note, note.splitlines()[-1]))
            continue
        last = applied[-1]
        names = "、".join(f"《{a.title}》" for a in applied)
        old_id = historical_id(target_id, version_date(target))
        out.laws[old_id] = replace(
            target, law_id=old_id, status=HISTORICAL,
            note=join_note(target.note, f"时效性：{names}修改前的文本（已被修改，现行文本为 {last.published} 版本）"))
        out.originals[old_id] = target_id
        out.laws[target_id] = replace(
            target, status=IN_FORCE, version=last.published, publish_date=last.published,
            amendments=tuple(applied),
            note=join_note(note, f"现行文本：{version_date(target)} 文本经{names}修改（falv 依修正条文逐条适用）"))
        out.rows[target_id] = rows
    return out


def _newest_live(laws: dict[str, Law]) -> dict[str, Law]:
    """Per title, the newest version in force (ties: base before import)."""
    newest: dict[str, Law] = {}
    for law in laws.values():
        if law.source == QUOTED or law.status not in (IN_FORCE, AMENDED):
            continue
        have = newest.get(law.title)
        if have is None or (version_date(law), law.source == "base") > (version_date(have), have.source == "base"):
            newest[law.title] = law
    return newest


def join_note(note: str | None, text: str) -> str:
    """A law's note with one more line."""
    return f"{note}\n{text}" if note else text
