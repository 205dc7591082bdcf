"""The entries of a seed-format document (seedfmt.py describes the format) and how one is built
from its lines once the numbering has been found (seednumbering.py): its question, its 法律分析
points and its 法律依据 block."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import ImportRejected
from ..text import fold_for_compare
from .seednumbering import ENTRY_STYLES, STYLE_START

_QUESTION_PREFIX = re.compile(r"^(?:问题|问|咨询问题)\s*:\s*")

Line = tuple[int, str, str]  # (line index, normalised, original)


@dataclass(frozen=True)
class Point:
    """One analysis point: an enumerated item (label 一 / 1), an intro line, or a paragraph."""

    ordinal: int
    kind: str  # intro · point
    label: str | None
    text: str  # normalised, without the enumeration marker
    original: str  # as written, marker included
    line_start: int
    line_end: int

    @property
    def norm(self) -> str:
        return fold_for_compare(self.text)


@dataclass(frozen=True)
class Basis:
    """The 法律依据 block: normalised lines joined by \\n, with the file line of each."""

    text: str
    original: str
    lines: tuple[int, ...]  # file line number of each line of `text`

    def line_at(self, offset: int) -> int:
        """File line of a character offset into `text`."""
        return self.lines[min(self.text.count("\n", 0, max(0, offset)), len(self.lines) - 1)]


@dataclass(frozen=True)
class Entry:
    marker: str  # ㈠ / 1. / 一、 as written (normalised)
    number: int
    question: str  # normalised
    question_original: str
    line_start: int
    line_end: int
    points: tuple[Point, ...]
    basis: Basis | None
    raw: str  # every original line of the entry, for provenance

    @property
    def has_answer(self) -> bool:
        return bool(self.points) or self.basis is not None


def build_entry(name: str, original: list[str], norm: list[str], labels_at: list, start: int, end: int,
                number: int, marker: str, rest: str) -> Entry:
    """The entry whose head is line `start` (marker, number, the rest of the line) and which ends
    before line `end`; ImportRejected (file:line) when it has no question or no answer."""
    while end > start + 1 and not norm[end - 1]:
        end -= 1  # trailing blank lines belong to no entry
    question, question_original, body = _question(name, original, norm, labels_at, start, end, marker, rest)
    analysis, basis = _blocks(name, original, norm, labels_at, body, end, marker)
    if not analysis and not basis:
        raise ImportRejected(f"条目 {marker}「{question[:30]}」只有问题，没有回答",
                             location=f"{name}:{start + 1}")
    basis_block = None
    if basis:
        basis_block = Basis("\n".join(c for _, c, _ in basis), "\n".join(o for _, _, o in basis),
                            tuple(j + 1 for j, _, _ in basis))
    return Entry(marker, number, question, question_original.strip(), start + 1, end,
                 tuple(_points(analysis)), basis_block, "\n".join(original[start:end]))


def _question(name: str, original: list[str], norm: list[str], labels_at: list, start: int, end: int,
              marker: str, rest: str) -> tuple[str, str, int]:
    """(question, as written, first body line): the rest of the head line, else the next
    non-blank line (the question on the line after the marker), without a 问题: prefix."""
    body = start + 1
    question, question_original = rest, original[start]
    if not question:  # the question on the line after the marker
        while body < end and not norm[body]:
            body += 1
        if body >= end or labels_at[body]:
            raise ImportRejected(f"条目 {marker} 没有问题", location=f"{name}:{start + 1}")
        question, question_original = norm[body], original[body]
        body += 1
    question = _QUESTION_PREFIX.sub("", question).strip()
    if not question:
        raise ImportRejected(f"条目 {marker} 没有问题", location=f"{name}:{start + 1}")
    return question, question_original, body


def _blocks(name: str, original: list[str], norm: list[str], labels_at: list, body: int, end: int,
            marker: str) -> tuple[list[Line], list[Line]]:
    """The non-blank lines of the entry's 法律分析 and 法律依据 blocks (text before the first label
    is analysis); a second 法律分析 block is an error (_unattributed_block)."""
    analysis: list[Line] = []
    basis: list[Line] = []
    current = analysis
    labelled = False  # a 法律分析 label or a 法律依据 block seen in this entry
    for j in range(body, end):
        lab = labels_at[j]
        content, orig = norm[j], original[j]
        if lab:
            if lab[0] == "analysis" and labelled:
                _unattributed_block(name, norm, labels_at, j, body, marker)
            labelled = True
            current = analysis if lab[0] == "analysis" else basis
            content = lab[2]
        if content:
            current.append((j, content, orig))
    return analysis, basis


def _unattributed_block(name: str, norm: list[str], labels_at: list, j: int, body: int,
                        marker: str) -> None:
    """A second 法律分析 block inside one entry (after its 法律分析 label or its 法律依据): the
    line above it is a question whose numbering was not recognised (一百一十一，问题 — a comma
    for 、, another style), which would otherwise vanish into this entry."""
    k = j - 1
    while k > body and (not norm[k] or labels_at[k]):
        k -= 1
    raise ImportRejected(f"条目 {marker} 之后又有“法律分析”块（第 {j + 1} 行），但它前面的“{norm[k][:20]}”"
                         "不是可识别的条目编号", location=f"{name}:{k + 1}",
                         hint="请检查这一行的编号格式，如 一百一十一、问题；或删去多余的“法律分析”标签")


# Enumerations inside an analysis block: the style of the first enumerated line is the top level.
POINT_STYLES: dict[str, re.Pattern] = {
    "cn": ENTRY_STYLES["cn"], "digit": ENTRY_STYLES["digit"], "digit_dot": ENTRY_STYLES["digit_dot"],
    "paren_cn": ENTRY_STYLES["paren_cn"], "paren_digit": ENTRY_STYLES["paren_digit"],
    "circled_digit": ENTRY_STYLES["circled_digit"],
}


@lru_cache(maxsize=4096)
def _point_styles(first: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The POINT_STYLES a line starting with this character can be in (STYLE_START)."""
    return tuple((style, pattern) for style, pattern in POINT_STYLES.items()
                 if STYLE_START[style].match(first))


def _enumerated(line: str) -> tuple[str, str, str] | None:
    for style, pattern in _point_styles(line.lstrip()[:1]):
        m = pattern.match(line)
        if m and m.group("rest"):
            return style, m.group("num"), m.group("rest").strip()
    return None


def _points(lines: list[Line]) -> list[Point]:
    """Ordered points: lines before the first enumerated line are intro points; each enumerated
    line opens a point that continues until the next one; without enumeration every line
    (paragraph) is a point."""
    enumerated = [_enumerated(c) for _, c, _ in lines]
    top = next((e[0] for e in enumerated if e), None)
    points: list[Point] = []
    cur: dict | None = None

    def close():
        if cur is not None:
            points.append(Point(len(points) + 1, cur["kind"], cur["label"], "\n".join(cur["text"]),
                                "\n".join(cur["orig"]), cur["start"], cur["end"]))

    for (j, content, orig), e in zip(lines, enumerated):
        if top is not None and e and e[0] == top:
            close()
            cur = {"kind": "point", "label": e[1], "text": [e[2]], "orig": [orig.strip()],
                   "start": j + 1, "end": j + 1}
        elif top is not None and cur is not None:
            cur["text"].append(content)
            cur["orig"].append(orig.strip())
            cur["end"] = j + 1
        else:
            close()
            cur = None
            points.append(Point(len(points) + 1, "intro" if top is not None else "point", None,
                                content, orig.strip(), j + 1, j + 1))
    close()
    return points
