"""Results of the knowledge-base verbs: list, show, ingest, reverify, import."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..law.models import VerdictKind
from .answer import KbProvenance
from .base import Result, ResultList


class KbEntryRow(Result):
    """One line of `kb list`: counts, not contents."""

    id: str = Field(description="the entry number (`falv kb show ID`)")
    question: str = Field(description="its question")
    answers: int = Field(description="source answers merged into it")
    points: int = Field(description="distinct analysis points")
    basis: int = Field(description="法律依据 citations")
    verified: int = Field(description="of them passing verification")
    annotations: int = Field(description="currency notes (outdated terms)")


class KbEntryList(ResultList):
    """The knowledge base's entries, one line each."""

    root: list[KbEntryRow]


class KbCitation(Result):
    """A citation of a source answer with its stored verdict."""

    id: int = Field(description="its row id")
    role: Literal["basis", "reference", "analysis"] = Field(
        description="basis (opens a 法律依据 line) · reference (inside a quoted article) · analysis (in a point)")
    law: str | None = Field(description="the law as checked")
    article: str | None = Field(description="the article")
    quoted_text: str | None = Field(description="what the source quotes (basis)")
    verdict: VerdictKind = Field(description="the stored verdict")
    badge: str = Field(description="the verdict's mark (✔ ✘ ⚠ ？)")
    passed: bool = Field(description="the verdict passes")
    detail: str = Field(description="the verdict in words")
    replacement: str | None = Field(description="the current law/article for a repealed reference")
    diff: str | None = Field(description="where the quote differs")
    raw: str = Field(description="the citation as written")
    law_text: str | None = Field(description="the law name as written")
    quoted_law_id: str | None = Field(description="the 'quoted by source' text kept for an instrument the store lacks")
    provenance: KbProvenance = Field(description="where it stands in the source")


class KbAnnotation(Result):
    """A currency note on a point's text (text[span[0]:span[1]] is the term); never a rewrite."""

    id: int = Field(description="its row id")
    point_id: int = Field(description="the point it annotates")
    kind: str = Field(description="outdated_term · repealed")
    span: list[int] = Field(description="[start, end) in the point's text")
    term: str = Field(description="the outdated term")
    replacement: str = Field(description="what replaces it")
    note: str = Field(description="the note")
    since: str | None = Field(description="since when")
    basis: str | None = Field(description="the article that says so")


class KbPoint(Result):
    id: int = Field(description="its row id")
    kind: Literal["intro", "point"] = Field(description="intro (a lead-in line) · point")
    label: str | None = Field(description="一 / 1 where the source enumerates")
    text: str = Field(description="normalised text")
    original: str = Field(description="as the source wrote it")
    provenances: list[KbProvenance] = Field(description="every place it occurs")
    citations: list[KbCitation] = Field(description="citations in the point")
    annotations: list[KbAnnotation] = Field(description="currency notes on it")


class KbAnswer(Result):
    id: int = Field(description="its row id")
    question: str = Field(description="the question as the source asked it (normalised)")
    provenance: KbProvenance = Field(description="where the answer stands")
    points: list[KbPoint] = Field(description="points first seen in this answer")
    basis: list[KbCitation] = Field(description="its 法律依据")
    references: list[KbCitation] = Field(description="citations mentioned inside quoted articles")


class KbEntry(Result):
    """One knowledge-base entry with every source answer merged into it."""

    id: str = Field(description="the entry number")
    question: str = Field(description="its question")
    answers: list[KbAnswer] = Field(description="the source answers merged into it")
    annotations: list[KbAnnotation] = Field(description="every currency note of its points")


class IngestBasis(Result):
    law: str | None = Field(description="the law")
    article: str | None = Field(description="the article")
    role: Literal["basis", "reference"] = Field(description="basis · reference")
    verdict: VerdictKind = Field(description="its verdict")


class IngestAnnotation(Result):
    term: str = Field(description="the outdated term")
    kind: str = Field(description="outdated_term · repealed")
    replacement: str = Field(description="what replaces it")


class IngestEntry(Result):
    entry_id: str = Field(description="the entry it was stored as (or merged into)")
    marker: str = Field(description="its marker in the document (㈠ …)")
    question: str = Field(description="its question")
    merged: bool = Field(description="merged into an existing entry of the same question")
    lines: list[int] = Field(description="[first, last] line")
    points: int = Field(description="analysis points")
    new_points: int = Field(description="of them not stored before")
    basis: list[IngestBasis] = Field(description="its 法律依据, verified")
    analysis_citations: int = Field(description="citations inside its points")
    annotations: list[IngestAnnotation] = Field(description="outdated terms found")


class StoredQuote(Result):
    law: str = Field(description="the instrument the store lacks")
    article: str = Field(description="the article quoted")
    law_id: str = Field(description="the 'quoted by source' text's id")


class IngestFile(Result):
    file: str = Field(description="the document")
    encoding: str = Field(description="its encoding (UTF-8 or GB18030)")
    style: str = Field(description="its numbering style")
    sha256: str = Field(description="its content hash (a document ingested before is skipped)")
    skipped_lines: list[int] = Field(description="heading lines before the first entry, ignored")
    entries: list[IngestEntry] = Field(description="its entries")
    quoted_articles: list[StoredQuote] = Field(description="quoted texts kept for instruments the store lacks (unverified)")
    action: Literal["added", "unchanged"] = Field(description="added · unchanged (ingested before, same bytes)")


class IngestResult(Result):
    """What an ingest read and stored (or would store)."""

    dry_run: bool = Field(description="nothing was written")
    changed: bool = Field(description="the knowledge base changed (or would)")
    files: list[IngestFile] = Field(description="each document")


class VerdictChange(Result):
    id: int = Field(description="the citation's row id")
    role: str = Field(description="basis · reference · analysis")
    law: str | None = Field(description="the law")
    article: str | None = Field(description="the article")
    old: VerdictKind = Field(description="the stored verdict")
    new: VerdictKind = Field(description="the verdict now")


class ReverifyResult(Result):
    """The stored citations verified again against the store as it is now."""

    dry_run: bool = Field(description="nothing was written")
    checked: int = Field(description="stored citations looked at")
    changed: list[VerdictChange] = Field(description="verdicts that changed (or would)")


class KbImportResult(Result):
    """What an import of an export loaded."""

    entries: int = Field(description="entries imported")
    sources: int = Field(description="source documents")
    quoted_laws: int = Field(description="'quoted by source' instruments")
