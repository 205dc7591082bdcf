"""Speed and memory of statute search: first build, later loads, cold CLI start, warm latency.

    python bench/bench_search.py [EVAL.jsonl …] [--import PATH …]
    PYTHONPATH=OTHER/src python bench/bench_search.py …     # another checkout's code

Runs each phase in a fresh process (so the numbers are what a user sees) against a temporary
FALV_HOME — the bundled laws.db, plus what --import names (`falv statutes import --keep-going`,
e.g. LawRefBook's 司法解释 行政法规 部门规章 folders) — ; peak RSS is the child's ru_maxrss. Warm
search is `falv eval`'s (Engine.search with its bridges and groups); quality is also measured by
`falv eval` and bench/peer.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import child  # bench/common.py

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
FALV = str(Path(PY).with_name("falv"))
QUESTION = "快递单上的个人信息被泄露了找谁"
DEFAULT_EVAL = [REPO.parent / "shared" / "eval" / "dev.jsonl"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("evals", nargs="*", type=Path)
    ap.add_argument("--import", dest="imports", nargs="+", default=[], type=Path,
                    help="statute files or folders imported into the temporary store first")
    args = ap.parse_args()
    evals = args.evals or DEFAULT_EVAL
    home = tempfile.mkdtemp(prefix="falv-bench-")
    env = {**os.environ, "FALV_HOME": home}
    rows = []
    if args.imports:
        subprocess.run([FALV, "statutes", "import", *map(str, args.imports), "--keep-going"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    build_code = ("import time;from falv.law.store import StatuteStore;from falv.search import index;"
                  "s=StatuteStore();t=time.perf_counter();index.load_or_build(s);"
                  "print(time.perf_counter()-t)")
    wall, rss, out = child([PY, "-c", build_code], env)
    rows.append(("first index build (in process)", f"{float(out):.2f} s", f"{rss:.0f} MB"))

    load_code = ("import time;from falv.law.store import StatuteStore;from falv.search import index;"
                 "s=StatuteStore();t=time.perf_counter();i=index.load(index.index_path(s));"
                 "print(time.perf_counter()-t)")
    loads = [float(child([PY, "-c", load_code], env)[2]) for _ in range(5)]
    rows.append(("later index load (median of 5)", f"{statistics.median(loads):.3f} s", ""))

    colds, rsss = [], []
    for _ in range(5):
        wall, rss, _ = child([FALV, "search", QUESTION, "--top", "5"], env)
        colds.append(wall)
        rsss.append(rss)
    rows.append(("cold `falv search` wall (median of 5)", f"{statistics.median(colds):.3f} s",
                 f"{max(rsss):.0f} MB"))

    for path in evals:
        warm_code = ("import json,sys;from falv.law.store import StatuteStore;from falv import evaluate;"
                     f"m,_,_=evaluate.run(StatuteStore(),{str(path)!r},with_answers=False);"
                     "print(json.dumps(m))")
        _, rss, out = child([PY, "-c", warm_code], env)
        m = json.loads(out.strip().splitlines()[-1])
        rows.append((f"warm search on {path.name} (n={m['n']})",
                     f"p50 {m['p50_ms']} ms · p95 {m['p95_ms']} ms", f"{rss:.0f} MB"))
        rows.append((f"quality on {path.name}",
                     f"R@5 {m['recall@5']} · R@10 {m['recall@10']} · MRR@10 {m['mrr@10']}", ""))

    print("| measurement | value | peak RSS |")
    print("|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
