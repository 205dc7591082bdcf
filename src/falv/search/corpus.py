"""What the statute search indexes: which laws (current ones of one part, amendment instruments
left out), which text of each article, which names a question may use for a law, and the content
key an index of one part is stored under."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from ..law.models import Article

_CN_PREFIX = "中华人民共和国"
# Amendment instruments (刑法修正案, 修改决定) are merged into the consolidated texts the store
# also holds; indexing them too would return "条目二十八" fragments instead of the article.
SKIPPED_DOC_TYPES = ("修正案", "修改决定")


@lru_cache(maxsize=1)
def kinds() -> dict:
    """search/data/kinds.toml: which doc types form the statute ranking, which get groups."""
    return tomllib.loads(resources.files("falv.search").joinpath("data", "kinds.toml").read_text("utf-8"))


def is_law_kind(doc_type: str | None) -> bool:
    return (doc_type or "法律") in kinds()["laws"]


# Two indexes per store: PARTS[0] holds the laws (the statute ranking), PARTS[1] every other kind
# (司法解释, 行政法规, 部门规章: the groups). Each is keyed by the content of its own part, so
# importing regulations never rebuilds the laws' index and never changes how laws rank.
PARTS = ("laws", "others")


def in_part(doc_type: str | None, part: str) -> bool:
    return is_law_kind(doc_type) == (part == PARTS[0])


def content_key(store, part: str = PARTS[0]) -> str:
    """The hash of the store's current content of one part: the name of its index directory."""
    return store.part_hashes(is_law_kind)[PARTS.index(part)]


def current_laws(store, part: str) -> list:
    """The laws of one part an index holds: the current ones, amendment instruments left out."""
    return [law for law in store.laws() if store.is_current(law) and in_part(law.doc_type, part)
            and law.doc_type not in SKIPPED_DOC_TYPES]


def doc_text(article: Article) -> str:
    """What BM25 sees of an article: law title, chapter, section, text."""
    return join_fields(article.law.title, article.chapter, article.section, article.text)


def join_fields(*fields: str | None) -> str:
    """The fields of doc_text joined; the re-ranking joins an indexed document's fields the same
    way, so that coverage and phrase matching see what BM25 saw."""
    return " ".join(x for x in fields if x)


def short_titles(title: str) -> list[str]:
    """Names a question may use for a law without an alias table: the title and, for national
    laws, the title without 中华人民共和国."""
    names = [title]
    if title.startswith(_CN_PREFIX) and len(title) >= len(_CN_PREFIX) + 2:
        names.append(title[len(_CN_PREFIX):])
    return names
