"""Entry numbering in seed-format documents (seedfmt.py describes the format): the numbering
styles (㈠, Ⅰ, 一、, 1. …), a numeral's value (a Chinese numeral only when well formed), the style
that best explains a document with the lines that open its entries, and the check that no
numbered line opening its own 法律分析 block is left unattributed."""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import FalvError, ImportRejected
from ..limits import MAX_ENTRY_NUMBER, MAX_NUMERAL_CHARS
from ..text import cn_to_int, int_to_cn

_CN = "一二三四五六七八九十百千万零〇两"
_ROMAN = {ch: i for i, ch in enumerate("ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ", 1)}

# Entry numbering styles, in order of preference when two explain a document equally well.
# Each pattern runs on a normalised line and yields (num, rest).
ENTRY_STYLES: dict[str, re.Pattern] = {
    "circled": re.compile(r"^\s*(?P<num>[㈠-㈩])\s*(?P<rest>.*)$"),
    "roman": re.compile(r"^\s*(?P<num>[Ⅰ-Ⅻ])(?:\s*[.、,:]|\s|(?=\S))\s*(?P<rest>.*)$"),
    "paren_cn": re.compile(rf"^\s*\((?P<num>[{_CN}]{{1,{MAX_NUMERAL_CHARS}}})\)\s*(?P<rest>.*)$"),
    "cn": re.compile(rf"^\s*(?P<num>[{_CN}]{{1,{MAX_NUMERAL_CHARS}}})、\s*(?P<rest>.*)$"),
    "digit_dot": re.compile(r"^\s*(?P<num>\d+)\.(?!\d)\s*(?P<rest>.*)$"),
    "digit": re.compile(r"^\s*(?P<num>\d+)、\s*(?P<rest>.*)$"),
    "circled_digit": re.compile(r"^\s*(?P<num>[①-⑳])\s*(?P<rest>.*)$"),
    "paren_digit": re.compile(r"^\s*\((?P<num>\d+)\)\s*(?P<rest>.*)$"),
}
# What each style's entry line starts with (after blanks): _heads runs a style's pattern only on
# lines that start so (a document is scanned once per style).
STYLE_START: dict[str, re.Pattern] = {
    style: re.compile(start) for style, start in (
        ("circled", "[㈠-㈩]"), ("roman", "[Ⅰ-Ⅻ]"), ("paren_cn", r"\("), ("cn", f"[{_CN}]"),
        ("digit_dot", r"\d"), ("digit", r"\d"), ("circled_digit", "[①-⑳]"),
        ("paren_digit", r"\("))}
MARKER_SHAPE = {"circled": "{n}", "roman": "{n}", "paren_cn": "({n})", "cn": "{n}、",
                "digit_dot": "{n}.", "digit": "{n}、", "circled_digit": "{n}", "paren_digit": "({n})"}

def _number(style: str, num: str) -> int:
    if style == "circled":
        return ord(num) - 0x3220 + 1
    if style == "circled_digit":
        return ord(num) - 0x2460 + 1
    if style == "roman":
        return _ROMAN[num]
    if style in ("cn", "paren_cn"):
        return _cn_number(num)
    if len(num) > len(str(MAX_ENTRY_NUMBER)):  # no 4-digit ceiling, but int() stays bounded
        return -1
    return int(num)


def _cn_canon(numeral: str) -> str:
    """A Chinese numeral in the one spelling compared: 二 for 两, 零 for 〇, 十 for 一十."""
    return numeral.replace("两", "二").replace("〇", "零").replace("一十", "十")


@lru_cache(maxsize=1 << 16)
def _cn_number(numeral: str) -> int:
    """The value of a well-formed Chinese numeral (一百一十一, 一千零一, 一万二千, 两百, 一百十一),
    else -1: cn_to_int reads 一一 as 11 and 十百 as 110, which as entry numbers would be guesses."""
    try:
        n = cn_to_int(numeral)
    except FalvError:
        return -1
    if not 0 < n <= MAX_ENTRY_NUMBER or n >= 10 ** 8:
        return -1
    return n if _cn_canon(int_to_cn(n)) == _cn_canon(numeral) else -1


def _style_lines(norm: list[str], kinds: list[str | None]) -> dict[str, list[int]]:
    """Per entry style, the lines _heads has to look at, in order: the block labels and the lines
    whose first non-blank character can start that style's pattern (STYLE_START)."""
    labels: list[int] = []
    by_first: dict[str, list[int]] = {}
    for i, line in enumerate(norm):
        if kinds[i]:
            labels.append(i)
        elif first := line.lstrip()[:1]:
            by_first.setdefault(first, []).append(i)
    return {style: sorted([i for ch, lines in by_first.items() if start.match(ch) for i in lines]
                          + labels)
            for style, start in STYLE_START.items()}


