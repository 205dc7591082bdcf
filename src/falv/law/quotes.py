"""A quoted text against the stored article: equal, a faithful excerpt, or different — with a
character diff, and the article of the same law the quote more likely comes from (a citation by
an old or wrong number). Pure functions over texts, except quote_source, which reads the law's
articles (a bigram index of them cached per store until it reloads).
"""

from __future__ import annotations

import difflib
import re
import weakref
from functools import lru_cache

from ..limits import MAX_DIFF_SPAN
from ..text import fold_for_compare
from .models import Article

_SEGMENT = re.compile(r"[,.;:!?]+")
MIN_EXCERPT = 4  # a faithful excerpt covers at least this many characters of the article
# a mismatched quote names another article of the same law as its source when that article is
# this much in the quote (share of its characters, difflib) and clearly more than the cited one
SOURCE_MIN = 0.6
SOURCE_LEAD = 0.2
SOURCE_CANDIDATES = 3  # articles compared in full, after a character-bigram prefilter


def compare_quote(quote: str, stored: str) -> tuple[str, float]:
    """('equal' | 'excerpt' | 'differs', similarity) of a quote against an article's text."""
    q, s = fold_for_compare(quote), _fold_stored(stored)
    if not q:
        return "equal", 1.0
    if q.rstrip(".") == s.rstrip("."):
        return "equal", 1.0
    if len(s) >= MIN_EXCERPT and s.rstrip(".") in q:
        return "equal", 1.0  # the whole article, then the writer's own words (法律依据：《…》第N条…。律师解答…)
    pieces = [p for line in quote.splitlines() for p in _SEGMENT.split(fold_for_compare(line))]
    if is_excerpt(pieces, s):
        return "excerpt", 1.0
    return "differs", _ratio(q, s)


@lru_cache(maxsize=8192)
def _fold_stored(text: str) -> str:
    """fold_for_compare of a stored article (or paragraph): the same few thousand are compared
    over and over during a KB ingest."""
    return fold_for_compare(text)


def is_excerpt(pieces: list[str], s: str) -> bool:
    """Every sentence piece (line, clause) of the folded quote occurs in the folded article, in
    order — an abridged quote that leaves out items or sentences but changes none."""
    pos = 0
    covered = 0
    for piece in pieces:
        if not piece:
            continue
        found = s.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
        covered += len(piece)
    return covered >= min(MIN_EXCERPT, len(s))


def _ratio(a: str, b: str) -> float:
    sm = difflib.SequenceMatcher(None, a[:MAX_DIFF_SPAN], b[:MAX_DIFF_SPAN], autojunk=False)
    if sm.real_quick_ratio() < 0.3:
        return sm.real_quick_ratio() / 2
    return sm.ratio()


def char_diff(quote: str, stored: str, context: int = 8, limit: int = 12) -> str:
    """Compact character diff: …context[-stored+quoted]context… per difference (difflib), of the
    first MAX_DIFF_SPAN characters of each (difflib's time grows with the product of the two)."""
    q, s = fold_for_compare(quote)[:MAX_DIFF_SPAN], fold_for_compare(stored)[:MAX_DIFF_SPAN]
    sm = difflib.SequenceMatcher(None, s, q, autojunk=False)
    parts = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        before = s[max(0, i1 - context):i1]
        after = s[i2:i2 + context]
        change = ""
        if i2 > i1:
            change += f"-{s[i1:i2][:60]}"
        if j2 > j1:
            change += f"+{q[j1:j2][:60]}"
        parts.append(f"…{before}[{change}]{after}…")
        if len(parts) >= limit:
            parts.append("…（差异过多，已截断）")
            break
    return " ".join(parts)


def quote_source(store, cited: Article, quote: str) -> tuple[str, float] | None:
    """(article number, share) of the article of the cited law whose text the quote holds, when
    that is clearly another article than the cited one: the writer quoted the right text under a
    wrong number — most often an older numbering the store has no record of (治安管理处罚法 of
    2012, 第四十二条, now 第五十条). None when no article stands out."""
    q = fold_for_compare(quote)
    if len(q) < 8:
        return None
    q_grams = _bigrams(q)
    # candidates by how much of the quote's wording they hold (absolute, so that a short
    # boilerplate sentence — 处五日以下拘留或者一千元以下罚款 — does not outrank the article quoted),
    # counted through the law's bigram postings: a text of mismatched quotes stays cheap
    articles, postings = _law_bigrams(store, cited.law.law_id)
    held: dict[int, int] = {}
    for g in q_grams:
        for i in postings.get(g, ()):
            held[i] = held.get(i, 0) + 1
    top = sorted(held, key=held.get, reverse=True)[:SOURCE_CANDIDATES]
    matched = {articles[i].article_no: _matched(q, _fold_stored(articles[i].text)) for i in top}
    if not matched:
        return None
    best = max(matched, key=lambda no: matched[no][0])
    share = matched[best][1]
    cited_share = _matched(q, _fold_stored(cited.text))[1]
    if best == cited.article_no or share < SOURCE_MIN or share < cited_share + SOURCE_LEAD:
        return None
    return best, share


_POSTINGS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _law_bigrams(store, law_id: str) -> tuple[list[Article], dict[str, list[int]]]:
    """The law's articles and, per character bigram of their folded text, the articles holding
    it. Cached per store until it is reloaded (as amendments.renumberings is)."""
    per_store = _POSTINGS.get(store)
    if per_store is None or per_store[0] != store.generation:
        per_store = _POSTINGS[store] = (store.generation, {})
    cache = per_store[1]
    if law_id not in cache:
        articles = store.articles(law_id)
        postings: dict[str, list[int]] = {}
        for i, art in enumerate(articles):
            for g in _bigrams(_fold_stored(art.text)):
                postings.setdefault(g, []).append(i)
        cache[law_id] = (articles, postings)
    return cache[law_id]


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _matched(quote: str, stored: str) -> tuple[int, float]:
    """(characters of the stored text that the quote holds in order, their share of it)."""
    stored = stored[:3000]
    if not stored:
        return 0, 0.0
    sm = difflib.SequenceMatcher(None, stored, quote[:6000], autojunk=False)
    n = sum(b.size for b in sm.get_matching_blocks())
    return n, n / len(stored)
