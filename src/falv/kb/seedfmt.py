"""Parser for seed-format Q&A documents (pure: bytes in, ParsedDocument out, no store access).

A document is a list of entries. An entry opens with a numbered line (㈠ 个人信息泄露找什么部门投诉)
and holds an answer in blocks: 法律分析 (optional label: text before the first label is analysis
too) and 法律依据 (citations with the quoted article text). Labels are written 【法律分析】,
【法律分析】: or 法律分析: (colon half- or full-width, optional).

Which numbering marks entries is decided per document: analysis text enumerates its own points
(一、二、三、 or 1、2、3、), so the entry style is the one whose numbered lines open segments that
contain answer blocks, numbered one after another (analysis enumerations restart in every entry).
Any numeral counts: 一百一十一、, 一千零一、, 一万二千、, 12000. (a Chinese numeral must be well
formed: 一一、 or 十百、 is not a number). A line of that style whose number is not the next one
stays text — unless it opens its own 法律分析 block: then it is an entry that cannot be
attributed, an error at its line, never merged into the entry before (issue 22: 一百一十一、 was
not read as a number and entries 111… were folded silently into entry 110).

Every line is normalised (full/half width, traditional → simplified, spaces) for processing; the
original text is kept alongside for provenance. Any defect rejects the whole document with
ImportRejected naming file:line.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import FalvError, ImportRejected
from ..files import read_bounded
from ..limits import MAX_ENTRY_NUMBER, MAX_NUMERAL_CHARS, MAX_SEED_FILE_BYTES
from ..text import cn_to_int, fold_for_compare, int_to_cn, normalize

MAX_BYTES = MAX_SEED_FILE_BYTES  # falv.limits

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
_BRACKET_LABEL = re.compile(r"^\s*【(?P<label>[^】\n]{1,20})】\s*:?\s*(?P<rest>.*)$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_QUESTION_PREFIX = re.compile(r"^(?:问题|问|咨询问题)\s*:\s*")


@lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    """label text → 'analysis' | 'basis' (data/labels.toml)."""
    with resources.files("falv.kb").joinpath("data/labels.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {lab: kind for kind in ("analysis", "basis") for lab in data.get(kind, [])}


@lru_cache(maxsize=1)
def _bare_label() -> re.Pattern:
    words = "|".join(sorted(map(re.escape, labels()), key=len, reverse=True))
    # a bare label counts only when followed by a colon, a space, 《 or the end of the line
    return re.compile(rf"^\s*(?P<label>{words})\s*(?::\s*|\s+|(?=《)|$)(?P<rest>.*)$")


# -- value types ------------------------------------------------------------------------------

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


@dataclass
class Document:
    file: str
    encoding: str
    sha256: str
    style: str
    entries: list[Entry] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)  # preamble (title) lines before entry 1


# -- decoding ---------------------------------------------------------------------------------

def decode(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (BOM allowed), else GB18030 decoded strictly; neither → ImportRejected at file:line."""
    if len(data) > MAX_BYTES:
        raise ImportRejected(f"文件过大（{len(data)} 字节，上限 {MAX_BYTES}）", location=f"{name}:1")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf_exc:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf_exc.start) + 1
            raise ImportRejected(
                f"编码无法识别：既不是 UTF-8 也不是 GB18030（第 {utf_exc.start} 字节起无法解码）",
                location=f"{name}:{line}") from None
        return text, "gb18030"


def _lines(text: str) -> list[str]:
    """Split on \\n only (\\r dropped): line numbers agree with editors and with the importer."""
    return [line.rstrip("\r") for line in text.split("\n")]


# -- numbering --------------------------------------------------------------------------------

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


