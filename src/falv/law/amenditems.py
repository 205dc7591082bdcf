"""An amendment's items read into operations (law/consolidate.py puts them in force): replace an
article, its 款 or 项; add articles 作为第X条之一, 款, 项; delete an article or a 款. An item this
module does not read (a renumbering 将第X条改为第Y条, a phrase edit 其中的“…”修改为“…”) is listed as
unsupported, and then the whole amendment is not applied. Pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..errors import FalvError
from ..text import cn_to_int, format_article_no, parse_article_no

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
_COMMENCE = re.compile(r"^本(?:修正案|决定)自.+(?:施行|生效)。?$")


class AmendmentError(FalvError):
    """An amendment item falv cannot apply to the stored text (kept internal: the store reports
    the amendment as not applied)."""


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
    """One item's operations: a deletion (no quoted text), else one of the forms below, tried in
    order; AmendmentError for any other."""
    m = _SPLIT.match(text)
    head, body, tail = (text, (), "") if m is None else (m.group("head"), *_body(m.group("body")))
    head = head.strip().rstrip("，,：:")
    if not body:
        return _deletion(label, head.rstrip("。"), law)
    if tail == "。" and not body[-1].endswith("。"):  # …的规定处罚"。 — the full stop outside
        body, tail = (*body[:-1], body[-1] + "。"), ""
    if tail:
        _check_tail(head, tail)
    return _edit_ops(label, head, body, law)


def _deletion(label: str, head: str, law: str) -> list[Op]:
    """删去第X条 or 删去第X条第Y款."""
    if m2 := re.fullmatch(rf"删去{law}{_ART}", head):
        return [Op("delete", _no(m2, 1), label)]
    if m2 := re.fullmatch(rf"删去{law}{_ART}{_PARAS}", head):
        return [Op("delete_paragraphs", _no(m2, 1), label, _numbers(m2.group(3)))]
    raise AmendmentError(head)


def _check_tail(head: str, tail: str) -> None:
    """Words after the quoted text: only 原第三项改为第四项 after an added 项, which inserting it
    does anyway."""
    m2 = re.fullmatch(rf"原第({_N})项改为第({_N})项。?", tail)
    added = re.search(rf"增加一项，?作为第({_N})项$", head)
    if m2 is None or added is None or not (
            cn_to_int(m2.group(1)) == cn_to_int(added.group(1)) == cn_to_int(m2.group(2)) - 1):
        raise AmendmentError(tail)


def _edit_ops(label: str, head: str, body: tuple[str, ...], law: str) -> list[Op]:
    """The operations of an item with quoted text, by the form of its head."""
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
