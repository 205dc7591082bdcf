"""A statute file's bytes → its laws: decode (UTF-8 only, no NUL), split into lines, and hand
them to the markdown or the JSONL parser by the file's suffix.

Every parser raises ImportRejected with file:line on anything malformed, before anything is
written (law/importer.py writes a batch only once every file of it has parsed).
"""

from __future__ import annotations

from pathlib import Path

from .. import limits
from ..errors import ImportRejected
from ..files import read_bounded
from .jsonl import parse_jsonl
from .lawrefbook import Hints
from .markdown import parse_markdown
from .parsed import ParsedLaw

# Resource limit (falv.limits): a statute file is at most a few hundred KB. Bound to a name here
# so that a test may lower it for this module.
MAX_FILE_BYTES = limits.MAX_STATUTE_FILE_BYTES


def parse_file(path: str | Path) -> list[ParsedLaw]:
    """Read and validate one file; raises ImportRejected (with file:line) on anything malformed."""
    path = Path(path)
    return parse_bytes(read_bounded(path, MAX_FILE_BYTES, error=ImportRejected), str(path),
                       path.suffix, None)


def parse_bytes(data: bytes, name: str, suffix: str, hints: Hints | None) -> list[ParsedLaw]:
    """Parse one file's bytes; `hints` is what its place in a LawRefBook layout says."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(f"文件过大（{len(data)} 字节，上限 {MAX_FILE_BYTES} 字节）", location=name)
    lines = split_lines(_decode(data, name))
    if suffix.lower() in (".jsonl", ".ndjson"):
        return parse_jsonl(lines, name)
    return [parse_markdown(lines, name, hints)]


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportRejected(
            f"不是有效的 UTF-8 文本：第 {col} 个字节起无法解码（0x{data[exc.start]:02x}）",
            location=f"{name}:{line}", hint="请先转换为 UTF-8 编码") from exc
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRejected("文件含有 NUL 字符，不是文本文件", location=f"{name}:{line}")
    return text.removeprefix("\ufeff")


def split_lines(text: str) -> list[str]:
    """Lines split on \\n only (str.splitlines also splits on \\x1c-\\x1e, \\x85, \\u2028 …, which
    would make the reported line numbers disagree with an editor's)."""
    return [line.removesuffix("\r") for line in text.split("\n")]
