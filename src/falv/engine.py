"""The façade: one public method per verb, for the CLI, the HTTP API and the MCP server alike.

Why one façade: each adapter used to call the library its own way and got its own JSON shape.
Here every input is checked once (falv.limits), every call runs against one Context (store,
resolver, searcher, KB matcher, composer) and every result is a typed object with one `to_dict`.
The adapters parse their arguments, call a method and render what it returns; the same call
gives the same JSON through all three.

The Context is keyed by one revision: the store's meta row that every write moves on. A new
revision (a write in this or another process) reloads the store and builds a new Context; nothing
else is invalidated by hand. One lock serialises calls, because the SQLite connections and the
index caches below are shared by the server's threads.
"""

from __future__ import annotations

import difflib
import sqlite3
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import limits
from .answer.compose import Composer
from .answer.kbmatch import KbMatcher
from .answer.model import Answer
from .domain.personal_info.channels import list_scenarios, route
from .domain.personal_info.drafts import draft_kinds, render_draft
from .domain.personal_info.severity import severity
from .errors import InputError, NotFoundError
from .kb.ingest import IngestReport, ingest_files
from .law.importer import ImportReport, import_files, remove_law
from .law.models import FULL_TEXT, Article
from .law.resolve import Resolver, resolver_for
from .law.store import StatuteStore
from .law.verify import CheckedCitation, verify_text
from .search.index import is_law_kind
from .search.retrieve import Hit, Searcher
from .text import canonical_article_no


# -- typed results (each serialises once, the same for every adapter) --------------------------

GROUP_TOP = 5  # hits per group of other kinds (司法解释, 行政法规, 部门规章)
LAWS_GROUP = "法律"


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]  # the ranking of laws (and any instrument cited in the question)
    groups: list[tuple[str, list[Hit]]] = field(default_factory=list)  # [(kind, hits)] of other kinds

    def to_dict(self) -> dict:
        """{query, hits, groups}: the ranking (each hit's group 法律, or the kind of an instrument
        cited in the question), then [{kind, hits}] of the other kinds, apart from the ranking."""
        return {"query": self.query,
                "hits": [dict(h.to_dict(), group=LAWS_GROUP if is_law_kind(h.article.law.doc_type)
                              else h.article.law.doc_type) for h in self.hits],
                "groups": [{"kind": kind, "hits": [dict(h.to_dict(), group=kind) for h in members]}
                           for kind, members in self.groups]}


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    current: bool  # the law is in force and not replaced by a newer version

    def to_dict(self) -> dict:
        return {**self.article.to_dict(), "current": self.current}


@dataclass(frozen=True)
class VerifyResult:
    citations: list[CheckedCitation]

    @property
    def passed(self) -> bool:
        """The one pass rule (Verdict.passed) over every citation: `falv verify` exits by it."""
        return all(c.passed for c in self.citations)

    def to_dict(self) -> dict:
        return {"citations": [c.to_dict() for c in self.citations], "count": len(self.citations),
                "passed": self.passed}


# -- one context per store revision -------------------------------------------------------------

class Context:
    """What one revision of the store derives, each part built on first use."""

    def __init__(self, store: StatuteStore, revision: str | None, dense: bool | None):
        self.store = store
        self.revision = revision
        self.dense = dense

    @property
    def resolver(self) -> Resolver:
        return resolver_for(self.store)  # cached per store generation, which reload() moves on

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher(self.store, dense=self.dense)

    @cached_property
    def kb(self) -> KbMatcher:
        return KbMatcher.load(self.store)

    @cached_property
    def composer(self) -> Composer:
        return Composer(self.store, dense=self.dense, searcher=self.searcher, kb=self.kb)


