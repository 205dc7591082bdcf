"""Results of the statute verbs: article, search, verify, the statute list, the data's dates,
health and version, imports and removals, the search index."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..law.models import VerdictKind, amendment_note
from .base import Result


class AmendedBy(Result):
    """An amendment falv applied that worded this article."""

    amendment: str = Field(description="the amending instrument (刑法修正案（十二）…)")
    item: str = Field(description="its item that made the change (第一条)")
    change: Literal["修改", "增加", "删去"] = Field(description="what the item did to the article")
    published: str | None = Field(description="when the amendment was published")
    effective: str | None = Field(description="when it took effect")


class _Worded(Result):
    """An article's text as falv applied the amendments to it (its `amended_by`)."""

    def amendment_note(self) -> str | None:
        """经刑法修正案（十二）第一条修改，2024-03-01起施行 — None when stored as enacted."""
        return amendment_note([a.model_dump() for a in self.amended_by])


class Article(_Worded):
    """One stored article, with whether its law is the version in force."""

    law: str = Field(description="canonical title")
    law_id: str = Field(description="the stored version's id")
    article: str = Field(description="第X条[之Y] (全文 for an instrument without numbered articles)")
    chapter: str | None = Field(description="the chapter")
    section: str | None = Field(description="the section")
    text: str = Field(description="verbatim from the store")
    status: str = Field(description="现行有效 · 已被修改 · 已废止 · 历史版本")
    doc_type: str = Field(description="法律 · 司法解释 · 行政法规 · 部门规章 …")
    version: str | None = Field(description="the version's date or label")
    publish_date: str | None = Field(description="published on")
    effective_date: str | None = Field(description="in force from")
    source: str = Field(description="base (the bundled database) · import · quoted (a Q&A source's quote, unverified)")
    amended_by: list[AmendedBy] = Field(default_factory=list, description="the amendments falv applied that worded "
                                        "this article, oldest first")
    current: bool = Field(description="the law is in force and not replaced by a newer version")


class SearchHit(_Worded):
    """One ranked article."""

    law: str = Field(description="canonical title")
    article: str = Field(description="第X条[之Y]")
    text: str = Field(description="verbatim from the store")
    status: str = Field(description="the law's status")
    score: float = Field(description="relevance (0 for an article cited in the question or lent by a bridge)")
    law_id: str = Field(description="the stored version's id")
    chapter: str | None = Field(description="the chapter")
    doc_type: str = Field(description="the instrument's kind")
    reasons: list[str] = Field(description="why it is listed: the query terms it matched, or `rule:ID` / `kb:ID` / "
                                           "`crime:NAME` for a lent article")
    direct: bool = Field(description="cited explicitly in the question (looked up, listed first)")
    via: Literal["question", "crime", "rule", "kb", "search"] = Field(
        description="question (cited in it) · crime (an article of a crime the question names) · rule (named by a "
                    "rule that fits the question) · kb (cited by the same question's knowledge-base entry) · "
                    "search (the ranking); crime/rule/kb name their source in `reasons`")
    amended_by: list[AmendedBy] = Field(default_factory=list, description="the amendments falv applied that worded "
                                        "this article")
    group: str = Field(description="法律 for the ranking, else the kind of the group it is in")


class SearchGroup(Result):
    """The matches of one other kind, apart from the ranking."""

    kind: str = Field(description="司法解释 · 行政法规 · 部门规章 …")
    hits: list[SearchHit] = Field(description="its best matches")


class SearchResult(Result):
    """The articles found for a question: the ranking of laws, then other kinds in groups."""

    query: str = Field(description="the query as given")
    hits: list[SearchHit] = Field(description="the ranking of laws: articles cited in the question first, then those "
                                              "lent by rules and knowledge-base entries, then by relevance")
    groups: list[SearchGroup] = Field(default_factory=list, description="other kinds' matches, in groups, not ranked "
                                      "against the laws")


class CheckedCitation(Result):
    """One citation found in the text, with its verdict."""

    law: str | None = Field(description="the law as checked (canonical title), or as written when unresolved")
    article: str | None = Field(description="the article (null for a citation of a whole law)")
    span: list[int] = Field(description="[start, end) character offsets in the text")
    verdict: VerdictKind = Field(description="ok and partial_quote pass; every other verdict fails")
    replacement: str | None = Field(description="the current law/article for a repealed or renumbered reference")
    detail: str = Field(description="the verdict in words")
    raw: str = Field(description="the citation as written")
    law_text: str | None = Field(description="the law name as written (null for a bare 第X条)")
    diff: str | None = Field(description="where a quote differs from the stored text")
    notes: list[str] = Field(description="further remarks")


class VerifyResult(Result):
    """Every citation found in a text, with its verdict."""

    citations: list[CheckedCitation] = Field(description="every citation found, in text order")
    count: int = Field(description="how many")
    passed: bool = Field(description="every citation passes (`falv verify` exits 1 otherwise)")


class NewestLaw(Result):
    title: str = Field(description="the newest text in force")
    date: str = Field(description="its version date")


class BaseData(Result):
    package: str = Field(description="the package that ships the base database")
    version: str | None = Field(description="its version")
    file: str = Field(description="the database file")
    newest: str | None = Field(description="the newest text in force in the base database")
    installed: str = Field(description="the base database file's date (the install date)")