def _heads(norm: list[str], style: str, kinds: list[str | None],
           lines: list[int] | None = None) -> list[tuple[int, int, str, str]]:
    """(index, number, marker, rest) of the lines that open entries in this style: the first
    numbered line, then each whose number is the previous entry's plus one (an analysis
    enumeration restarts and stays text). A numbering that restarts at 1 after a 法律依据 block
    (two documents joined, or ㈠…㈩ then ㈠ again) opens a new entry: enumerations inside an
    answer belong to its analysis. `lines`: the indexes to look at (_style_lines), default all."""
    pattern = ENTRY_STYLES[style]
    heads: list[tuple[int, int, str, str]] = []
    last = 0
    block = None
    for i in range(len(norm)) if lines is None else lines:
        line = norm[i]
        if kinds[i]:
            block = kinds[i]
            continue
        m = pattern.match(line)
        if not m:
            continue
        n = _number(style, m.group("num"))
        if n <= 0:
            continue
        if not heads or n == last + 1 or (n == 1 and block == "basis"):
            heads.append((i, n, MARKER_SHAPE[style].format(n=m.group("num")), m.group("rest").strip()))
            last = n
            block = None
    return heads


def choose_style(norm: list[str], kinds: list[str | None]) -> tuple[str, list] | None:
    """The entry style that best explains the document: segments (head to next head) that contain
    a block label count for a style, segments without one against it — an analysis enumeration
    (一、 right before 二、) leaves label-less segments. Ties go to the earlier style in
    ENTRY_STYLES; a style needs at least one segment with a label."""
    is_label = [k is not None for k in kinds]
    best = None
    candidates = _style_lines(norm, kinds)
    for style in ENTRY_STYLES:
        heads = _heads(norm, style, kinds, candidates[style])
        if not heads:
            continue
        good = 0
        for k, (i, *_rest) in enumerate(heads):
            end = heads[k + 1][0] if k + 1 < len(heads) else len(norm)
            if any(is_label[j] for j in range(i + 1, end)):
                good += 1
        score = 2 * good - len(heads)
        if good and (best is None or score > best[0]):
            best = (score, style, heads)
    return (best[1], best[2]) if best else None


def check_attributed(name: str, norm: list[str], labels_at: list, style: str, heads: list) -> None:
    """A numbered line of the entry style that is not an entry head, yet opens its own 法律分析
    block (right after it, or after a question on the next line), is an entry whose number does
    not follow the previous entry's (3. after 1., 2. after 3.), whose numeral is not a number
    (十百、) or is past MAX_ENTRY_NUMBER: folding it into the previous entry would lose it
    silently, so it is an error at its line."""
    pattern = ENTRY_STYLES[style]
    opening = {i: n for i, n, *_ in heads}
    last = 0
    for i, line in enumerate(norm):
        if i in opening:
            last = opening[i]
            continue
        if labels_at[i]:
            continue
        m = pattern.match(line)
        if not m or not _opens_analysis(norm, labels_at, i + 1, question=not m.group("rest").strip()):
            continue
        num = m.group("num")
        n = _number(style, num)
        marker = MARKER_SHAPE[style].format(n=num[:12])
        if n < 0 and style in ("cn", "paren_cn") and _cn_syntax_only(num):
            why = f"编号“{num}”不是有效的数字"
        elif n < 0:
            why = f"编号过大（上限 {MAX_ENTRY_NUMBER}）"
        else:
            why = f"编号 {n} 不接续上一条目的编号 {last}（应为 {last + 1}）"
        raise ImportRejected(f"条目 {marker} 无法归属：{why}", location=f"{name}:{i + 1}",
                             hint="请检查编号，或把它改为上一条目法律分析中的普通段落")


def _cn_syntax_only(numeral: str) -> bool:
    """A malformed numeral (十百, 一一) rather than one too large to be an entry number."""
    try:
        return cn_to_int(numeral) <= MAX_ENTRY_NUMBER
    except FalvError:
        return True


def _opens_analysis(norm: list[str], labels_at: list, j: int, question: bool) -> bool:
    """The next non-blank line from j is a 法律分析 label (after one question line when the
    numbered line holds only its marker)."""
    for _ in range(2 if question else 1):
        while j < len(norm) and not norm[j]:
            j += 1
        if j >= len(norm):
            return False
        if labels_at[j]:
            return labels_at[j][0] == "analysis"
        j += 1
    return False