def lookup_article(store, law: str, article: str, version: str | None = None,
                   resolver: Resolver | None = None) -> Article:
    """LAW (exact title or alias, never a substring) + ARTICLE (any spelling, or 全文) → the stored
    Article of the version the name (or `version`) points to; NotFoundError with the nearest
    titles/articles/versions otherwise."""
    limits.check_text(law, "法规名称", limits.MAX_NAME_CHARS, empty_hint="请给出法规名称")
    limits.check_text(article, "条号", limits.MAX_ARTICLE_CHARS)
    res = resolver or resolver_for(store)
    title = res.resolve_title(law)
    if title is None:
        near = res.nearest_titles(law, n=5)
        raise NotFoundError(f"法规库中没有《{law}》",
                            hint="相近的法规：" + "、".join(near) if near else None)
    article_no = FULL_TEXT if article.strip() == FULL_TEXT else canonical_article_no(article)
    found = res.law_for(title, law)
    if version:  # `--version 2010-01-09` / `2010`: another stored version of the instrument
        found = store.law_version(title, version)
        if found is None:
            labels = [v.version or v.publish_date or "?" for v in store.laws_by_title(title)]
            raise NotFoundError(f"《{title}》没有版本 {version}", hint="已有版本：" + "、".join(labels))
    art = store.article(found.law_id, article_no)
    if art is None:
        numbers = [a.article_no for a in store.articles(found.law_id)]
        near = difflib.get_close_matches(article_no, numbers, n=3, cutoff=0.4)
        raise NotFoundError(f"《{title}》没有{article_no}（共 {len(numbers)} 条）",
                            hint="最接近的条文：" + "、".join(near) if near else None)
    return art


