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

Split by job: this module decodes, reads the block labels and drives the parse; seednumbering.py
finds the entry numbering and the lines that open entries; seedentry.py builds each entry (its
question, analysis points and 法律依据 block) and holds the value types, re-exported here.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ImportRejected
from ..files import read_bounded
from ..limits import MAX_SEED_FILE_BYTES
from ..text import normalize
from .seedentry import Basis, Entry, Point, build_entry
from .seednumbering import ENTRY_STYLES, check_attributed, choose_style

MAX_BYTES = MAX_SEED_FILE_BYTES  # falv.limits

_BRACKET_LABEL = re.compile(r"^\s*【(?P<label>[^】\n]{1,20})】\s*:?\s*(?P<rest>.*)$")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    _check_characters(name, original)
    norm = [normalize(line) for line in original]
    labels_at = [_label(line) if line else None for line in norm]
    _check_labels(name, labels_at)
    chosen = choose_style(norm, [lab[0] if lab else None for lab in labels_at])
    if chosen is None:
        raise _no_entries(name, labels_at)
    style, heads = chosen
    check_attributed(name, norm, labels_at, style, heads)
    doc = Document(name, "utf-8", hashlib.sha256(text.encode("utf-8")).hexdigest(), style)
    doc.skipped_lines = _preamble(name, norm, labels_at, heads[0][0])
    for k, (i, number, marker, rest) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(norm)
        doc.entries.append(build_entry(name, original, norm, labels_at, i, end, number, marker, rest))
    return doc


def _check_characters(name: str, original: list[str]) -> None:
    """No lone surrogate (U+D800–U+DFFF) in any line."""
    for i, line in enumerate(original):
        bad = _SURROGATE.search(line)
        if bad:
            raise ImportRejected(f"文本含无效字符 U+{ord(bad.group()):04X}（孤立代理项）",
                                 location=f"{name}:{i + 1}")


def _check_labels(name: str, labels_at: list) -> None:
    """No 【label】 that labels.toml does not list."""
    for i, lab in enumerate(labels_at):
        if lab and lab[0] == "unknown":
            raise ImportRejected(f"未知的块标签【{lab[1]}】（可用的标签：{'、'.join(labels())}）",
                                 location=f"{name}:{i + 1}")


def _no_entries(name: str, labels_at: list) -> ImportRejected:
    """The error of a document no numbering style explains: at its first block label, if any."""
    where = next((i for i, lab in enumerate(labels_at) if lab), None)
    if where is not None:
        return ImportRejected(f"“{labels_at[where][1]}”块之前没有编号的问题（如 ㈠ 问题）",
                              location=f"{name}:{where + 1}")
    return ImportRejected("没有可解析的问答条目：需要编号的问题行（㈠、Ⅰ、一、、1.）及其后的"
                          "法律分析/法律依据块", location=f"{name}:1")


def _preamble(name: str, norm: list[str], labels_at: list, first: int) -> list[int]:
    """The non-blank lines (1-based) before the first entry (a title); a block label there is an
    error."""
    skipped = []
    for i in range(first):
        if labels_at[i]:
            raise ImportRejected(f"“{labels_at[i][1]}”块之前没有编号的问题",
                                 location=f"{name}:{i + 1}")
        if norm[i]:
            skipped.append(i + 1)
    return skipped


__all__ = ["parse_file", "parse_bytes", "parse_text", "decode", "Document", "Entry", "Point", "Basis",
           "ENTRY_STYLES", "labels"]
