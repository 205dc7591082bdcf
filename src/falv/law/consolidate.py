"""The text in force: amendments applied to the stored text they post-date.

Why: the base database holds the 2020-12-26 刑法 (marked 已被修改) and, beside it, 刑法修正案（十二）
of 2023-12-29 whose items say 「将刑法第一百六十五条修改为：…」. The law a user asks about is the
stored text with those items applied. This module reads such items (pure functions, no I/O):

* `parse_items` — an amendment's items → operations (replace an article, its 款 or 项; add
  articles 作为第X条之一, 款, 项; delete an article or a 款). An item it does not understand (a
  renumbering 将第X条改为第Y条, a phrase edit 其中的“…”修改为“…”) makes the whole amendment
  unsupported: it is then not applied at all, and the store says so.
* `apply` — operations → the new list of articles and, per changed article, what changed.
* `plan` — which stored amendments post-date which stored text (by title and date), applied in
  date order; the store (law/store.py) keeps the result per store generation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from ..errors import FalvError
from ..text import cn_to_int, format_article_no, int_to_cn, parse_article_no
from .models import AMENDED, HISTORICAL, IN_FORCE, QUOTED, Amendment, Law

# Bump when parsing or applying changes what the store returns: search indexes key on it.
VERSION = 1

# How a deleted article reads in a consolidated text (the base database's own convention).
DELETED_TEXT = "（删去）"

CHANGED, ADDED, DELETED = "修改", "增加", "删去"

# the numerals of article, 款 and 项 numbers (a small class: these patterns compile at start-up)
_N = "[〇零一二两三四五六七八九十百千0-9]+"
_ART = rf"第({_N})条(?:之({_N}))?"
_ART_NC = rf"第{_N}条(?:之{_N})?"
_PARAS = rf"((?:第{_N}款[、和至]?)+)"
_COUNT = r"[一二两三四五六七八九十]+"
_OPEN = "\"“"
_CLOSE = "\"”"
# Statute texts use full-width punctuation; some amendment texts in the base DB carry a
# half-width colon or comma (刑法修正案（八）（九）): the text put in force gets the statute's own.
_FULLWIDTH = str.maketrans({":": "：", ",": "，", ";": "；"})
_SPLIT = re.compile(r"^(?P<head>[^\"“]*?)[：:]?\s*(?P<body>[\"“].*)$", re.S)
_LABEL = re.compile(rf"^(?P<no>{_ART_NC})[\u3000 \t]+(?P<text>.*)$")
_ITEM_LINE = re.compile(r"^[（(](?P<n>[一二三四五六七八九十]+)[）)]")
_COMMENCE = re.compile(r"^本(?:修正案|决定)自.+(?:施行|生效)。?$")
_TARGET_PATTERNS = (re.compile(r"^(?P<title>.+?)修正案(?:（[^（）]*）)?$"),
                    re.compile(r"关于修改《(?P<title>[^《》]+)》的决定$"))


class AmendmentError(FalvError):
    """An amendment item falv cannot apply to the stored text (kept internal: the store reports
    the amendment as not applied)."""


@dataclass(frozen=True)
class Row:
    """One article as stored, before it becomes an Article (the store adds law and ordinal)."""

    article_no: str
    number: int
    suffix: int
    text: str
    chapter: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class Op:
    """One operation of an amendment item."""

    kind: str  # replace · replace_paragraphs · replace_item · add_paragraphs · add_articles ·
    #            add_item · delete · delete_paragraphs
    article: str  # the article changed (for add_articles: the one the new ones follow)
    item_label: str  # the amendment's own item (第一条)
    paragraphs: tuple[int, ...] = ()  # 款 numbers the item names
    item: int | None = None  # 项 number
    body: tuple[str, ...] = ()  # new paragraphs (lines)
    new_articles: tuple[tuple[str, int, int, str], ...] = ()  # (article_no, number, suffix, text)


@dataclass
class Parsed:
    ops: list[Op] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # "第N条：its first words"


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


# -- parsing ----------------------------------------------------------------------------------

def parse_items(items: Iterable[tuple[str, str]], law_short: str) -> Parsed:
    """(item label, item text) pairs of one amendment → its operations. Commencement items (本修正案
    自…起施行) carry no operation; any other item this parser does not read is listed in
    `unsupported`, and then the amendment must not be applied."""
    out = Parsed()
    law = rf"(?:{re.escape(law_short)})?" if law_short else ""
    preamble = re.compile(rf"^为了[^：:\"“]*?，(?=[将在]?{re.escape(law_short)}第)") if law_short else None
    for label, raw in items:
        lines = raw.strip().split("\n")
        while lines and _COMMENCE.match(lines[-1].strip()):  # 本修正案自…起施行 (its own line)
            lines.pop()
        text = "\n".join(lines).strip()
        if preamble is not None:  # a one-item instrument: 为了惩治…，将刑法第X条修改为：…
            text = preamble.sub("", text, count=1)
        if not text:
            continue
        try:
            out.ops.extend(_parse_item(label, text, law))
        except AmendmentError:
            out.unsupported.append(f"{label}：{text[:30]}")
    return out


def _parse_item(label: str, text: str, law: str) -> list[Op]:
    m = _SPLIT.match(text)
    head, body, tail = (text, (), "") if m is None else (m.group("head"), *_body(m.group("body")))
    head = head.strip().rstrip("，,：:")
    if not body:
        head = head.rstrip("。")
        if m2 := re.fullmatch(rf"删去{law}{_ART}", head):
            return [Op("delete", _no(m2, 1), label)]
        if m2 := re.fullmatch(rf"删去{law}{_ART}{_PARAS}", head):
            return [Op("delete_paragraphs", _no(m2, 1), label, _numbers(m2.group(3)))]
        raise AmendmentError(head)
    if tail == "。" and not body[-1].endswith("。"):  # …的规定处罚"。 — the full stop outside
        body, tail = (*body[:-1], body[-1] + "。"), ""
    if tail:  # only 原第三项改为第四项 after an added 项, which inserting it does anyway
        m2 = re.fullmatch(rf"原第({_N})项改为第({_N})项。?", tail)
        added = re.search(rf"增加一项，?作为第({_N})项$", head)
        if m2 is None or added is None or not (
                cn_to_int(m2.group(1)) == cn_to_int(added.group(1)) == cn_to_int(m2.group(2)) - 1):
            raise AmendmentError(tail)
    if m2 := re.fullmatch(rf"将{law}{_ART}修改为", head):
        return [Op("replace", _no(m2, 1), label, body=body)]
    if m2 := re.fullmatch(rf"在?{law}{_ART}中增加{_COUNT}款，?作为{_PARAS}，?将该条修改为", head):
        return [Op("replace", _no(m2, 1), label, body=body)]
    if m2 := re.fullmatch(rf"将{law}{_ART}(?:第({_N})款)?第({_N})项修改为", head):
        para = cn_to_int(m2.group(3)) if m2.group(3) else None
        return [Op("replace_item", _no(m2, 1), label, (para,) if para else (),
                   cn_to_int(m2.group(4)), body)]
    if m2 := re.fullmatch(rf"将{law}{_ART}{_PARAS}修改为", head):
        return [Op("replace_paragraphs", _no(m2, 1), label, _numbers(m2.group(3)), body=body)]
    if m2 := re.fullmatch(rf"在?{law}{_ART}中?增加{_COUNT}款，?作为{_PARAS}", head):
        return [Op("add_paragraphs", _no(m2, 1), label, _numbers(m2.group(3)), body=body)]
    if m2 := re.fullmatch(rf"在?{law}{_ART}(?:第({_N})款)?中?增加一项，?作为第({_N})项", head):
        para = cn_to_int(m2.group(3)) if m2.group(3) else None
        return [Op("add_item", _no(m2, 1), label, (para,) if para else (),
                   cn_to_int(m2.group(4)), body)]
    if m2 := re.fullmatch(rf"在?{law}{_ART}后增加({_COUNT})条，?(?:分别)?作为((?:{_ART_NC}[、和]?)+)", head):
        news = re.findall(_ART_NC, m2.group(4))
        if len(news) != cn_to_int(m2.group(3)) or not all("之" in n for n in news):
            raise AmendmentError(head)  # 作为第X条 without 之: a renumbering
        return [Op("add_articles", _no(m2, 1), label, new_articles=_new_articles(news, body))]
    raise AmendmentError(head)


def _body(quoted: str) -> tuple[tuple[str, ...], str]:
    """The quoted paragraphs of an item (each opens with a quote mark, the last one closes) and
    any words after the closing mark."""
    lines = [l.strip() for l in quoted.strip().split("\n") if l.strip()]
    if not lines:
        return (), ""
    last = lines[-1]
    close = max(last.rfind(c) for c in _CLOSE)
    if close <= 0 and len(lines) == 1:
        raise AmendmentError(quoted[:30])
    tail = last[close + 1:].strip() if close > 0 else ""
    if close > 0:
        lines[-1] = last[:close]
    out = tuple((l[1:] if l[0] in _OPEN else l).translate(_FULLWIDTH) for l in lines)
    if any(not l for l in out):
        raise AmendmentError(quoted[:30])
    return out, tail


def _new_articles(numbers: list[str], body: tuple[str, ...]) -> tuple[tuple[str, int, int, str], ...]:
    """The articles an item adds: one article takes the whole body; several are labelled
    (第一百二十条之二　…) inside it."""
    if len(numbers) == 1 and not _LABEL.match(body[0]):
        num, suf = parse_article_no(numbers[0])
        return ((format_article_no(num, suf), num, suf, "\n".join(body)),)
    found: list[list] = []
    for line in body:
        m = _LABEL.match(line)
        if m:
            found.append([m.group("no"), [m.group("text")]])
        elif found:
            found[-1][1].append(line)
        else:
            raise AmendmentError(line[:30])
    if [no for no, _ in found] != numbers:
        raise AmendmentError("、".join(numbers))
    out = []
    for no, lines in found:
        num, suf = parse_article_no(no)
        out.append((format_article_no(num, suf), num, suf, "\n".join(lines)))
    return tuple(out)


def _no(m: re.Match, group: int) -> str:
    suffix = m.group(group + 1)
    return format_article_no(cn_to_int(m.group(group)), cn_to_int(suffix) if suffix else 0)


def _numbers(text: str) -> tuple[int, ...]:
    """第二款、第三款 → (2, 3); 第二款至第四款 → (2, 3, 4)."""
    parts = re.findall(rf"第({_N})款([至]?)", text)
    out: list[int] = []
    pending_range = False
    for numeral, sep in parts:
        n = cn_to_int(numeral)
        if pending_range and out:
            out.extend(range(out[-1] + 1, n + 1))
        else:
            out.append(n)
        pending_range = sep == "至"
    return tuple(out)


# -- applying ---------------------------------------------------------------------------------

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
    if op.kind == "replace":
        return "\n".join(op.body)
    groups = _groups([l for l in text.split("\n") if l.strip()])
    paras = list(op.paragraphs)
    if any(p < 1 for p in paras):
        raise AmendmentError("款号")
    if op.kind == "replace_paragraphs":
        if paras != list(range(paras[0], paras[-1] + 1)) or paras[-1] > len(groups):
            raise AmendmentError(f"{op.article}没有第{int_to_cn(paras[-1])}款")
        groups[paras[0] - 1:paras[-1]] = _groups(list(op.body))
    elif op.kind == "delete_paragraphs":
        if max(paras) > len(groups):
            raise AmendmentError(f"{op.article}没有第{int_to_cn(max(paras))}款")
        groups = [g for i, g in enumerate(groups, 1) if i not in paras]
        if not groups:
            raise AmendmentError(f"{op.article}删去全部各款")
    elif op.kind == "add_paragraphs":
        new = _groups(list(op.body))
        if len(new) != len(paras):
            raise AmendmentError(f"{op.article}增加的款数与条文不符")
        for p, group in zip(paras, new):
            if p > len(groups) + 1:
                raise AmendmentError(f"{op.article}没有第{int_to_cn(p - 1)}款")
            groups.insert(p - 1, group)
    elif op.kind in ("replace_item", "add_item"):
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
    else:
        raise AmendmentError(op.kind)
    return "\n".join(line for group in groups for line in group)


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
