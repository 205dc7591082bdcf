"""What a statute file parses to: a ParsedLaw with its ParsedArticles, before it is written.

Shared by the parsers (law/markdown.py, law/jsonl.py, law/headers.py) and the writer
(law/importer.py). Identity: law_id = "imp-" + hash(canonical title, version), so re-importing an
unchanged law is a no-op and a changed one replaces the stored version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .lawrefbook import Hints


@dataclass
class ParsedArticle:
    article_no: str
    number: int
    suffix: int
    text: str
    chapter: str | None = None
    section: str | None = None
    line: int = 0


@dataclass
class ParsedLaw:
    """One law as read from a file, before it is written."""

    title: str
    doc_type: str
    status: str
    issuing_body: str | None
    document_number: str | None
    publish_date: str | None
    effective_date: str | None
    version: str | None
    note: str | None
    source_file: str
    articles: list[ParsedArticle] = field(default_factory=list)
    hints: Hints | None = None  # what the LawRefBook layout said (versions decided per batch)
    explicit_status: bool = False  # the file's own header named the status

    def add_note(self, text: str) -> None:
        self.note = f"{self.note}\n{text}" if self.note else text

    @property
    def text_hash(self) -> str:
        """Hash of the title and article texts only: two files with the same one are duplicates."""
        payload = [self.title, [[a.article_no, a.text] for a in self.articles]]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:32]

    @property
    def law_id(self) -> str:
        return law_id_for(self.title, self.version)

    @property
    def content_hash(self) -> str:
        """Hash of everything stored except provenance (file path, import time)."""
        payload = [self.title, self.doc_type, self.status, self.issuing_body, self.document_number,
                   self.publish_date, self.effective_date, self.version, self.note,
                   [[a.article_no, a.chapter, a.section, a.text] for a in self.articles]]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:32]


def law_id_for(title: str, version: str | None) -> str:
    return "imp-" + hashlib.sha256(f"{title}\x1f{version or ''}".encode()).hexdigest()[:12]
