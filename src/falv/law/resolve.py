"""Resolve a citation's law name to a stored instrument: exact canonical title or exact alias only.

Name matching folds what does not distinguish two titles (width, whitespace, the 、 between two
issuing bodies, 《》 marks) and nothing else: 消费者权益保护法实施条例 never becomes 消费者权益保护法.
Tables (aliases, repealed laws) are data files in law/data/, loaded once.
"""

from __future__ import annotations

import difflib
import weakref
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from .. import limits
from ..errors import NotFoundError
from ..text import canonical_article_no
from . import load_data
from .amendments import renumberings
from .find import extract
from .models import FULL_TEXT, REPEALED, Article, Citation, Law
from .names import (PRC, bare_names, fold_name, load_aliases, repealed_law, repealed_tables,
                    split_version, version_year)

# -- resolver ---------------------------------------------------------------------------------

class Resolver:
    """Law names → canonical titles of one store (exact titles, aliases, short titles)."""

    def __init__(self, store):
        self.store = store
        titles = store.titles()
        exact = {fold_name(t): t for t in titles}
        table: dict[str, str] = {}
        # lowest priority first; later updates win
        for t in titles:
            if t.startswith(PRC):
                table.setdefault(fold_name(t[len(PRC):]), t)
        self.intended: dict[str, str] = {}  # alias → intended title, even when not stored
        for alias, target in load_aliases().items():
            key = fold_name(alias)
            self.intended[key] = target
            stored = exact.get(fold_name(target))
            if stored:
                table[key] = stored
        table.update(exact)
        self.table = table
        self.titles = titles
        self._names: frozenset[str] | None = None
        self._nearest: dict[tuple[str, int], list[str]] = {}  # difflib over every title is slow
        self._keys: list[str] = []
        self._postings: dict[str, list[tuple[int, int]]] | None = None  # char → (key, count)

    def names(self) -> frozenset[str]:
        """Bare names worth recognising in text (stored titles, short titles, aliases); built once
        per Resolver, since find caches its compiled regex by this set."""
        if self._names is None:
            self._names = bare_names(self.titles)
        return self._names

    def resolve_title(self, name: str | None) -> str | None:
        """Canonical title for an exact title or alias; None when nothing matches exactly."""
        if not name:
            return None
        name = name.strip().strip("《》")
        found = self.table.get(fold_name(name))  # 宪法修正案（2018年） is a title of its own
        if found is None:
            base, version = split_version(name)
            if version:
                found = self.table.get(fold_name(base))
        return found

    def intended_title(self, name: str) -> str | None:
        """What an alias names, whether or not that instrument is stored (for messages)."""
        base, _ = split_version(name)
        return self.intended.get(fold_name(base))

    def resolve(self, citation: Citation) -> Citation:
        title = self.resolve_title(citation.law_text)
        if title is None:
            return citation
        law = self.law_for(title, citation.law_text)
        return replace(citation, law_title=title, law_id=law.law_id if law else None)

    def law_for(self, title: str, written: str | None = None) -> Law | None:
        """The version a citation names: the one its version remark's year points to, else the
        current one."""
        versions = self.store.laws_by_title(title)
        if not versions:
            return None
        year = version_year(split_version(written or "")[1])
        if year:
            for law in versions:
                if (law.version or law.publish_date or "").startswith(year):
                    return law
        return versions[0]

    def nearest_titles(self, name: str, n: int = 3) -> list[str]:
        """Stored titles close to an unknown name (memoised per Resolver: a KB ingest asks for
        the same unknown name once per citation)."""
        key = fold_name(split_version(name)[0])
        memo = self._nearest.get((key, n))
        if memo is None:
            if len(self._nearest) >= 4096:  # bounded: names come from user text
                self._nearest.clear()
            memo = self._nearest[(key, n)] = self._nearest_titles(key, n)
        return list(memo)

    def _nearest_titles(self, key: str, n: int) -> list[str]:
        keys = difflib.get_close_matches(key, self._could_match(key, 0.5), n=n * 2, cutoff=0.5)
        mine = _distinctive(key)
        out: list[str] = []
        for k in keys:
            if len(mine & _distinctive(k)) < max(1, len(mine) // 2):
                continue  # little beyond generic words in common (…的决定, 中华人民共和国…)
            if self.table[k] not in out:
                out.append(self.table[k])
        return out[:n]

    def _could_match(self, key: str, cutoff: float) -> list[str]:
        """The table keys whose difflib quick_ratio with `key` reaches `cutoff` — a bound on
        ratio(), so get_close_matches over these finds what it finds over the whole table, without
        building a SequenceMatcher per title (character postings built once per Resolver)."""
        if self._postings is None:
            self._keys = list(self.table)
            postings: dict[str, list[tuple[int, int]]] = {}
            for i, k in enumerate(self._keys):
                for ch, c in Counter(k).items():
                    postings.setdefault(ch, []).append((i, c))
            self._postings = postings
        shared = [0] * len(self._keys)
        for ch, c in Counter(key).items():
            for i, kc in self._postings.get(ch, ()):
                shared[i] += c if c < kc else kc
        return [k for k, m in zip(self._keys, shared)
                if (2.0 * m / (len(k) + len(key)) if k or key else 1.0) >= cutoff]


@lru_cache(maxsize=1)
def _generic_words() -> tuple[str, ...]:
    return tuple(sorted(load_data("title_words.toml")["generic"], key=len, reverse=True))


def _distinctive(folded: str) -> frozenset[str]:
    """Two-character runs of a folded title once its generic words are removed."""
    for w in _generic_words():
        folded = folded.replace(w, " ")
    return frozenset(part[i:i + 2] for part in folded.split() for i in range(len(part) - 1))


_RESOLVERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def resolver_for(store) -> Resolver:
    """One cached Resolver per store, rebuilt when the store is reloaded (its laws may differ)."""
    key = store.generation
    cached = _RESOLVERS.get(store)
    if cached is None or cached[0] != key:
        fresh = Resolver(store)
        # weakly: a value of the weak-keyed cache that held its key would keep every store (and
        # its article caches) alive — a server's side store per write, for instance
        fresh.store = weakref.proxy(store)
        if cached is not None and cached[1].table == fresh.table:
            fresh._nearest = cached[1]._nearest  # a function of the table alone
        cached = (key, fresh)
        _RESOLVERS[store] = cached
    return cached[1]


# -- gold normalisation (eval harness) --------------------------------------------------------

def normalize_gold(store, law: str, article: str | int | None, old_numbering: bool = True
                   ) -> list[tuple[str, str]]:
    """A gold citation → [(canonical title, current article number)].

    Aliases resolve to canonical titles; `article` may be 41, '41', '第四十一条', '第四十一条第一款' or
    a range/list ('第四十条至第四十二条'). With old_numbering, an article number of the version
    before the latest amendment decision (pre-2026 网络安全法 第四十一条) maps to its current number
    (第四十三条); an article of a repealed law with a known successor maps to that successor. An
    unresolvable law keeps its name as written.
    """
    resolver = resolver_for(store)
    title = resolver.resolve_title(law)
    entry = repealed_law(law)
    if article is None or str(article).strip() == "":
        return [(title or (entry.title if entry else law), "")]
    current = store.current_law(title) if title else None
    repealed = entry is not None and (current is None or current.status == REPEALED)
    out: list[tuple[str, str]] = []
    for article_no in _gold_article_nos(resolver, law, str(article).strip()):
        if repealed:
            out.extend(_successor(entry, article_no))
        elif title is None:
            out.append((law, article_no))
        else:
            out.extend((title, a) for a in _renumbered(store, title, article_no, old_numbering))
    return list(dict.fromkeys(out))  # without repeats, in order


def _gold_article_nos(resolver, law: str, spelled: str) -> list[str]:
    """The article numbers a gold citation's article spells (a range or a list gives several)."""
    if spelled[0].isdigit():  # full-width digits too
        spelled = f"第{spelled}" if "条" in spelled else f"第{spelled}条"
    refs = [c.ref for c in extract(f"《{law}》{spelled}", resolver.names()) if c.ref is not None]
    return [r.article_no for r in refs] if refs else [canonical_article_no(spelled)]


def _successor(entry, article_no: str) -> list[tuple[str, str]]:
    """A repealed law's article → its successor's articles, where the tables know them."""
    art = repealed_tables()[1].get((entry.title, article_no))
    return [(art.replacement_law, a) for a in art.articles] if art else [(entry.title, article_no)]


def _renumbered(store, title: str, article_no: str, old_numbering: bool) -> list[str]:
    """The current numbers of an article numbered as before the latest amendment decision."""
    if old_numbering:
        for renum in renumberings(store, title, include_versions=False):
            mapped = renum.old_to_new.get(article_no)
            if mapped:
                return mapped
    return [article_no]


__all__ = ["Resolver", "resolver_for", "normalize_gold", "fold_name", "split_version",
           "load_aliases", "repealed_law", "repealed_tables", "bare_names"]


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
