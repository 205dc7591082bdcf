"""Tokenisation for statute search: jieba's search-mode segmentation, a legal user dictionary and a
colloquial→legal expansion table.

Why not call jieba directly at query time: importing jieba and loading its 350k-word dictionary
costs ~0.7 s per process, more than the whole cold-start budget. So the segmenter here is jieba's
own algorithm (prefix DAG + maximum-probability route, no HMM, then search mode's 2/3-gram
sub-words) over a frequency table. At index-build time the table is jieba's full dictionary plus
the legal dictionary; the index then saves a *compact* table — only the words the corpus, the legal
dictionary and the expansion table use, with jieba's own frequencies and total — which loads in a
few milliseconds. Words outside that table cannot match any indexed token anyway.
"""

from __future__ import annotations

import logging
import marshal
import os
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from math import log
from pathlib import Path
from typing import Iterable

from .. import config
from ..errors import FalvError
from ..text import cn_to_int, normalize

_BLOCK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[A-Za-z0-9]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _data(name: str) -> str:
    return resources.files("falv.search").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words = set()
    for line in _data("stopwords.txt").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.update(line.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def legal_words() -> tuple[tuple[str, int | None], ...]:
    """The legal user dictionary: (word, frequency or None). legal_dict.txt holds words separated
    by whitespace; a number right after a word is that word's frequency."""
    out: list[list] = []
    for line in _data("legal_dict.txt").splitlines():
        for token in line.split("#", 1)[0].split():
            if token.isdigit() and out:
                out[-1][1] = int(token)
            elif not token.isdigit():
                out.append([token, None])
    return tuple((w, f) for w, f in out)


GAP_SHORT, GAP_LONG = 1, 2  # characters a key may have inserted: 2-character keys, longer keys


@lru_cache(maxsize=4096)
def _gapped(key: str) -> re.Pattern:
    gap = GAP_SHORT if len(key) <= 2 else GAP_LONG
    return re.compile(f"[^，。；！？,.;!?\\s]{{0,{gap}}}".join(map(re.escape, key)))


@dataclass(frozen=True)
class Expansions:
    """Colloquial → legal vocabulary, read from data/expansions.toml."""

    terms: dict[str, tuple[str, ...]]
    cooccur: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    weight: float = 0.6
    # (from, below, terms): an age stated in the question within [from, below) adds the terms
    ages: tuple[tuple[int, int, tuple[str, ...]], ...] = ()

    def expand(self, question: str) -> list[str]:
        """Legal terms implied by the question (key rules, then co-occurrence rules).

        A key also matches with a few characters inserted (被打 ~ 被人打, 喝酒开车 ~ 喝了酒开车,
        不签 ~ 不跟我签): people pad colloquial phrases, and one spelling per entry is enough."""
        out: list[str] = []
        chars = set(question)
        for key, extra in self.terms.items():
            # a gapped match needs every character of the key: the cheap test spares compiling
            # ~600 patterns in each new process (a cold `falv ask`)
            if key in question or (chars.issuperset(key) and _gapped(key).search(question)):
                out.extend(extra)
        for keys, extra in self.cooccur:
            if all(k in question for k in keys):
                out.extend(extra)
        for age in stated_ages(question) if self.ages else ():
            for lo, hi, extra in self.ages:
                if lo <= age < hi:
                    out.extend(extra)
        return out

    def vocabulary(self) -> set[str]:
        words = set(self.terms)
        for extra in self.terms.values():
            words.update(extra)
        for keys, extra in self.cooccur:
            words.update(k for k in keys if len(k) > 1)
            words.update(extra)
        for _, _, extra in self.ages:
            words.update(extra)
        return words


# 十三岁 · 3岁 · 十五周岁 · 两岁半 (not 岁月, 万岁, 十几岁: no one age)
_AGE = re.compile(r"(?<![0-9零〇一二两三四五六七八九十百几多])([0-9]{1,3}|[零〇一二两三四五六七八九十百]{1,4})(?:周岁|岁)(?!月)")
MAX_AGE = 150


def stated_ages(question: str) -> list[int]:
    """The ages a question states, in years (at most a few: the question is bounded)."""
    out = []
    for m in _AGE.finditer(question):
        try:
            age = cn_to_int(m.group(1).replace("两", "二"))
        except FalvError:
            continue
        if 0 < age <= MAX_AGE and age not in out:
            out.append(age)
    return out


@lru_cache(maxsize=1)
def expansions() -> Expansions:
    data = tomllib.loads(_data("expansions.toml"))
    terms = {k: tuple(v) for k, v in data.get("terms", {}).items()}
    co = tuple((tuple(r["all"]), tuple(r["add"])) for r in data.get("cooccur", []))
    ages = tuple((int(r.get("from", 0)), int(r.get("below", MAX_AGE + 1)), tuple(r["add"]))
                 for r in data.get("age", []))
    return Expansions(terms, co, float(data.get("weights", {}).get("expansion", 0.6)), ages)


def _with_prefixes(freq: dict[str, int]) -> dict[str, int]:
    """freq plus a 0 entry for every proper prefix of its words: the DAG walk extends a fragment
    only while the table holds it (jieba's own table layout)."""
    for w in list(freq):
        for i in range(1, len(w)):
            freq.setdefault(w[:i], 0)
    return freq


class Segmenter:
    """jieba's maximum-probability segmentation (HMM off) and search mode over a given table."""

    def __init__(self, freq: dict[str, int], total: int):
        self.freq = freq
        self.total = total
        self._logtotal = log(total)

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def from_words(cls, freq: dict[str, int], total: int) -> "Segmenter":
        """A table from plain word frequencies (adds the prefix entries the DAG walk needs)."""
        return cls(_with_prefixes(dict(freq)), total)

    @classmethod
    def full(cls, extra_words: Iterable[str] = ()) -> "Segmenter":
        """jieba's full dictionary + the legal dictionary + extra words (law titles, expansions).
        Used only when an index is built: this is the slow (~0.6 s) load."""
        import jieba  # heavy: only when an index is built

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        # jieba caches its table as <system temp>/jieba.cache, a name anyone can plant first
        # (marshal data it loads): kept with the indexes instead, or in a private folder
        private = None
        folder = config.index_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise OSError
        except OSError:
            folder = private = Path(tempfile.mkdtemp(prefix="falv-jieba-"))
        tk.tmp_dir = str(folder)
        try:
            tk.initialize()
        finally:
            if private is not None:
                shutil.rmtree(private, ignore_errors=True)
        seg = cls(dict(tk.FREQ), tk.total)
        for word, freq in legal_words():
            seg.add_word(word, freq)
        for word in extra_words:
            seg.add_word(word)
        return seg

    def add_word(self, word: str, freq: int | None = None) -> None:
        """Add a word so that it wins over its own split (jieba's suggest_freq logic)."""
        word = word.strip()
        if not word or not _CJK.search(word):
            return
        if freq is None:
            if self.freq.get(word):
                return
            p = 1.0
            for part in self._cut_block(word):
                p *= (self.freq.get(part) or 1) / self.total
            freq = max(int(p * self.total) + 1, 1)
        self.freq[word] = max(freq, self.freq.get(word) or 0)
        for i in range(1, len(word)):
            self.freq.setdefault(word[:i], 0)

    def compact(self, words: Iterable[str]) -> "Segmenter":
        """A segmenter that knows only `words` (with this table's frequencies and total)."""
        freq = {w: f for w in words if (f := self.freq.get(w))}
        return Segmenter(_with_prefixes(freq), self.total)

    def save(self, path: Path) -> None:
        path.write_bytes(marshal.dumps((self.total, self.freq)))

    @classmethod
    def load(cls, path: Path) -> "Segmenter":
        total, freq = marshal.loads(path.read_bytes())
        return cls(freq, total)

    # -- segmentation --------------------------------------------------------------------------

    def _cut_block(self, s: str) -> list[str]:
        freq, n = self.freq, len(s)
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        logtotal = self._logtotal
        for k in range(n - 1, -1, -1):
            best = (log(freq.get(s[k]) or 1) - logtotal + route[k + 1][0], k)
            i = k + 1
            frag = s[k:i + 1]
            while i < n and frag in freq:
                f = freq[frag]
                if f:
                    cand = log(f) - logtotal + route[i + 1][0]
                    if cand > best[0] or (cand == best[0] and i > best[1]):
                        best = (cand, i)
                i += 1
                frag = s[k:i + 1]
            route[k] = best
        out, k = [], 0
        while k < n:
            j = route[k][1] + 1
            out.append(s[k:j])
            k = j
        return out

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        for m in _BLOCK.finditer(text):
            block = m.group()
            if block.isascii():
                out.append(block.lower())
            else:
                out.extend(self._cut_block(block))
        return out

    def cut_for_search(self, text: str) -> list[str]:
        freq = self.freq
        out: list[str] = []
        for w in self.cut(text):
            n = len(w)
            if n > 2:
                for i in range(n - 1):
                    g = w[i:i + 2]
                    if freq.get(g):
                        out.append(g)
            if n > 3:
                for i in range(n - 2):
                    g = w[i:i + 3]
                    if freq.get(g):
                        out.append(g)
            # beyond jieba: dictionary words of four or more characters inside a longer word
            # (个人信息 in 个人信息处理者), so a question's 个人信息 meets the statute's compound
            for size in range(4, n):
                for i in range(n - size + 1):
                    g = w[i:i + size]
                    if freq.get(g):
                        out.append(g)
            out.append(w)
        return out


@dataclass
class Analyzer:
    """Text → index tokens (documents) and weighted query terms (questions)."""

    segmenter: Segmenter
    expansions: Expansions = field(default_factory=expansions)
    stop: frozenset[str] = field(default_factory=stopwords)

    def doc_tokens(self, text: str) -> list[str]:
        stop = self.stop
        return [t for t in self.segmenter.cut_for_search(text) if t not in stop]

    def query_terms(self, question: str) -> dict[str, float]:
        """Query token → weight: the question's own tokens weigh 1, expansion terms less."""
        q = normalize(question)
        weights: dict[str, float] = {}
        for t in self.segmenter.cut_for_search(q):
            if t not in self.stop:
                weights[t] = 1.0
        w = self.expansions.weight
        for term in self.expansions.expand(q):
            for t in self.segmenter.cut_for_search(term):
                if t not in self.stop and t not in weights:
                    weights[t] = w
        return weights
