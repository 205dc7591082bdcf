"""falv search vs china-law-mcp (`china_law_mcp.retrieval.search`) on one eval file, in one run.

    python bench/peer.py [EVAL.jsonl] [--k 10]

Both systems answer every question with reliable gold; the gold is normalised the same way
(falv.evaluate.normalize_gold) and matched on (law title, article number text). Latency is warm
(each system's index is loaded before timing). Importing china_law_mcp is fine here, never in falv.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from falv import evaluate
from falv.law.store import StatuteStore
from falv.search.retrieve import searcher

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def row(name: str, results: list[evaluate.ItemResult]) -> dict:
    m = evaluate.summarize(results)
    return {"system": name, **{k: m[k] for k in ("n", "recall@5", "recall@10", "mrr@10", "p50_ms", "p95_ms")}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()

    store = StatuteStore()
    items, skipped = evaluate.read_items(store, Path(args.file))

    s = searcher(store)
    s.search("个人信息")
    falv_results = []
    for it in items:
        t0 = time.perf_counter()
        hits = s.search(it.question, top=args.k)
        ms = (time.perf_counter() - t0) * 1000
        falv_results.append(evaluate.ItemResult(
            it, [(h.article.law.title, h.article.article_no) for h in hits], ms))

    from china_law_mcp import retrieval  # the peer; its index builds on first use

    t0 = time.perf_counter()
    retrieval.search("个人信息", top_k=args.k)
    peer_first_s = time.perf_counter() - t0
    peer_results = []
    for it in items:
        t0 = time.perf_counter()
        hits = retrieval.search(it.question, top_k=args.k)
        ms = (time.perf_counter() - t0) * 1000
        peer_results.append(evaluate.ItemResult(
            it, [(h.get("law_name"), h.get("article_no")) for h in hits], ms))

    rows = [row("falv", falv_results), row("china-law-mcp", peer_results)]
    cols = list(rows[0])
    print(f"# {args.file} — {len(items)} items with reliable gold ({skipped} skipped); "
          f"peer first call (index load/build) {peer_first_s:.1f} s")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    ratio = rows[1]["p50_ms"] / rows[0]["p50_ms"] if rows[0]["p50_ms"] else float("nan")
    print(f"latency ratio (peer p50 / falv p50): {ratio:.1f}×")


if __name__ == "__main__":
    sys.exit(main())
