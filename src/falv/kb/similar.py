"""Near-duplicate questions: which stored entry a new question merges into.

Questions whose normalised forms are equal, or whose character-bigram Jaccard similarity is at
least SIMILARITY (0.8: conservative — 个人信息泄露找什么部门投诉 and 信息泄露怎么处理怎么举报 share 3
of 19 bigrams and stay apart) and that contain the same numbers (第1038条 ≠ 第1039条), are one
entry with several source answers (kb/writer.py). The bigrams are shared with the ask matcher
(answer.kbmatch).
"""

from __future__ import annotations

import math
import re
import sqlite3
import zlib
from collections import Counter
from itertools import chain

from ..text import fold_for_compare, normalize

SIMILARITY = 0.8
_TRAILING = re.compile(r"[?!.。？！\s]+$")


def question_key(question: str) -> str:
    """Normalised form of a question for exact-duplicate detection."""
    return _TRAILING.sub("", fold_for_compare(normalize(question)))


def bigrams(key: str) -> frozenset[str]:
    """Character bigrams of a normalised question (a one-character question is its own gram);
    shared by the merge here and the ask matcher (answer.kbmatch)."""
    if len(key) < 2:
        return frozenset({key}) if key else frozenset()
    return frozenset(key[i:i + 2] for i in range(len(key) - 1))


_NUMBER = re.compile(r"[0-9]+|[零〇一二两三四五六七八九十百千万]+")


