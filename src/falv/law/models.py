"""Value types of the statute layer: laws, articles, references, citations and verdicts.

`Ref` is the one reference to an article (law as named, article, 款, 项) that every layer passes
around; a `Citation` is a reference found in a text (with its span); a `Verdict` is what the
verifier says about one, and `passes` is the one rule of which verdicts pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..text import format_article_no, int_to_cn

# Status labels as the national database writes them.
IN_FORCE = "现行有效"
AMENDED = "已被修改"
REPEALED = "已废止"
HISTORICAL = "历史版本"
QUOTED = "quoted"  # Law.source of a text quoted by a Q&A source (the KB's tables; unverified)
# The one article of an instrument without numbered articles (a 批复 of one paragraph): a
# citation of the whole instrument resolves to it.
FULL_TEXT = "全文"



@dataclass(frozen=True)
class Amendment:
    """An amendment (刑法修正案（十二）, 关于修改《X》的决定) that falv applied to a stored text to
    give the text in force (law/consolidate.py), and what it changed there."""

    title: str
    law_id: str
    published: str | None
    effective: str | None
    changes: tuple[tuple[str, str, str], ...] = ()  # (article number, 修改/增加/删去, its item 第一条)

    @property
    def name(self) -> str:
        """刑法修正案（十二）: the title as lawyers say it (without 中华人民共和国)."""
        return self.title.removeprefix("中华人民共和国")


def amendment_note(amended_by) -> str | None:
    """The amendments that worded an article ({amendment, item, change, effective} each, as
    Article.amended_by gives them) in words: 经刑法修正案（十二）第一条修改，2024-03-01起施行."""
    parts = []
    for a in amended_by:
        when = f"，{a['effective']}起施行" if a.get("effective") else ""
        parts.append(f"经{a['amendment'].removeprefix('中华人民共和国')}{a['item']}{a['change']}{when}")
    return "；".join(parts) or None


@dataclass(frozen=True)
class Law:
    """One version of one instrument."""

    law_id: str
    title: str
    doc_type: str
    status: str
    issuing_body: str | None = None
    document_number: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    version: str | None = None  # version date or label; several versions of one title may coexist
    source: str = "base"  # base · import · quoted (kept from a Q&A source, unverified)
    note: str | None = None
    amendments: tuple[Amendment, ...] = ()  # applied by falv to the stored text, oldest first

    @property
    def imported(self) -> bool:
        """Imported by `falv statutes import` (not the base DB, not a text a Q&A source quoted)."""
        return self.source not in ("base", QUOTED)


@dataclass(frozen=True)
class Article:
    law: Law
    article_no: str  # the statute's own spelling: 第二百五十三条之一
    number: int
    suffix: int  # 之N, 0 when none
    text: str
    chapter: str | None = None
    section: str | None = None
    ordinal: int = 0  # position in the law

    @property
    def key(self) -> tuple[str, str]:
        return (self.law.title, self.article_no)

    @property
    def amended_by(self) -> list[dict]:
        """The amendments falv applied to this article: {amendment, item, change, published,
        effective} each, oldest first (empty for an article as stored)."""
        return [{"amendment": a.title, "item": item, "change": change, "published": a.published,
                 "effective": a.effective}
                for a in self.law.amendments for no, change, item in a.changes
                if no == self.article_no]

    def amendment_note(self) -> str | None:
        """经刑法修正案（十二）第一条修改，2024-03-01起施行 — for text output; None when unchanged."""
        return amendment_note(self.amended_by)

    def to_dict(self) -> dict:
        return {
            "law": self.law.title,
            "law_id": self.law.law_id,
            "article": self.article_no,
            "chapter": self.chapter,
            "section": self.section,
            "text": self.text,
            "status": self.law.status,
            "doc_type": self.law.doc_type,
            "version": self.law.version,
            "publish_date": self.law.publish_date,
            "effective_date": self.law.effective_date,
            "source": self.law.source,
            "amended_by": self.amended_by,
        }


@dataclass(frozen=True)
class Ref:
    """A reference to an article: (law as named or its canonical title, article number text as
    the statute spells it — 第二百五十三条之一 —, 款, 项). `anchor`: words of the text the
    reference means (a rule written against one version of a law names them, so that another
    version's article under the same number is never taken for it); not part of its identity."""

    law: str
    article: str
    paragraph: int | None = None  # 款
    item: int | None = None  # 项
    anchor: str | None = field(default=None, compare=False)

    @property
    def clause(self) -> str:
        """第五条第一款第三项 — the reference as a lawyer writes it."""
        text = self.article
        if self.paragraph:
            text += f"第{int_to_cn(self.paragraph)}款"
        if self.item:
            text += f"第{int_to_cn(self.item)}项"
        return text

    def label(self, title: str | None = None) -> str:
        return f"《{title or self.law}》{self.clause}"

    def key(self) -> tuple[str, str]:
        return (self.law, self.article)

    def to_dict(self) -> dict:
        """{law, article} — and paragraph/item only when the reference names one."""
        out = {"law": self.law, "article": self.article}
        if self.paragraph:
            out["paragraph"] = self.paragraph
        if self.item:
            out["item"] = self.item
        return out


@dataclass(frozen=True)
class ArticleRef:
    """A reference to an article inside a citation: 第X条[之Y][第Z款][第W项]."""

    number: int
    suffix: int = 0
    paragraph: int | None = None  # 款
    item: int | None = None  # 项

    @property
    def article_no(self) -> str:
        return format_article_no(self.number, self.suffix)


@dataclass(frozen=True)
class Citation:
    """A citation found in text: the law as written, the article, and where it stands."""

    law_text: str | None  # the law name as written (None for a bare 第X条 or 本法 without context)
    ref: ArticleRef | None  # None for a citation of a whole law (《侵权责任法》)
    span: tuple[int, int]
    raw: str
    law_title: str | None = None  # canonical title once resolved
    law_id: str | None = None
    quoted_text: str | None = None


class VerdictKind(str, Enum):
    OK = "ok"
    PARTIAL_QUOTE = "partial_quote"
    MISMATCH = "mismatch"
    NOT_FOUND = "not_found"
    REPEALED = "repealed"
    SUPERSEDED_VERSION = "superseded_version"
    UNVERIFIABLE = "unverifiable"


PASSING = frozenset({VerdictKind.OK, VerdictKind.PARTIAL_QUOTE})


def passes(kind: "VerdictKind | str | None") -> bool:
    """The one pass rule: a citation passes when its article exists, is current and any quote
    matches it (ok) or is a faithful excerpt (partial_quote); every other verdict fails."""
    try:
        return VerdictKind(kind) in PASSING
    except ValueError:
        return False


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    law: str | None = None
    article: str | None = None
    detail: str = ""
    replacement: str | None = None  # e.g. 《中华人民共和国民法典》第一千一百九十四条
    diff: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return passes(self.kind)

    def to_dict(self) -> dict:
        return {
            "verdict": self.kind.value,
            "law": self.law,
            "article": self.article,
            "detail": self.detail,
            "replacement": self.replacement,
            "diff": self.diff,
            "notes": list(self.notes),
        }
