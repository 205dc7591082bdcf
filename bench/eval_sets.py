"""Retrieval quality on every evaluation set in one process, as a markdown table (the numbers of
`falv eval --no-answers` per set: recall@5 / recall@10 / recall@100 / MRR@10, warm p50 ms).

    python bench/eval_sets.py                   # dev + research + tests/fixtures/{own_questions,pi_frame}*.jsonl
    python bench/eval_sets.py --dense           # with the dense stage (falv[dense])
    python bench/eval_sets.py FILE.jsonl …      # other sets

Uses the store of FALV_HOME (set it to a fresh directory for the base store only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def default_sets() -> list[Path]:
    sets = [SHARED / "eval" / "dev.jsonl", SHARED / "research" / "depeval_queries.jsonl"]
    sets += sorted((ROOT / "tests" / "fixtures").glob("own_questions*.jsonl"))
    sets += sorted((ROOT / "tests" / "fixtures").glob("pi_frame*.jsonl"))
    return [p for p in sets if p.is_file()]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path)
    ap.add_argument("--dense", action="store_true", help="with the dense stage")
    args = ap.parse_args(argv)
    from falv.commands.common import store
    from falv.engine import Engine
    from falv.evaluate import run

    st = store()
    engine = Engine(st, dense=args.dense)  # one engine (index, vectors) for every set
    print("| set | n | R@5 | R@10 | R@100 | MRR@10 | p50 ms |")
    print("|---|---|---|---|---|---|---|")
    for path in args.sets or default_sets():
        m, _, _ = run(st, path, with_answers=False, engine=engine)
        print(f"| {path.name} | {m['n']} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | "
              f"{m['recall@100']:.3f} | {m['mrr@10']:.3f} | {m['p50_ms']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
