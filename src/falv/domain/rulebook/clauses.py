"""Sentence and clause bounds in a prepared question, and the span helpers the reading and the
ordering of actors share (a span is (start, end) of words in the text)."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[。！？!?；;\n]")
CLAUSE_START = re.compile(r"[，。；！？,;!?：:]")


def start_of(bound: re.Pattern, text: str, pos: int) -> int:
    """Where the sentence or clause (`bound`: SENTENCE_END or CLAUSE_START) holding `pos` begins."""
    return max((m.end() for m in bound.finditer(text, 0, pos)), default=0)


def spans_of(found: dict, spans: dict, dims) -> list[tuple[int, int]]:
    """The spans of every entry read in the dimensions `dims`."""
    return [sp for d in dims for k in found.get(d, []) for sp in spans.get(f"{d}.{k}", [])]


def inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    """Whether `span` lies within one of `others`."""
    return any(o[0] <= span[0] and span[1] <= o[1] for o in others)