def _numbers(key: str) -> list[str]:
    """Numbers in a question (第1038条, 5000条, 三年): questions that differ in one are different
    questions however similar the rest (民法典1038条是什么 ≠ 民法典1039条是什么)."""
    return _NUMBER.findall(key)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class QuestionIndex:
    """Finds the entry a question merges into: exact key, else Jaccard ≥ SIMILARITY with the same
    numbers. Near-linear on large batches (issue 11: an O(n²) scan inside the write transaction
    made concurrent writers give up):

    * postings are keyed by (the question's numbers, bigram), so questions that differ only in a
      number (问题1 … 问题20000) never meet — they could not merge anyway;
    * prefix filtering (plus PPJoin's positional bound in find): with bigrams in one fixed global
      order, two sets with Jaccard ≥ t share at least one of the first |A| − ⌈t·|A|⌉ + 1
      elements of each. The order is rarest-first by document frequency; it is recomputed (and
      every prefix with it) whenever the index has doubled since, so a batch into an empty KB
      does not index frequent bigrams (信息, 泄露) — amortised linear, and always one order for
      all entries, so no match is missed.
    `compared` counts Jaccard computations (the cost the filter bounds)."""

    REBUILD_FROM = 64

    def __init__(self, threshold: float = SIMILARITY):
        self.threshold = threshold
        self.exact: dict[str, int] = {}
        self.grams: dict[int, frozenset[str]] = {}
        self.keys: dict[int, str] = {}
        self.numbers: dict[int, tuple[str, ...]] = {}
        self.df: dict[str, int] = {}  # bigram → entries containing it, as of the last rebuild
        # (numbers, gram) → by the gram's position j in an entry's prefix → [(entry id, size)]:
        # find skips the positions whose entries cannot pass its positional filter
        self.postings: dict[tuple[tuple[str, ...], str], list[list[tuple[int, int]]]] = {}
        self.compared = 0
        self._built_at = 0
        self._generation = 0  # rebuilds so far: a prefix computed under another order is stale
        self._rank: dict[str, tuple[int, int]] = {}  # memo of _order under the current df
        self._last: tuple | None = None  # (key, grams, numbers, prefix, generation) of last find

    def _order(self, gram: str) -> tuple[int, int]:
        return self.df.get(gram, 0), zlib.crc32(gram.encode("utf-8"))

    def _prefix(self, grams: frozenset[str]) -> list[str]:
        rank = self._rank  # _order memoised under the current df, so sorting calls no Python code
        if len(rank) > 1 << 20:  # bounded; also cleared at each rebuild
            rank.clear()
        for gram in grams:
            if gram not in rank:
                rank[gram] = self._order(gram)
        ordered = sorted(grams, key=rank.__getitem__)
        return ordered[:len(ordered) - math.ceil(self.threshold * len(ordered)) + 1]

    def add(self, entry_id: int, key: str, grams: frozenset[str] | None = None) -> None:
        self.exact.setdefault(key, entry_id)
        self.keys[entry_id] = key
        last, prefix = self._last, None
        if grams is None and last is not None and last[0] == key:
            # the question find just looked up (the ingest's find → add): its grams, and its
            # prefix unless a rebuild changed the order since
            _key, g, nums, prefix, generation = last
            if generation != self._generation:
                prefix = None
        else:
            g = grams if grams is not None else bigrams(key)
            nums = tuple(_numbers(key))
        self.grams[entry_id] = g
        self.numbers[entry_id] = nums
        if len(self.keys) >= max(self.REBUILD_FROM, 2 * self._built_at):
            self._rebuild()
            return
        if prefix is None:
            prefix = self._prefix(g)
        self._post(entry_id, nums, prefix, len(g))

    def _post(self, entry_id: int, nums: tuple[str, ...], prefix: list[str], size: int) -> None:
        postings = self.postings
        for pos, gram in enumerate(prefix):
            by_pos = postings.setdefault((nums, gram), [])
            while len(by_pos) <= pos:
                by_pos.append([])
            by_pos[pos].append((entry_id, size))

    def _rebuild(self) -> None:
        """Document frequencies of now, and every prefix under that order."""
        df = dict(Counter(chain.from_iterable(self.grams.values())))  # each set counts a gram once
        self.df, self.postings, self._built_at, self._rank = df, {}, len(self.keys), {}
        self._generation += 1
        for eid in sorted(self.grams):
            g = self.grams[eid]
            self._post(eid, self.numbers[eid], self._prefix(g), len(g))

    def find(self, key: str) -> int | None:
        found = self.exact.get(key)
        if found is not None:
            return found
        g = bigrams(key)
        numbers = tuple(_numbers(key))
        prefix = self._prefix(g)
        self._last = (key, g, numbers, prefix, self._generation)
        best, best_score = None, 0.0
        seen: set[int] = set()
        t, n = self.threshold, len(g)
        low, high = t * n, n / t if t else 1e9
        t1 = 1 + t
        postings = self.postings
        compared = 0
        for i, gram in enumerate(prefix):
            by_pos = postings.get((numbers, gram))
            if not by_pos:
                continue
            after = n - i - 1
            # positional filter (PPJoin): this gram sits at i here and at j in the other's
            # prefix, and both sets are in one order, so they share at most
            # 1 + min(n-i-1, m-j-1) grams; Jaccard ≥ t needs t/(1+t)·(n+m) (margin for floats).
            # Hence m ≤ (1+after)·(1+t)/t − n here, and m ≥ (t·n + j·(1+t)) / (1+t−t) at j:
            # past the j where these cross (with a margin far above float error) none passes
            top = min(high, (1 + after) * t1 / t - n if t else 1e9) + 1e-6
            for j, bucket in enumerate(by_pos):
                if (t * n + j * t1) / (t1 - t) > top:
                    break  # no entry with the gram at j or later can pass
                for eid, m in bucket:
                    if not low <= m <= high:  # Jaccard ≥ t bounds the size ratio
                        continue
                    rest = m - j - 1
                    if (1 + (after if after < rest else rest)) * t1 < t * (n + m) - 1e-9:
                        continue
                    # an entry that fails at its first shared gram fails at every later one (i
                    # and j only grow), so one that passes is evaluated once, as before
                    if eid in seen:
                        continue
                    seen.add(eid)
                    compared += 1
                    inter = len(g & self.grams[eid])  # jaccard(g, other), both non-empty
                    score = inter / (n + m - inter)
                    if score >= t and (score > best_score or (score == best_score and eid < best)):
                        best, best_score = eid, score
        self.compared += compared
        return best

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> "QuestionIndex":
        index = cls()
        for eid, norm in conn.execute("SELECT id, norm FROM kb_entries ORDER BY id"):
            index.keys[eid] = norm
            index.exact.setdefault(norm, eid)
            index.grams[eid] = bigrams(norm)
            index.numbers[eid] = tuple(_numbers(norm))
        index._rebuild()
        return index


def kb_token(conn: sqlite3.Connection) -> tuple:
    """What a QuestionIndex built from kb_entries is valid for: the store revision (bumped by every
    write) and the entries' extent. Read inside the write transaction that reuses the index."""
    rev = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    count, top = conn.execute("SELECT count(*), max(id) FROM kb_entries").fetchone()
    last = conn.execute("SELECT norm FROM kb_entries WHERE id = ?", (top,)).fetchone()
    return rev[0] if rev else None, count, top, last[0] if last else None


__all__ = ["SIMILARITY", "question_key", "bigrams", "jaccard", "QuestionIndex", "kb_token"]
