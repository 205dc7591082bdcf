"""Law names in one place: canonical titles and their folded form, aliases, the 中华人民共和国
prefix, version remarks (《网络安全法》（2016年）) and the repealed-law table.

Why one module: find (which names to recognise without 《》), resolve (name → title), verify and
search must agree on what a law name is; each used to carry its own rule. Tables are data files
in law/data/, loaded once.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..config import base_db_path
from ..text import canonical_article_no, to_halfwidth, to_simplified
from . import load_data

PRC = "中华人民共和国"
_FOLD_DROP = re.compile(r"[\s、·•《》〈〉<>\"“”]")
# A version remark after a law name: 《网络安全法》（2016年）, 快递暂行条例(2019年修订). One rule for
# find (which text may stand between a name and 第X条) and resolve (which version is meant).
VERSION_REMARK = r"[（(][^（）()\n]{1,20}[）)]"
_VERSION_TAIL = re.compile(VERSION_REMARK + "$")
_YEAR = re.compile(r"(19|20)\d{2}")


@lru_cache(maxsize=8192)
def fold_name(name: str) -> str:
    """The form in which law names are compared (not a fuzzy match: every character counts);
    traditional characters count as their simplified forms."""
    return _FOLD_DROP.sub("", to_simplified(to_halfwidth(name or "")))


def split_version(name: str) -> tuple[str, str | None]:
    """'网络安全法（2016年）' → ('网络安全法', '2016年'); a name without a remark → (name, None)."""
    name = (name or "").strip()
    m = _VERSION_TAIL.search(name)
    remark = m.group()[1:-1] if m else ""
    if m and _YEAR.search(remark):
        return name[:m.start()].strip(), remark
    return name, None


def version_year(remark: str | None) -> str | None:
    m = _YEAR.search(remark or "")
    return m.group() if m else None


# -- data files -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def load_aliases() -> dict[str, str]:
    """alias → canonical title, as written in aliases.toml."""
    return dict(load_data("aliases.toml").get("aliases", {}))


@dataclass(frozen=True)
class RepealedLaw:
    title: str
    repealed_on: str
    replacement_law: str
    replacement_part: str
    basis: str


@dataclass(frozen=True)
class RepealedArticle:
    law: str
    article: str
    replacement_law: str
    articles: tuple[str, ...]
    note: str = ""

    @property
    def replacement(self) -> str:
        if len(self.articles) > 2:
            arts = f"{self.articles[0]}至{self.articles[-1]}"
        else:
            arts = "、".join(self.articles)
        return f"《{self.replacement_law}》{arts}"


@lru_cache(maxsize=1)
def repealed_tables() -> tuple[dict[str, RepealedLaw], dict[tuple[str, str], RepealedArticle]]:
    """(folded name → law entry, (title, article_no) → article entry) from repealed.toml."""
    data = load_data("repealed.toml")
    laws: dict[str, RepealedLaw] = {}
    for row in data.get("law", []):
        entry = RepealedLaw(row["title"], row.get("repealed_on", ""), row["replacement_law"],
                            row.get("replacement_part", ""), row.get("basis", ""))
        for name in _names_of(entry.title):
            laws[fold_name(name)] = entry
    articles: dict[tuple[str, str], RepealedArticle] = {}
    for row in data.get("article", []):
        entry = RepealedArticle(row["law"], canonical_article_no(row["article"]),
                                row["replacement_law"],
                                tuple(canonical_article_no(a) for a in row["articles"]),
                                row.get("note", ""))
        articles[(entry.law, entry.article)] = entry
    return laws, articles


def repealed_names() -> list[str]:
    laws, _ = repealed_tables()
    return sorted({n for e in laws.values() for n in _names_of(e.title)})


def repealed_law(name: str) -> RepealedLaw | None:
    """The repealed.toml entry for this exact name (title or short title), if any."""
    base, _ = split_version(name)
    return repealed_tables()[0].get(fold_name(base))


def _names_of(title: str) -> list[str]:
    names = [title]
    if title.startswith(PRC) and len(title) > len(PRC) + 1:
        names.append(title[len(PRC):])
    return names


def bare_names(titles: Iterable[str]) -> frozenset[str]:
    """Law names that find recognises without 《》: aliases, repealed laws, the given titles and
    their short titles (without 中华人民共和国). 决定 alone is too common a word to be one."""
    out = set(load_aliases()) | set(repealed_names())
    for title in titles:
        out.update(_names_of(title))
    out.discard("决定")
    return frozenset(n for n in out if len(n) >= 2 and "\n" not in n)


@lru_cache(maxsize=4)
def _base_titles(path: str) -> tuple[str, ...]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return tuple(r[0] for r in conn.execute("SELECT DISTINCT law_name FROM laws"))
    finally:
        conn.close()


@lru_cache(maxsize=4)
def _base_versions(path: str) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        out: dict[str, str] = {}
        for title, date in conn.execute(
                "SELECT law_name, coalesce(version_date, publish_date, '') FROM laws"
                " WHERE status IN ('现行有效', '已被修改')"):
            out[title] = max(out.get(title, ""), date)
        return out
    finally:
        conn.close()


def base_versions() -> dict[str, str]:
    """Title → date of the text in force that the base DB stores (before any amendment falv
    applies): an imported text of the same title is newer, or it is a historical version."""
    try:
        return _base_versions(str(base_db_path()))
    except Exception:  # no base DB: nothing to compare with
        return {}


def base_titles() -> tuple[str, ...]:
    """Titles of the bundled base DB (for recognising bare names without a store at hand)."""
    try:
        return _base_titles(str(base_db_path()))
    except Exception:  # no base DB: bare names come from the alias table only
        return ()
