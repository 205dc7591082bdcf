"""Dense stage vs lexical search, side by side: quality of several fusion settings on each eval
file, warm latency, corpus-encode time and peak RSS.

    python bench/bench_dense.py ../shared/eval/dev.jsonl tests/fixtures/own_questions_holdout*.jsonl

Uses the current store (FALV_HOME). Builds the dense vectors on first use (timed here).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from falv.commands.common import store as get_store
from falv.evaluate import ItemResult, read_items, summarize
from falv.search import retrieve
from falv.search.retrieve import Fusion, Searcher

CONFIGS = {
    "dense only": Fusion("rrf", 60, 0.0, 1.0),
    "rrf k60 1:1": Fusion("rrf", 60, 1.0, 1.0),
    "rrf k60 2:1": Fusion("rrf", 60, 2.0, 1.0),
    "rrf k60 3:1": Fusion("rrf", 60, 3.0, 1.0),
    "rrf k10 3:1": Fusion("rrf", 10, 3.0, 1.0),
    "rerank lexical top100": Fusion("rerank"),
    "blend 0.2 d30 (default)": Fusion("blend", 0, 1.0, 0.2, 30),
    "blend 0.4 d30": Fusion("blend", 0, 1.0, 0.4, 30),
    "blend 0.4 d100": Fusion("blend", 0, 1.0, 0.4, 100),
}


def run(s: Searcher, items) -> tuple[dict, list[float]]:
    results = []
    for item in items:
        t0 = time.perf_counter()
        hits = s.search(item.question, top=10)
        ms = (time.perf_counter() - t0) * 1000
        results.append(ItemResult(item, [(h.article.law.title, h.article.article_no) for h in hits], ms))
    return summarize(results, 10), [r.ms for r in results]


def main(argv: list[str]) -> None:
    files = [Path(a) for a in argv] or [Path("../shared/eval/dev.jsonl")]
    st = get_store()
    lex = retrieve.searcher(st, dense=False)
    t0 = time.perf_counter()
    dense_s = Searcher(st, lex.index, dense=True)
    load_s = time.perf_counter() - t0
    print(f"dense searcher ready in {load_s:.1f} s (includes any corpus encode); "
          f"{len(dense_s._dense)} vectors", file=sys.stderr)
    lex.search("个人信息"), dense_s.search("个人信息")
    rows = []
    allitems = []
    for f in files:
        items, _ = read_items(st, f)
        allitems += items
        m, _ = run(lex, items)
        rows.append({"set": f.name, "config": "lexical", **m})
        for name, fusion in CONFIGS.items():
            dense_s.fusion = fusion
            m, _ = run(dense_s, items)
            rows.append({"set": f.name, "config": name, **m})
    # latency over all questions, default fusion
    dense_s.fusion = retrieve.DENSE_FUSION
    _, lat_lex = run(lex, allitems)
    _, lat_dense = run(dense_s, allitems)
    print(json.dumps(rows, ensure_ascii=False))
    for r in rows:
        print(f"{r['set']:32s} {r['config']:24s} n={r['n']:3d}  R@5 {r['recall@5']:.3f}  "
              f"R@10 {r['recall@10']:.3f}  MRR {r['mrr@10']:.3f}")
    held = [r for r in rows if "holdout" in r["set"]]
    for config in ["lexical", *CONFIGS]:
        rs = [r for r in held if r["config"] == config]
        if rs:
            mean = lambda key: sum(r[key] for r in rs) / len(rs)
            print(f"HELD-OUT MEAN ({len(rs)} sets) {config:24s} R@5 {mean('recall@5'):.3f}  "
                  f"R@10 {mean('recall@10'):.3f}  MRR {mean('mrr@10'):.3f}")

    def pct(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(round((len(xs) - 1) * p / 100)))]
    print(f"latency lexical p50 {pct(lat_lex, 50):.2f} ms p95 {pct(lat_lex, 95):.2f} ms; "
          f"dense {retrieve.DENSE_FUSION} p50 {pct(lat_dense, 50):.2f} ms p95 {pct(lat_dense, 95):.2f} ms "
          f"(n={len(allitems)})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