class AppliedAmendment(Result):
    law: str = Field(description="the amended law")
    amendment: str = Field(description="the amendment falv applied (刑法修正案（十二）…)")
    published: str | None = Field(description="published on")
    effective: str | None = Field(description="in force from")
    articles: int = Field(description="articles it changed")


class DataInfo(Result):
    """How current the stored law is."""

    newest_law: NewestLaw | None = Field(description="the newest text in force (title and version date)")
    base: BaseData = Field(description="the bundled base database")
    amendments: list[AppliedAmendment] = Field(description="amendments falv applied to the stored texts")
    imported: int = Field(description="instruments imported with `falv statutes import`")
    last_import: str | None = Field(description="when the last import ran")
    built_on: str = Field(description="the store's date: the base database's install or the last import, the later")


class StatuteRow(Result):
    law_id: str = Field(description="the stored version's id")
    title: str = Field(description="canonical title")
    doc_type: str = Field(description="法律 · 司法解释 · 行政法规 · 部门规章 …")
    status: str = Field(description="现行有效 · 已被修改 · 已废止 · 历史版本")
    version: str | None = Field(description="the version's date or label")
    source: str = Field(description="base · import · quoted")
    articles: int = Field(description="stored articles of this version")
    amended_by: list[str] = Field(description="the amendments falv applied to this text")


class StatutesResult(Result):
    """The stored instruments, with how current the store is."""

    data: DataInfo = Field(description="how current the store is")
    laws: list[StatuteRow] = Field(description="imported first, then by title and version")


class VersionResult(Result):
    """falv's version and how current its law is."""

    version: str = Field(description="falv's version")
    data: DataInfo = Field(description="how current the store is")


class HealthResult(Result):
    """The server is up: what the store holds and how current it is."""

    status: Literal["ok"] = Field(description="`ok`")
    laws: int = Field(description="stored instruments (every version)")
    imported: int = Field(description="of them imported")
    data: DataInfo = Field(description="how current the store is")


class RemoveResult(Result):
    """The imported versions removed."""

    title: str = Field(description="the title given")
    removed: list[str] = Field(description="the ids of the versions removed")


class ImportedLaw(Result):
    file: str = Field(description="the file it was read from")
    law_id: str = Field(description="its id in the store")
    title: str = Field(description="canonical title")
    version: str | None = Field(description="its version date or label")
    status: str = Field(description="its status")
    doc_type: str = Field(description="its kind")
    articles: int = Field(description="articles read")
    action: Literal["added", "replaced", "unchanged"] = Field(description="what the import did (or would do)")
    issuing_body: str | None = Field(None, description="制定机关")
    document_number: str | None = Field(None, description="文号")
    publish_date: str | None = Field(None, description="published on")
    effective_date: str | None = Field(None, description="in force from")
    chapters: int = Field(0, description="chapters read")
    note: str | None = Field(None, description="what else the importer noticed")


class RejectedFile(Result):
    location: str = Field(description="file (and line) of the problem")
    reason: str = Field(description="why it was refused")
    hint: str | None = Field(None, description="how to fix it")


class DuplicateFile(Result):
    file: str = Field(description="the skipped file")
    duplicate_of: str = Field(description="the file of the same text")
    title: str = Field(description="its title")


class SkippedFile(Result):
    file: str = Field(description="the skipped file")
    reason: str = Field(description="why (not a statute file)")


class ImportResult(Result):
    """What an import read, stored (or would store) and refused."""

    dry_run: bool = Field(description="nothing was written")
    changed: bool = Field(description="the store changed (or would)")
    laws: list[ImportedLaw] = Field(description="every instrument read")
    rejected: list[RejectedFile] = Field(description="files refused (with --keep-going; otherwise the import fails)")
    duplicates: list[DuplicateFile] = Field(description="files of a text already in the batch")
    skipped: list[SkippedFile] = Field(description="files that are not statute texts")
    warnings: list[str] = Field(description="metadata not read, or read in part")


class IndexPart(Result):
    part: Literal["laws", "others"] = Field(description="laws: 宪法, 法律, 立法解释, 决定; others: 司法解释, 行政法规, 部门规章")
    path: str = Field(description="where it is")
    source: Literal["shipped", "cached", "built"] = Field(description="shipped in the package · built before · built now")
    documents: int = Field(description="articles indexed")
    vocabulary: int = Field(description="distinct terms")
    seconds: float = Field(description="build time (0 unless built now)")


class IndexResult(Result):
    """The search index of the store's current content."""

    content_hash: str = Field(description="the store content the index is keyed to")
    parts: list[IndexPart] = Field(description="each part of the index")


__all__ = ["AmendedBy", "Article", "SearchHit", "SearchGroup", "SearchResult", "CheckedCitation",
           "VerifyResult", "NewestLaw", "BaseData", "AppliedAmendment", "DataInfo", "StatuteRow",
           "StatutesResult", "VersionResult", "HealthResult", "RemoveResult", "ImportedLaw",
           "RejectedFile", "DuplicateFile", "SkippedFile", "ImportResult", "IndexPart", "IndexResult",
           ]