class Engine:
    """The engine of one process: one store, one context per revision, one lock."""

    def __init__(self, store: StatuteStore | None = None, dense: bool | None = None):
        self.store = store if store is not None else StatuteStore()
        self.dense = dense  # the optional dense search stage (None: FALV_DENSE decides)
        self.lock = threading.RLock()
        self._context = Context(self.store, self._read_revision(), dense)

    # -- the context ------------------------------------------------------------------------------

    def _read_revision(self) -> str | None:
        try:
            row = self.store.own.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        except sqlite3.Error:  # a store without the meta table has never been written
            return None
        return row[0] if row else None

    def context(self) -> Context:
        """The context of the store's current revision (call with the lock held): a write made
        since, here or by another process, reloads the store and starts a new context."""
        revision = self._read_revision()
        if revision != self._context.revision:
            self.store.reload()
            self._context = Context(self.store, revision, self.dense)
        return self._context

    # -- reading ----------------------------------------------------------------------------------

    def health(self) -> dict:
        with self.lock:
            laws = self.context().store.laws()
            return {"status": "ok", "laws": len(laws),
                    "imported": sum(1 for l in laws if l.source != "base")}

    def ask(self, question: str) -> Answer:
        limits.check_question(question)
        with self.lock:
            return self.context().composer.answer(question)

    def search(self, query: str, top: int = 10, law: str | None = None) -> SearchResult:
        limits.check_question(query)
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= limits.MAX_TOP:
            raise InputError(f"top 应在 1 到 {limits.MAX_TOP} 之间：{top}")
        if law:  # "" or None: every law
            limits.check_text(law, "法规名称", limits.MAX_NAME_CHARS)
        with self.lock:
            searcher = self.context().searcher
            hits = searcher.search(query, top=top, law=law or None)
            groups = [] if law else searcher.groups(query, per_group=GROUP_TOP)
            return SearchResult(query, hits, groups)

    def article(self, law: str, article: str, version: str | None = None) -> ArticleResult:
        """The stored article (exact title or alias; `version`: another stored version), with
        whether its law is current."""
        if version is not None:
            limits.check_text(version, "版本", limits.MAX_ARTICLE_CHARS)
        with self.lock:
            ctx = self.context()
            art = lookup_article(ctx.store, law, article, version, ctx.resolver)
            return ArticleResult(art, ctx.store.is_current(art.law))

    def verify(self, text: str, quotes: bool = False, as_of: str | None = None) -> VerifyResult:
        limits.check_length(text, "文本", limits.MAX_TEXT_CHARS)  # NUL allowed: any document
        if not text.strip():
            raise InputError("没有可核验的文本")
        with self.lock:
            return VerifyResult(verify_text(self.context().store, text, quotes=quotes, as_of=as_of))

    def route(self, question: str | None = None, scenario: str | None = None) -> dict:
        if scenario:  # a named scenario wins over the question
            limits.check_text(scenario, "场景", limits.MAX_SCENARIO_CHARS)
        elif question is not None:
            limits.check_question(question)
        with self.lock:
            return route(question, scenario, self.context().store)

    def scenarios(self) -> list[dict]:
        return list_scenarios()

    def severity(self, counts: dict | None = None, gains="0", **flags) -> dict:
        with self.lock:
            return severity(counts or {}, gains, self.context().store, **flags)

    def draft(self, kind: str, fill: dict | None = None, fmt: str = "markdown") -> dict:
        with self.lock:
            return render_draft(kind, fill or {}, self.context().store, fmt)

    def draft_kinds(self) -> list[dict]:
        return draft_kinds()

    # -- writing (the API guards these with FALV_ADMIN_TOKEN) -------------------------------------

    def import_files(self, paths, dry_run: bool = False, keep_going: bool = False,
                     progress=None) -> ImportReport:
        """Statute files, folders or archives imported as one batch (one transaction; dry_run
        rolls it back; keep_going stores what parses and lists the rest); progress(done, total,
        name) is called per file read."""
        with self.lock:
            return import_files(self.context().store, paths, dry_run=dry_run,
                                keep_going=keep_going, progress=progress)

    def remove_statute(self, title: str, version: str | None = None) -> list[str]:
        """Imported versions of a law removed (all, or the one with this version label)."""
        with self.lock:
            return remove_law(self.context().store, title, version)

    def ingest_files(self, paths, dry_run: bool = False, names=None) -> IngestReport:
        """Q&A documents ingested into the knowledge base as one batch."""
        with self.lock:
            return ingest_files(self.context().store, paths, dry_run=dry_run, names=names)

    def import_statutes(self, files: list[tuple[str, str]], dry_run: bool = False) -> ImportReport:
        """files: uploaded (name, text) pairs, written to a private temp dir, imported as one batch."""
        with _as_files(files) as paths:
            return self.import_files(paths, dry_run=dry_run)

    def kb_ingest(self, files: list[tuple[str, str]]) -> IngestReport:
        with _as_files(files) as paths:
            # provenance records the uploaded names, not the temporary paths
            return self.ingest_files(paths, names=[Path(n or p.name).name
                                                   for (n, _), p in zip(files, paths)])


class _as_files:
    """Uploaded (name, text) pairs as files in a temp dir that disappears afterwards."""

    def __init__(self, files: list[tuple[str, str]]):
        if not files:
            raise InputError("没有要导入的文件")
        if len(files) > limits.MAX_FILES:
            raise InputError(f"一次最多导入 {limits.MAX_FILES} 个文件")
        self.files = files

    def __enter__(self) -> list[Path]:
        self.tmp = tempfile.TemporaryDirectory(prefix="falv-upload-")
        try:
            return self._write()
        except BaseException:
            self.tmp.cleanup()
            raise

    def _write(self) -> list[Path]:
        paths = []
        for i, (name, text) in enumerate(self.files):
            base = Path(name or f"file{i}.md").name  # no directories from the client
            if not base or base.startswith(".") or not base.endswith((".md", ".jsonl", ".txt")):
                raise InputError(f"文件名不可用：{name!r}", hint="应为 *.md、*.jsonl 或 *.txt")
            path = Path(self.tmp.name) / f"{i:03d}-{base}"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths

    def __exit__(self, *exc) -> None:
        self.tmp.cleanup()


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process's engine, created on first use (each uvicorn worker has its own)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine
