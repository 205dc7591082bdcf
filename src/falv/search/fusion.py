"""The dense stage of a Searcher: embedding candidates joined to the lexical ones, then one blended
score (BENCHMARKS.md, "Issue 14" has every setting tried and the sets each was picked on).

Candidates: the lexical top RECALL_K (already re-ranked by retrieve.py) plus the `depth` articles
nearest to the question in embedding space over the whole corpus — the lexical list alone caps
recall@10 at its recall@100 (dev 0.68), and everyday wording often shares no word with the article
(外卖员送餐撞人 / 用人单位的工作人员因执行工作任务).

Query: the question followed by the legal terms the expansion table (search/data/expansions.toml)
gives for it, e.g. 租的房子漏水，房东一直拖着不修（出租人 租赁 承租人 相邻 排水 不动产 维修 修缮）: the model then sees
the statute's words next to the everyday ones (still one encode, of a longer text; +.014–.022 recall@10
on the pooled tuning sets).

Score: (1 − w) · minmax(lexical) + w · minmax(cosine) over the candidates, where a candidate the
lexical stage did not find takes the lowest lexical score of the list (with 0 instead, min-max
scaling ranks every embedding-only candidate below the whole lexical list: recall@100 of held-out
sets 3 and 6 fell by 0.11–0.12).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import dense

if TYPE_CHECKING:  # numpy is imported where it is used: see tests/test_imports.py
    import numpy as np


@dataclass(frozen=True)
class Blend:
    w_dense: float = 0.35  # weight of the cosine term
    depth: int = 50  # embedding candidates from the whole corpus joined to the lexical ones
    expand: bool = True  # the query text carries the expansion table's legal terms


DEFAULT = Blend()


def minmax(x: np.ndarray) -> np.ndarray:
    import numpy as np
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


class DenseStage:
    """Model + corpus vectors for one Searcher; `fuse` is called per question."""

    def __init__(self, searcher, blend: Blend = DEFAULT, encoder=None):
        self.searcher = searcher
        self.blend = blend
        self.encoder = encoder or dense.model()
        titles = {lid: law.title for lid, law in searcher._laws.items()}
        self.vectors = dense.load_or_build(searcher.index, titles, self.encoder)

    def query_text(self, question: str) -> str:
        if not self.blend.expand:
            return question
        terms = dict.fromkeys(self.searcher.index.analyzer.expansions.expand(question))
        return question + ("（" + " ".join(terms) + "）" if terms else "")

    def fuse(self, question: str, ranked: list[tuple[int, float, tuple]], mask
             ) -> list[tuple[int, float, tuple]]:
        """The lexical ranking (doc, score, reasons) joined with embedding candidates (of the
        documents `mask` keeps, all without one), re-scored."""
        import numpy as np
        b = self.blend
        sims = self.vectors.scores(self.encoder.query(self.query_text(question)))
        s = self.searcher
        pool = {doc: (score, why) for doc, score, why in ranked}
        for doc in self.vectors.top(sims, b.depth, mask).tolist():
            pool.setdefault(doc, (None, ()))
        if not pool:
            return []
        docs = np.fromiter(pool, dtype=np.int64, count=len(pool))
        known = [s for s, _ in pool.values() if s is not None]
        floor = min(known) if known else 0.0
        lex = np.array([floor if s is None else s for s, _ in pool.values()], dtype=np.float64)
        cos = sims[docs].astype(np.float64)
        score = (1.0 - b.w_dense) * minmax(lex) + b.w_dense * minmax(cos)
        order = np.argsort(-score, kind="stable")
        out = []
        for i in order.tolist():
            doc = int(docs[i])
            why = pool[doc][1]
            out.append((doc, float(score[i]), why + ("dense",) if pool[doc][0] is None else why))
        return out
