"""The façade: one public method per verb, for the CLI, the HTTP API and the MCP server alike.

Why one façade: each adapter used to call the library its own way and got its own JSON shape.
Here every input is checked once (falv.limits; a question by checked_question — the layers below
trust it), every call runs against one Context (falv.context: store, resolver, searcher, KB
matcher, crime names, composer) and every result is one of the models of falv.results (pydantic;
`to_dict()` is its JSON). The adapters parse their arguments, call a method and render what it
returns; the same call gives the same JSON through all three.

The Context is keyed by one revision: the store's meta row that every write moves on. A new
revision (a write in this or another process) reloads the store's rows and installs a new Context
that keeps the old searcher and KB matcher; a background thread (the refresher) builds those of
the new content on a second connection (the index in a child process) and installs another new
Context with them. A context is never changed, only replaced by one assignment of `_context`.

Locks. `Engine.lock` (a FairLock: first come, first served) guards `_context` and everything
reached through it — the store's shared SQLite connection, the searcher, KB matcher and their
caches — plus `_stale`, `_searchers` and `_refresher` (the refresher looks in `_searchers`
without it, only to skip building an index it holds); every read method holds it for its whole
call (verify: per batch of limits.VERIFY_BATCH citations), the refresher only to read what to
build and to install the result, so nothing unbounded runs under it. `Engine._write_lock` makes
this process's writes (imports, removals, ingests, KB import and reverify) one at a time; a write
holds it for its transaction, on a connection of its own, never under `lock`, so readers do not
wait for writers. `_engine_lock` makes get_engine create the process's engine once. There is no
lock for rebuilds: the refresher thread is started under `lock` only when none is alive, so at
most one runs (search/index.py's own lock keeps index builds of one process one at a time).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from . import __version__, limits
from . import results as r
from .answer.analysis import analyse_scenario
from .answer.bridges import POOL, bridge, lent_articles, lent_hits, search_result
from .answer.kbmatch import KbMatcher
from .answer.letters import letter_for_case
from .answer.routing import list_scenarios, route_of
from .context import Context, KbPart, kb_key, new_context, read_revision
from .domain.drafts import draft_kinds, render_draft
from .domain.registry import severity
from .errors import InputError
from .fairlock import FairLock
from .kb.ingest import ingest_files, ingest_texts, reverify
from .law.dataversion import data_info
from .law.importer import import_files, import_texts, remove_law
from .law.resolve import lookup_article
from .law.store import StatuteStore
from .law.verify import CheckedCitation, TextCheck
from .kb.store import Entry, KnowledgeBase
from .search import index as index_mod
from .search.retrieve import Searcher
from .text import normalize


GROUP_TOP = 5  # hits per group of other kinds (司法解释, 行政法规, 部门规章)


def _kb_row(e: Entry) -> r.KbEntryRow:
    """One line of `kb list`: counts, not contents."""
    basis = e.basis
    return r.KbEntryRow(id=e.id, question=e.question, answers=len(e.answers), points=len(e.points),
                        basis=len(basis), verified=sum(1 for b in basis if b.passed),
                        annotations=len(e.annotations))


def checked_question(question) -> str:
    """The one check of a question (ask, route, draft, search): falv.limits' check, then again
    after normalising, which may leave nothing (a question of control characters only). The
    normalised text; the layers below (context, composer, analysis) trust it."""
    return limits.check_question(normalize(limits.check_question(question)))


KEEP_SEARCHERS = 3  # searchers kept per content (an import/remove loop alternates two contents)
_log = logging.getLogger("falv.engine")


class Engine:
    """The engine of one process: one store, one context per revision, one fair lock for readers;
    writes and index builds outside it."""

    def __init__(self, store: StatuteStore | None = None, dense: bool | None = None):
        self.store = store if store is not None else StatuteStore()
        self.dense = dense  # the optional dense search stage (None: FALV_DENSE decides)
        self.lock = FairLock()  # FIFO: an unfair RLock let a request wait seconds under load
        self._write_lock = threading.Lock()  # one write at a time from this process
        self._refresher: threading.Thread | None = None  # at most one (started under self.lock)
        self._stale = False  # the context's searcher / KB matcher are older than the store's rows
        self._searchers: dict = {}  # content hash → Searcher, most recently used last
        self._context = new_context(self.store, read_revision(self.store), dense)

    # -- the context ------------------------------------------------------------------------------

    def context(self) -> Context:
        """The context of the store's current revision (call with the lock held). A write made
        since, here or by another process, reloads the rows at once (articles, verify and health
        see it) and starts a new context that keeps the old searcher and KB matcher until the ones
        for the new content, built in the background, are swapped in."""
        revision = read_revision(self.store)
        if revision != self._context.revision:
            self.store.reload()
            old_searcher, old_kb = self._context.searcher_cell.built, self._context.kb_cell.built
            self._context = new_context(self.store, revision, self.dense, searcher=old_searcher, kb=old_kb)
            self._stale = old_searcher is not None or old_kb is not None
        if self._stale and (self._refresher is None or not self._refresher.is_alive()):
            self._refresher = threading.Thread(target=self._refresh, daemon=True, name="falv-refresh")
            self._refresher.start()
        return self._context

    def _refresh(self) -> None:
        """Build the index and KB matcher of the store's current content on a second connection,
        outside the lock, then swap them in; repeat while writes keep moving the revision."""
        try:
            self._rebuild()
        except sqlite3.ProgrammingError:  # the store was closed (the engine shut down) meanwhile
            _log.info("index rebuild abandoned: the store was closed")

    def _rebuild(self) -> None:
        while True:
            with self.lock:
                if not self._stale:
                    return
                current = self._context.searcher_cell.built
                if current is not None:  # kept: the content may come back (import, remove)
                    self._searchers.setdefault(current.content_hash, current)
                held_key = self._context.kb_key
            try:
                content, idx, new_key, kb = self._build_parts(held_key)
            except Exception:  # e.g. the new content has no current article: the next ask says so
                _log.warning("index rebuild failed", exc_info=True)
                with self.lock:
                    self._context = new_context(self.store, self._context.revision, self.dense)
                    self._stale = False
                return
            with self.lock:
                ctx = self.context()  # rows of the latest write, for the Searcher
                if (self.store.content_hash(), kb_key(self.store)) != (content, new_key):
                    continue  # a write landed while building: build for it instead
                try:
                    self._context = ctx.with_parts(self._searcher_for(content, idx),
                                                   KbPart(kb, new_key) if kb is not None else None)
                except Exception:
                    _log.warning("index swap failed", exc_info=True)
                    self._context = new_context(self.store, ctx.revision, self.dense)
                self._stale = False
                return

    def _build_parts(self, held_key):
        """(content hash, index parts or None, KB key, KB matcher or None): what the store's
        content needs, None where the engine already holds it."""
        side = self._side_store()
        try:
            # one read snapshot (WAL) for every read below: a write landing meanwhile — the last
            # instrument of a kind removed after its law row was read — is the next build's, not
            # an index of no articles ("index rebuild failed", issue 22)
            side.own.execute("BEGIN")
            content, new_key = side.content_hash(), kb_key(side)
            idx = None
            if content not in self._searchers:
                index_mod.build_in_child(side)  # the tokenising loop must not take the server's GIL
                idx = {part: index_mod.load_or_build(side, part) for part in index_mod.parts_needed(side)}
            kb = None if new_key == held_key else KbMatcher.load(side)
            if kb is not None:
                kb.kb = KnowledgeBase(self.store.own)  # read through the engine's connection
            return content, idx, new_key, kb
        finally:
            side.close()

    def _searcher_for(self, content: str, idx) -> Searcher:
        """Under the lock: the kept searcher of this content, or one over the new index parts."""
        searcher = self._searchers.pop(content, None)
        if searcher is None:
            searcher = Searcher(self.store, idx=idx[index_mod.PARTS[0]], dense=self.dense)
            if index_mod.PARTS[1] in idx:  # interpretations, regulations: the groups
                searcher.others = Searcher(self.store, idx[index_mod.PARTS[1]], dense=False)
        self._searchers[content] = searcher  # most recently used last
        while len(self._searchers) > KEEP_SEARCHERS:
            self._searchers.pop(next(iter(self._searchers)))
        return searcher

    def _after_write(self) -> None:
        """After this engine wrote: rows now; the index and KB matcher, where they were built, are
        rebuilt before the writer returns (so its response reflects its write), outside the lock."""
        with self.lock:
            self.context()
            refresher = self._refresher
        if refresher is not None:
            refresher.join()

    def _on_side(self, write):
        """write(side store) run as this process's one write, on a store of its own."""
        with self._write_lock:
            side = self._side_store()
            try:
                return write(side)
            finally:
                side.close()

    def _side_store(self) -> StatuteStore:
        """A second StatuteStore on the same files, for work that must not share connections
        (and an open transaction) with the readers."""
        return StatuteStore(self.store.store_path, self.store.base_path)

    # -- reading ----------------------------------------------------------------------------------

    def health(self) -> r.HealthResult:
        with self.lock:
            laws = self.context().store.laws()
            return r.HealthResult(status="ok", laws=len(laws), imported=sum(1 for l in laws if l.imported),
                                  data=data_info(self.context().store))

    def version(self) -> r.VersionResult:
        """falv's version and how current its law is (`falv --version`)."""
        return r.VersionResult(version=__version__, data=self.data_info())

    def ask(self, question: str) -> r.Answer:
        checked_question(question)
        with self.lock:
            ctx = self.context()
            return ctx.composer.answer(question, ctx.analysis(question))

    def search(self, query: str, top: int = 10, law: str | None = None,
               per_group: int = GROUP_TOP) -> r.SearchResult:
        """Ranked current articles: those the question cites, then those the legal-knowledge
        bridges lend (answer/bridges.py: the case-frame rules and knowledge-base entries that fit
        the question), then the search ranking; other kinds in groups of `per_group`. `law` asks
        for that law's own ranking (no bridges, no groups)."""
        limits.check_question(query)
        top = limits.check_top(top)
        per_group = limits.check_top(per_group)
        if law:  # "" or None: every law
            limits.check_text(law, "法规名称", limits.MAX_NAME_CHARS)
        else:  # the rest of checked_question: the bridges read the question's case analysis
            limits.check_question(normalize(query))
        with self.lock:
            ctx = self.context()
            searcher = ctx.searcher
            if law:
                return search_result(query, searcher.search(query, top=top, law=law), [])
            lent = lent_hits(searcher, lent_articles(ctx.analysis(query), ctx.crimes))
            hits = searcher.search(query, top=max(top, POOL) if lent else top)
            groups = searcher.groups(query, per_group=per_group)
            hits, groups = bridge(hits, groups, lent, top)
            return search_result(query, hits, groups)

    def article(self, law: str, article: str, version: str | None = None) -> r.Article:
        """The stored article (exact title or alias; `version`: another stored version), with
        whether its law is current."""
        if version is not None:
            limits.check_text(version, "版本", limits.MAX_ARTICLE_CHARS)
        with self.lock:
            ctx = self.context()
            art = lookup_article(ctx.store, law, article, version, ctx.resolver)
            return r.Article.model_validate(dict(art.to_dict(), current=ctx.store.is_current(art.law)))

    def verify(self, text: str, quotes: bool = True, as_of: str | None = None) -> r.VerifyResult:
        """Every citation in the text: the article exists, is in force, and (quotes) any quoted
        wording matches the stored text; `as_of`: the text's date (numbers of that time)."""
        limits.check_length(text, "文本", limits.MAX_TEXT_CHARS)  # NUL allowed: any document
        if not text.strip():
            raise InputError("没有可核验的文本")
        # the citations are found outside the lock (no store access), then verified a batch per
        # hold of the lock: a text of 50,000 citations no longer stalls every other request
        with self.lock:
            job = TextCheck(self.context().store, text, quotes=quotes, as_of=as_of)
        citations = job.extract()
        checked: list[CheckedCitation] = []
        for start in range(0, len(citations), limits.VERIFY_BATCH):
            with self.lock:
                self.context()
                checked += job.check(citations[start:start + limits.VERIFY_BATCH])
        return r.VerifyResult(citations=[c.to_dict() for c in checked], count=len(checked),
                              passed=all(c.passed for c in checked))

    def route(self, question: str | None = None, scenario: str | None = None) -> r.RouteResult:
        if scenario:  # a named scenario wins over the question
            limits.check_text(scenario, "场景", limits.MAX_SCENARIO_CHARS)
        elif question is not None:
            checked_question(question)
        with self.lock:
            ctx = self.context()
            if scenario:
                case = analyse_scenario(scenario, ctx.store)
            elif isinstance(question, str) and question.strip():
                case = ctx.analysis(question)
            else:
                raise InputError("请给出问题或场景")
            return r.RouteResult.model_validate(route_of(case, ctx.store))

    def scenarios(self) -> r.ScenarioList:
        return r.ScenarioList.model_validate(list_scenarios())

    def severity(self, counts: dict | None = None, gains="0", **flags) -> r.SeverityResult:
        limits.check_amount_text(gains)  # "" is not 0; -1e99999 keeps its sign in the error
        with self.lock:
            return r.SeverityResult.model_validate(severity(counts or {}, gains, self.context().store, **flags))

    def draft(self, kind: str, fill: dict | None = None, fmt: str = "markdown",
              question: str | None = None) -> r.DraftResult:
        """A letter; with `question`, filled from its facts the way an answer's letters are
        (answer/letters.py), `fill` overriding them."""
        if question is not None:
            checked_question(question)
        with self.lock:
            ctx = self.context()
            if question is not None:
                return r.DraftResult.model_validate(letter_for_case(kind, ctx.analysis(question),
                                                                    ctx.store, fill, fmt))
            return r.DraftResult.model_validate(render_draft(kind, fill or {}, ctx.store, fmt))

    def draft_kinds(self) -> r.DraftKindList:
        return r.DraftKindList.model_validate(draft_kinds())

    def statutes(self, doc_type: str | None = None, imported: bool = False) -> r.StatutesResult:
        """The stored instruments (of one kind; only imported ones), imported first."""
        if doc_type is not None:
            limits.check_length(doc_type, "类别", limits.MAX_NAME_CHARS)
        with self.lock:
            store = self.context().store
            laws = [l for l in store.laws() if (doc_type is None or l.doc_type == doc_type)
                    and (not imported or l.imported)]
            laws.sort(key=lambda l: (l.source == "base", l.title, l.version or ""))
            rows = [r.StatuteRow(law_id=l.law_id, title=l.title, doc_type=l.doc_type, status=l.status,
                                 version=l.version, source=l.source, articles=len(store.articles(l.law_id)),
                                 amended_by=[a.title for a in l.amendments]) for l in laws]
            return r.StatutesResult(data=data_info(store), laws=rows)

    def data_info(self) -> r.DataInfo:
        """How current the stored law is: newest text in force, base DB, applied amendments,
        last import (law/dataversion.py)."""
        with self.lock:
            return r.DataInfo.model_validate(data_info(self.context().store))

    def kb_entries(self) -> r.KbEntryList:
        with self.lock:
            kb = KnowledgeBase(self.context().store.own)
            return r.KbEntryList([_kb_row(e) for e in kb.entries()])

    def kb_entry(self, entry_id: str | int) -> r.KbEntry:
        """One knowledge-base entry by its number (NotFoundError for a bad or unknown one)."""
        with self.lock:
            return r.KbEntry.model_validate(KnowledgeBase(self.context().store.own).get(entry_id).to_dict())

    def kb_export(self, fh) -> int:
        """The whole knowledge base written to the text handle fh as JSONL (`kb import` reads
        it back); the number of lines."""
        with self.lock:
            return KnowledgeBase(self.context().store.own).export_jsonl(fh)

    def kb_import(self, text: str, name: str) -> r.KbImportResult:
        """An export (text, named `name` in errors) loaded into an empty knowledge base, ids and
        verdicts as exported; one transaction on a connection of its own."""
        counts = self._on_side(lambda side: KnowledgeBase(side.own).import_jsonl(text, name))
        self._after_write()
        return r.KbImportResult.model_validate(counts)

    def kb_reverify(self, dry_run: bool = False) -> r.ReverifyResult:
        """Every stored KB citation verified again against the store as it is now; the verdicts
        that changed are updated (unless dry_run)."""
        report = self._on_side(lambda side: reverify(side, dry_run=dry_run))
        if not dry_run:
            self._after_write()
        return r.ReverifyResult.model_validate(report)

    def warm(self) -> None:
        """Build or load what answering needs now rather than at the first question: the search
        index and, with the dense stage, the vectors (imported articles are embedded here)."""
        with self.lock:
            self.context().searcher

    def build_index(self, force: bool = False) -> r.IndexResult:
        """The search index of the store's current content, loaded or built now (force: built
        again) rather than at the first question (`falv index build`)."""
        return r.IndexResult.model_validate(index_mod.ensure(self.store, force).to_dict())

    # -- writing (the API guards these with FALV_ADMIN_TOKEN) -------------------------------------

    def import_files(self, paths, dry_run: bool = False, keep_going: bool = False,
                     progress=None, metadata=None) -> r.ImportResult:
        """Statute files, folders or archives imported as one batch (one transaction on a
        connection of its own; dry_run rolls it back; keep_going stores what parses and lists the
        rest); progress(done, total, name) is called per file read."""
        with self._write_lock:
            report = import_files(self.store.store_path, paths, dry_run=dry_run,
                                  keep_going=keep_going, progress=progress, metadata=metadata)
        if not dry_run:
            self._after_write()
        return r.ImportResult.model_validate(report.to_dict())

    def remove_statute(self, title: str, version: str | None = None) -> r.RemoveResult:
        """Imported versions of a law removed (all, or the one with this version label)."""
        with self._write_lock:
            removed = remove_law(self.store.store_path, title, version)
        self._after_write()
        return r.RemoveResult(title=title, removed=removed)

    def ingest_files(self, paths, dry_run: bool = False, names=None) -> r.IngestResult:
        """Q&A documents ingested into the knowledge base as one batch."""
        report = self._on_side(lambda side: ingest_files(side, paths, dry_run=dry_run, names=names))
        if not dry_run:
            self._after_write()
        return r.IngestResult.model_validate(report.to_dict())

    def import_statutes(self, files: list[tuple[str, str]], dry_run: bool = False) -> r.ImportResult:
        """files: uploaded (name, text) pairs, imported as one batch from memory (never written
        to a temporary folder: nothing to leave behind, no folder around them to read)."""
        uploads = limits.check_uploads(files)
        with self._write_lock:
            report = import_texts(self.store.store_path, uploads, dry_run=dry_run)
        if not dry_run:
            self._after_write()
        return r.ImportResult.model_validate(report.to_dict())

    def kb_ingest(self, files: list[tuple[str, str]]) -> r.IngestResult:
        """Uploaded Q&A documents, ingested from memory; provenance records the uploaded names."""
        uploads = limits.check_uploads(files)
        report = self._on_side(lambda side: ingest_texts(side, uploads))
        self._after_write()
        return r.IngestResult.model_validate(report.to_dict())


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
