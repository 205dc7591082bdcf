"""One façade over the library for the HTTP API, the MCP server (and the CLI where it wants it).

Engine holds no rules of its own: each method calls the library function that the CLI calls and
returns the same JSON-ready dicts as the CLI's --json. It loads the store once per process (the
searcher and the knowledge base lazily, on first use) and serialises calls with one lock, because
the SQLite connections and the index caches below it are shared by the server's threads.
"""

from __future__ import annotations

import importlib
import sqlite3
import tempfile
import threading
from pathlib import Path

from .errors import FalvError, InputError, NotFoundError

MAX_QUESTION_CHARS = 2000
MAX_TEXT_CHARS = 100_000  # text to verify
MAX_FILES = 50
MAX_TOP = 100


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
    return question


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
    """The engine of one process: one store, one lock, lazily loaded indexes."""

    def __init__(self, store=None):
        if store is None:
            from .law.store import StatuteStore

            store = StatuteStore()
        self.store = store
        self.lock = threading.RLock()
        self._revision = self._read_revision()

    # -- freshness ------------------------------------------------------------------------------

    def _read_revision(self) -> str | None:
        try:
            row = self.store.own.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        except sqlite3.Error:  # a store without the meta table has never been written
            return None
        return row[0] if row else None

    def _fresh(self) -> None:
        """Pick up writes made by another process (a CLI import, another worker): the store's
        revision counter moves on every write, and a change reloads rows and answerer caches."""
        revision = self._read_revision()
        if revision != self._revision:
            self._revision = revision
            self.store.reload()
            self.__dict__.pop("_composer", None)

    def _after_write(self) -> None:
        self._revision = self._read_revision()
        self.store.reload()
        self.__dict__.pop("_composer", None)  # the answerer reloads its searcher and knowledge base

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
            return answer(question, self).to_dict()

    def search(self, query: str, top: int = 10, law: str | None = None) -> list[dict]:
        check_question(query, "检索词")
        if not 1 <= int(top) <= MAX_TOP:
            raise InputError(f"top 应在 1 到 {MAX_TOP} 之间：{top}")
        search = _require("falv.search.retrieve", "search")
        with self.lock:
            self._fresh()
            return [h.to_dict() for h in search(self.store, query, top=int(top), law=law or None)]

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
        with self.lock, _as_files(files) as paths:
            self._fresh()
            report = import_files(self.store, paths, dry_run=dry_run)
            self._after_write()
            return report.to_dict()

    def kb_ingest(self, files: list[tuple[str, str]]) -> dict:
        ingest_files = _require("falv.kb.ingest", "ingest_files")
        with self.lock, _as_files(files) as paths:
            self._fresh()
            # provenance records the uploaded names, not the temporary paths
            report = ingest_files(self.store, paths,
                                  names=[Path(n or p.name).name for (n, _), p in zip(files, paths)])
            self._after_write()
            return report.to_dict()


class _as_files:
    """Uploaded (name, text) pairs as files in a temp dir that disappears afterwards."""

    def __init__(self, files: list[tuple[str, str]]):
        if not files:
            raise InputError("没有要导入的文件")
        if len(files) > MAX_FILES:
            raise InputError(f"一次最多导入 {MAX_FILES} 个文件")
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