def _label(line: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) for a block label line; kind 'unknown' for an unlisted 【label】."""
    m = _BRACKET_LABEL.match(line)
    if m:
        label = m.group("label").strip()
        return labels().get(label, "unknown"), label, m.group("rest").strip()
    m = _bare_label().match(line)
    if m:
        return labels()[m.group("label")], m.group("label"), m.group("rest").strip()
    return None


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


# -- parsing ----------------------------------------------------------------------------------

def parse_file(path: str | Path, name: str | None = None) -> Document:
    """Parse a file; `name` (default: the path) is what provenance and errors call it."""
    name = name or str(path)
    # a regular file of at most MAX_BYTES, refused before reading otherwise (/dev/zero, a FIFO)
    data = read_bounded(path, MAX_BYTES, location=name, error=ImportRejected)
    return parse_bytes(data, name)


def parse_bytes(data: bytes, name: str) -> Document:
    text, encoding = decode(data, name)
    doc = parse_text(text, name)
    doc.encoding = encoding
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


def parse_text(text: str, name: str = "<text>") -> Document:
    """Parse a decoded document. Raises ImportRejected (file:line) on any defect."""
    if not isinstance(text, str):
        raise ImportRejected("文档必须是文本", location=f"{name}:1")
    original = _lines(text)
    for i, line in enumerate(original):
        bad = _SURROGATE.search(line)
        if bad:
            raise ImportRejected(f"文本含无效字符 U+{ord(bad.group()):04X}（孤立代理项）",
                                 location=f"{name}:{i + 1}")
    norm = [normalize(line) for line in original]
    labels_at = [_label(line) if line else None for line in norm]
    for i, lab in enumerate(labels_at):
        if lab and lab[0] == "unknown":
            raise ImportRejected(f"未知的块标签【{lab[1]}】（可用的标签：{'、'.join(labels())}）",
                                 location=f"{name}:{i + 1}")
    chosen = choose_style(norm, [lab[0] if lab else None for lab in labels_at])
    if chosen is None:
        where = next((i for i, lab in enumerate(labels_at) if lab), None)
        if where is not None:
            raise ImportRejected(f"“{labels_at[where][1]}”块之前没有编号的问题（如 ㈠ 问题）",
                                 location=f"{name}:{where + 1}")
        raise ImportRejected("没有可解析的问答条目：需要编号的问题行（㈠、Ⅰ、一、、1.）及其后的"
                             "法律分析/法律依据块", location=f"{name}:1")
    style, heads = chosen
    _check_attributed(name, norm, labels_at, style, heads)
    doc = Document(name, "utf-8", hashlib.sha256(text.encode("utf-8")).hexdigest(), style)
    first = heads[0][0]
    for i in range(first):
        if labels_at[i]:
            raise ImportRejected(f"“{labels_at[i][1]}”块之前没有编号的问题",
                                 location=f"{name}:{i + 1}")
        if norm[i]:
            doc.skipped_lines.append(i + 1)
    for k, (i, number, marker, rest) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(norm)
        doc.entries.append(_entry(name, original, norm, labels_at, i, end, number, marker, rest))
    return doc


def _entry(name, original, norm, labels_at, start, end, number, marker, rest) -> Entry:
    while end > start + 1 and not norm[end - 1]:
        end -= 1  # trailing blank lines belong to no entry
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

    analysis: list[tuple[int, str, str]] = []  # (line index, normalised, original)
    basis: list[tuple[int, str, str]] = []
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
    if not analysis and not basis:
        raise ImportRejected(f"条目 {marker}「{question[:30]}」只有问题，没有回答",
                             location=f"{name}:{start + 1}")
    points = tuple(_points(analysis))
    basis_block = None
    if basis:
        basis_block = Basis("\n".join(c for _, c, _ in basis), "\n".join(o for _, _, o in basis),
                            tuple(j + 1 for j, _, _ in basis))
    return Entry(marker, number, question, question_original.strip(), start + 1, end,
                 points, basis_block, "\n".join(original[start:end]))


def _check_attributed(name: str, norm: list[str], labels_at: list, style: str, heads: list) -> None:
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


def _points(lines: list[tuple[int, str, str]]) -> list[Point]:
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


__all__ = ["parse_file", "parse_bytes", "parse_text", "decode", "Document", "Entry", "Point", "Basis",
           "ENTRY_STYLES", "labels"]
