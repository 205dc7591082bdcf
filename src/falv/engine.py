"""One façade over the library for the HTTP API, the MCP server (and the CLI where it wants it).

Engine holds no rules of its own: each method calls the library function that the CLI calls and
returns the same JSON-ready dicts as the CLI's --json. It loads the store once per process (the
searcher and the knowledge base lazily, on first use) and serialises reads with one lock, because
the SQLite connections and the index caches below it are shared by the server's threads. Writes
and index builds never hold that lock (issue 11): see Engine.
"""

from __future__ import annotations

import importlib
import sqlite3
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .errors import FalvError, InputError, NotFoundError
from .fairlock import FairLock
from .limits import MAX_FILES, MAX_QUESTION_CHARS, MAX_TEXT_CHARS, MAX_TOP, check_text, check_top


class NotImplementedFeature(FalvError):
    """The library function behind this request is not part of this build yet."""

    code = "not_implemented"
    http_status = 501


def _require(module: str, attr: str | None = None):
    """Import a library function; a missing one is a clear 501, not a crash."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise NotImplementedFeature(f"此功能尚未实现：{module}（{exc.name} 缺失）") from exc
    if attr is None:
        return mod
    fn = getattr(mod, attr, None)
    if fn is None:
        raise NotImplementedFeature(f"此功能尚未实现：{module}.{attr}")
    return fn


def check_question(question, what: str = "问题") -> str:
    if not isinstance(question, str):
        raise InputError(f"{what}必须是文本")
    if not question.strip():
        raise InputError(f"{what}为空", hint="请用中文描述您遇到的情况，例如：快递信息泄露了怎么办")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"{what}过长：{len(question)} 字（上限 {MAX_QUESTION_CHARS} 字）", hint="请概括后再提问")
    if "\x00" in question:
        raise InputError(f"{what}含有非文本字符（NUL）")
    return check_text(question, what)


def lookup_article(store, law: str, article: str, version: str | None = None):
    """LAW (exact title or alias, never a substring) + ARTICLE (any spelling) → the stored Article
    of the version the name points to; NotFoundError with the nearest titles/articles otherwise.
    `falv article`, GET /articles and the MCP tool get_article all call this."""
    import difflib

    from .law.models import FULL_TEXT
    from .law.resolve import resolver_for
    from .text import canonical_article_no

    if not isinstance(law, str) or not law.strip():
        raise InputError("请给出法规名称")
    res = resolver_for(store)
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
    """The engine of one process: one store, one lock, lazily loaded indexes.

    Readers hold `lock` while they compute (the SQLite connections and caches below are shared by
    the server's threads); nothing unbounded runs under it. Writers never hold it while they write:
    an import or ingest runs on its own connection, and the search index and KB matcher for the new
    content are built beside the old ones and swapped in when ready, so searches keep using the old
    ones meanwhile (issue 11: readers never wait for writers)."""

    def __init__(self, store=None):
        if store is None:
            from .law.store import StatuteStore

            store = StatuteStore()
        self.store = store
        self.lock = FairLock()  # FIFO: an unfair RLock let a request wait seconds under load
        self._write_lock = threading.Lock()  # one write at a time from this process
        self._refresh_lock = threading.Lock()  # one rebuild at a time
        self._refresher: threading.Thread | None = None
        self._stale = False  # the composer (index, KB matcher) is older than the store's rows
        self._indexes: dict = {}  # content hash → Searcher, the last KEEP_SEARCHERS used
        self._kb_key = None  # the KB's (entries, last id) the current KB matcher was loaded for
        self._revision = self._read_revision()

    # -- freshness ------------------------------------------------------------------------------

    def _read_revision(self) -> str | None:
        try:
            row = self.store.own.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        except sqlite3.OperationalError:  # a store without the meta table has never been written
            return None
        return row[0] if row else None

    def _fresh(self) -> None:
        """Pick up writes made by another process (a CLI import, another worker): the store's
        revision counter moves on every write. Rows are reloaded at once (cheap: articles, health
        and verify see the new content immediately); the search index and KB matcher are rebuilt
        in a background thread while requests keep using the old ones. Called under `lock`."""
        revision = self._read_revision()
        if revision != self._revision:
            self._revision = revision
            self.store.reload()
            self._stale = True
        if self._stale:
            if "_composer" not in self.__dict__:
                self._stale = False  # nothing built yet: the first ask builds for the new content
            elif self._refresher is None or not self._refresher.is_alive():
                self._refresher = threading.Thread(target=self._refresh, daemon=True,
                                                   name="falv-refresh")
                self._refresher.start()

    def _answerer(self):
        """The Composer (searcher + KB matcher) requests use; built on first use."""
        composer = self.__dict__.get("_composer")
        if composer is None or composer.store is not self.store:
            from .answer.compose import Composer

            composer = self._composer = Composer(self.store)
            self._kb_key = _kb_key(self.store)  # what its KB matcher will load (lazily, under lock)
        return composer

    def _refresh(self) -> None:
        """Build the index and KB matcher of the store's current content on a second connection,
        outside `lock`, then swap them in; repeat while writes keep moving the revision."""
        import logging

        with self._refresh_lock:
            while True:
                with self.lock:
                    if not self._stale or "_composer" not in self.__dict__:
                        return
                    current = self._composer._searcher
                    if current is not None:  # kept: the content may come back (import, remove)
                        self._indexes.setdefault(current.content_hash, current)
                try:
                    parts = self._build_parts()
                except Exception:  # e.g. the new content has no current article: the next ask says so
                    logging.getLogger("falv.engine").warning("index rebuild failed", exc_info=True)
                    with self.lock:
                        self.__dict__.pop("_composer", None)
                        self._stale = False
                    return
                with self.lock:
                    revision = self._read_revision()
                    if revision != self._revision:  # rows of the latest write, for the Searcher
                        self._revision = revision
                        self.store.reload()
                    if (self.store.content_hash(), _kb_key(self.store)) != (parts[0], parts[2]):
                        continue  # a write landed while building: build for it instead
                    try:
                        self._install(*parts)
                    except Exception:
                        logging.getLogger("falv.engine").warning("index swap failed", exc_info=True)
                        self.__dict__.pop("_composer", None)  # the next request builds anew
                    self._stale = False
                    return

    def _build_parts(self):
        """(content hash, index or None, KB key, KB matcher or None): what the store's content
        needs, None where the engine already holds it (an import/remove loop alternates between two
        contents: their indexes stay loaded; a statute import leaves the KB matcher as it is)."""
        from .answer.kbmatch import KbMatcher
        from .law.store import StatuteStore
        from .search import index as index_mod

        side = StatuteStore(self.store.store_path, self.store.base_path)
        try:
            content, kb_key = side.content_hash(), _kb_key(side)
            idx = None
            if content not in self._indexes:
                index_mod.build_in_child(side)  # the tokenising loop must not take the server's GIL
                idx = {part: index_mod.load_or_build(side, part) for part in index_mod.parts_needed(side)}
            kb = None if kb_key == self._kb_key else KbMatcher.load(side)
            return content, idx, kb_key, kb
        finally:
            side.close()

    def _install(self, content, idx, kb_key, kb) -> None:
        """Under `lock`: a composer over the engine's store with the new parts (cheap)."""
        from .answer.compose import Composer
        from .kb.store import KnowledgeBase
        from .search.retrieve import Searcher

        old = self.__dict__.get("_composer")
        searcher = self._indexes.get(content)
        if searcher is None:
            from .search.index import PARTS

            searcher = Searcher(self.store, idx=idx[PARTS[0]])
            if PARTS[1] in idx:  # interpretations, regulations: the groups (as Searcher does)
                searcher.others = Searcher(self.store, idx[PARTS[1]], dense=False)
            self._indexes[content] = searcher
            while len(self._indexes) > KEEP_SEARCHERS:
                self._indexes.pop(next(iter(self._indexes)))
        else:
            self._indexes[content] = self._indexes.pop(content)  # most recently used last
        if kb is not None:
            kb.kb = KnowledgeBase(self.store.own)
            self._kb_key = kb_key
        elif old is not None and old._kb is not None:
            kb = old._kb  # the KB's questions did not change
        else:
            self._kb_key = None  # loaded lazily by the composer; its key is not known here
        composer = Composer(self.store)
        composer._searcher = searcher
        composer._kb = kb
        self._composer = composer

    def _after_write(self) -> None:
        """After this engine wrote: rows now, index and KB matcher rebuilt in this (the writer's)
        thread outside `lock`, so the writer's response reflects its write and readers go on."""
        with self.lock:
            self._revision = self._read_revision()
            self.store.reload()
            self._stale = "_composer" in self.__dict__
        self._refresh()

    def _side_store(self):
        """A second StatuteStore on the same files, for a write that must not share connections
        (and an open transaction) with the readers."""
        from .law.store import StatuteStore

        return StatuteStore(self.store.store_path, self.store.base_path)

    # -- reading --------------------------------------------------------------------------------

    def health(self) -> dict:
        with self.lock:
            self._fresh()
            laws = self.store.laws()
            return {"status": "ok", "laws": len(laws),
                    "imported": sum(1 for l in laws if l.source != "base"),
                    "features": self.features()}

    def features(self) -> dict:
        """Which library parts this build has (a missing one answers 501 not_implemented)."""
        out = {}
        for name, (module, attr) in {
            "ask": ("falv.answer.compose", "answer"), "search": ("falv.search.retrieve", "search"),
            "verify": ("falv.law.verify", "verify_text"),
            "route": ("falv.domain.personal_info.channels", "route"),
            "severity": ("falv.domain.personal_info.severity", "severity"),
            "draft": ("falv.domain.personal_info.drafts", "render_draft"),
            "kb_ingest": ("falv.kb.ingest", "ingest_files"),
        }.items():
            try:
                _require(module, attr)
                out[name] = True
            except NotImplementedFeature:
                out[name] = False
        return out

    def ask(self, question: str) -> dict:
        check_question(question)
        answer = _require("falv.answer.compose", "answer")
        with self.lock:
            self._fresh()
            self._answerer()
            return answer(question, self).to_dict()

    def search(self, query: str, top: int = 10, law: str | None = None) -> list[dict]:
        check_question(query, "检索词")
        top = check_top(top)
        _require("falv.search.retrieve", "search")
        with self.lock:
            self._fresh()
            searcher = self._answerer().searcher  # swapped only when a new index is ready
            return [h.to_dict() for h in searcher.search(query, top=top, law=law or None)]

    def article(self, law: str, article: str) -> dict:
        """The stored article (same lookup as `falv article`), with whether its law is current."""
        with self.lock:
            self._fresh()
            art = lookup_article(self.store, law, article)
            out = art.to_dict()
            out["current"] = self.store.is_current(art.law)
            return out

    def verify(self, text: str, quotes: bool = False, as_of: str | None = None) -> list[dict]:
        return self.verify_report(text, quotes, as_of)["citations"]

    def verify_report(self, text: str, quotes: bool = False, as_of: str | None = None) -> dict:
        """{citations, count, passed}: `passed` is the library's rule (CheckedCitation.passed),
        the one `falv verify` exits by."""
        if not isinstance(text, str) or not text.strip():
            raise InputError("没有可核验的文本")
        if len(text) > MAX_TEXT_CHARS:
            raise InputError(f"文本过长：{len(text)} 字（上限 {MAX_TEXT_CHARS} 字）")
        verify_text = _require("falv.law.verify", "verify_text")
        with self.lock:
            self._fresh()
            checked = verify_text(self.store, text, quotes=quotes, as_of=as_of)
        return {"citations": [c.to_dict() for c in checked], "count": len(checked),
                "passed": all(c.passed for c in checked)}

    def route(self, question: str | None = None, scenario: str | None = None) -> dict:
        if question is not None and not scenario:
            check_question(question)
        route = _require("falv.domain.personal_info.channels", "route")
        with self.lock:
            self._fresh()
            return route(question, scenario, self.store)

    def scenarios(self) -> list[dict]:
        return _require("falv.domain.personal_info.channels", "list_scenarios")()

    def severity(self, counts: dict | None = None, gains="0", **flags) -> dict:
        severity = _require("falv.domain.personal_info.severity", "severity")
        with self.lock:
            self._fresh()
            return severity(counts or {}, gains, self.store, **flags)

    def draft(self, kind: str, fill: dict | None = None, fmt: str = "markdown") -> dict:
        render_draft = _require("falv.domain.personal_info.drafts", "render_draft")
        with self.lock:
            self._fresh()
            return render_draft(kind, fill or {}, self.store, fmt)

    def draft_kinds(self) -> list[dict]:
        return _require("falv.domain.personal_info.drafts", "draft_kinds")()

    # -- writing (the API guards these with FALV_ADMIN_TOKEN) -----------------------------------

    def import_statutes(self, files: list[tuple[str, str]], dry_run: bool = False) -> dict:
        """files: (name, text) pairs, written to a private temp dir and imported as one batch."""
        import_files = _require("falv.law.importer", "import_files")
        with self._write_lock, _as_files(files) as upload:
            with upload.named():
                report = import_files(self.store.store_path, upload.paths, dry_run=dry_run).to_dict()
            report = upload.unpath(report)
        if not dry_run:
            self._after_write()
        return report

    def kb_ingest(self, files: list[tuple[str, str]]) -> dict:
        ingest_files = _require("falv.kb.ingest", "ingest_files")
        with self._write_lock, _as_files(files) as upload:
            side = self._side_store()
            try:
                with upload.named():
                    # provenance records the uploaded names, not the temporary paths
                    report = ingest_files(side, upload.paths, names=upload.names).to_dict()
            finally:
                side.close()
            report = upload.unpath(report)
        self._after_write()
        return report


KEEP_SEARCHERS = 3


def _kb_key(store) -> tuple:
    """What the KB holds, as far as a KB matcher is concerned: its entries, and the last answer
    (an ingest that merges into existing entries adds answers, whose points the matcher caches)."""
    try:
        return tuple(store.own.execute(
            "SELECT (SELECT count(*) FROM kb_entries), (SELECT max(id) FROM kb_entries),"
            " (SELECT count(*) FROM kb_answers), (SELECT max(id) FROM kb_answers)").fetchone())
    except sqlite3.OperationalError:
        return (0, None, 0, None)


class _as_files:
    """Uploaded (name, text) pairs as files in a temp dir that disappears afterwards. Names and
    texts are checked first (no NUL or lone surrogate reaches the file system), and the temp paths
    are mapped back to the uploaded names in errors and reports (never shown to the client)."""

    def __init__(self, files: list[tuple[str, str]]):
        if not files:
            raise InputError("没有要导入的文件")
        if len(files) > MAX_FILES:
            raise InputError(f"一次最多导入 {MAX_FILES} 个文件")
        self.files = files
        self.paths: list[Path] = []
        self.names: list[str] = []

    def __enter__(self) -> "_as_files":
        self.tmp = tempfile.TemporaryDirectory(prefix="falv-upload-")
        try:
            self._write()
            return self
        except BaseException:
            self.tmp.cleanup()
            raise

    def _write(self) -> None:
        for i, (name, text) in enumerate(self.files):
            check_text(name or "", f"第 {i + 1} 个文件名")
            base = Path(name or f"file{i}.md").name  # no directories from the client
            if not base or base.startswith(".") or not base.endswith((".md", ".jsonl", ".txt")):
                raise InputError(f"文件名不可用：{name!r}", hint="应为 *.md、*.jsonl 或 *.txt")
            if not isinstance(text, str):
                raise InputError(f"文件 {base} 的内容必须是文本")
            check_text(text.replace("\x00", " "), f"文件 {base} 的内容")  # NUL: the importer's message
            path = Path(self.tmp.name) / f"{i:03d}-{base}"
            path.write_text(text, encoding="utf-8")
            self.paths.append(path)
            self.names.append(base)

    def unpath(self, obj):
        """obj with every temp path replaced by the uploaded name."""
        if isinstance(obj, str):
            for path, name in zip(self.paths, self.names):
                obj = obj.replace(str(path), name)
            return obj.replace(self.tmp.name, "<upload>")
        if isinstance(obj, dict):
            return {k: self.unpath(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.unpath(v) for v in obj]
        return obj

    @contextmanager
    def named(self):
        """FalvErrors raised inside name the uploaded files, not the temp paths."""
        try:
            yield
        except FalvError as exc:
            exc.message, exc.location, exc.hint = (self.unpath(exc.message), self.unpath(exc.location),
                                                   self.unpath(exc.hint))
            exc.args = (str(exc),)
            raise

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
