"""Currency of wording (时效性): terms in older material that have been replaced since.

The table is data (law/data/outdated_terms.toml); each entry names what replaced the term, from
when, and on what basis. `find_outdated` returns spans into the text as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import load_data


@dataclass(frozen=True)
class OutdatedTerm:
    term: str
    replacement: str
    since: str
    note: str
    basis: str
    pattern: str | None = None

    def to_dict(self) -> dict:
        return {"term": self.term, "replacement": self.replacement, "since": self.since,
                "note": self.note, "basis": self.basis}


@dataclass(frozen=True)
class OutdatedMatch:
    entry: OutdatedTerm
    span: tuple[int, int]
    text: str

    def to_dict(self) -> dict:
        return {**self.entry.to_dict(), "span": list(self.span), "text": self.text}


@lru_cache(maxsize=1)
def outdated_terms() -> list[OutdatedTerm]:
    """Every entry of outdated_terms.toml (term, replacement, since, note, basis)."""
    data = load_data("outdated_terms.toml")
    return [OutdatedTerm(row["term"], row["replacement"], row.get("since", ""), row.get("note", ""),
                         row.get("basis", ""), row.get("pattern")) for row in data.get("term", [])]


@lru_cache(maxsize=1)
def _regex() -> tuple[re.Pattern, dict[str, OutdatedTerm]]:
    entries = sorted(outdated_terms(), key=lambda e: -len(e.term))  # longest term first
    groups = {}
    parts = []
    for i, entry in enumerate(entries):
        name = f"t{i}"
        groups[name] = entry
        parts.append(f"(?P<{name}>{entry.pattern or re.escape(entry.term)})")
    return re.compile("|".join(parts)), groups


def find_outdated(text: str) -> list[OutdatedMatch]:
    """Every outdated term in `text`, with its span (longest term wins where terms overlap)."""
    if not text:
        return []
    regex, groups = _regex()
    return [OutdatedMatch(groups[m.lastgroup], m.span(), m.group()) for m in regex.finditer(text)]
