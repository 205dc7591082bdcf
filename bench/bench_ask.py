"""Speed and memory of `falv ask`: cold CLI start with built indexes, warm latency per question.

    python bench/bench_ask.py [EVAL.jsonl …]

A temporary FALV_HOME gets the ../shared statutes imported and the seed ingested (when those are
present), so the knowledge base and the imported interpretations take part, as for a real user.
Cold start and peak RSS are measured in fresh processes (ru_maxrss); warm latency in one process
over every question of the eval files, the seed's questions and the mission's examples.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FALV = str(Path(sys.executable).with_name("falv"))
EXTRA = ["快递信息泄露了怎么办", "个人信息泄露找什么部门投诉", "信息泄露怎么处理怎么举报",
         "公司把我的身份证号卖了", "今天天气怎么样", "民法典第1038条怎么规定的"]


def child(cmd: list[str], env: dict) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    evals = [Path(p) for p in sys.argv[1:]] or [SHARED / "eval" / "dev.jsonl"]
    questions = [json.loads(l)["question"] for p in evals if p.exists()
                 for l in p.read_text(encoding="utf-8").splitlines() if l.strip()] + EXTRA
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, FALV_HOME=home)
        statutes = sorted(p for p in (SHARED / "data" / "statutes").glob("*.md") if p.name != "MANIFEST.md")
        if statutes:
            subprocess.run([FALV, "statutes", "import", *map(str, statutes)], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        subprocess.run([FALV, "kb", "ingest", str(REPO / "tests" / "fixtures" / "seed.txt")], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        build, build_rss = child([FALV, "ask", EXTRA[0]], env)  # first use: builds the index
        colds = [child([FALV, "ask", q], env) for q in EXTRA[:3] * 2]
        os.environ["FALV_HOME"] = home
        from falv.engine import Engine  # the façade every adapter uses

        engine = Engine()
        engine.ask(EXTRA[0])  # load
        times = []
        for q in questions:
            t0 = time.perf_counter()
            engine.ask(q)
            times.append((time.perf_counter() - t0) * 1000)
    print(f"questions: {len(questions)} (imported statutes: {len(statutes)}, seed ingested)")
    print(f"first ask (builds the index): {build:.2f} s, peak RSS {build_rss:.0f} MB")
    print(f"cold ask, built index: median {statistics.median(w for w, _ in colds):.2f} s, "
          f"max {max(w for w, _ in colds):.2f} s, peak RSS {max(r for _, r in colds):.0f} MB")
    print(f"warm ask: p50 {pct(times, 0.5):.2f} ms, p95 {pct(times, 0.95):.2f} ms, max {max(times):.2f} ms")


if __name__ == "__main__":
    main()
