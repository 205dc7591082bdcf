"""Cold start of the CLI: wall time and peak RSS of fresh `falv` processes, per command.

    python bench/bench_cold.py [--runs N] [FALV …]

Each FALV is a `falv` executable (default: the one beside this Python), e.g. the entry points of
two venvs with different commits `pip install`ed, to compare them in one run: their runs are
interleaved so that both see the same machine load. Each gets its own temporary FALV_HOME whose
search index is built before timing (a first `ask`), so `ask` here is a cold process with a
built index. Runs with byte-code written (PYTHONDONTWRITEBYTECODE unset), as after `pip install`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTION = "快递信息泄露了怎么办"
COMMANDS = {
    "--help": ["--help"],
    "verify seed": ["verify", str(REPO / "tests" / "fixtures" / "seed.txt")],
    "article": ["article", "民法典", "1038"],
    "article 刑法": ["article", "刑法", "165"],  # an article falv amended (刑法修正案（十二）)
    "route": ["route", QUESTION],
    "ask": ["ask", QUESTION],
}


def timed(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """(wall s, peak RSS MB, CPU s = user + system); exit 0 or 1 (verify's "a citation failed")
    count as success. On a shared machine the CPU time is the steadier figure."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("falv", nargs="*", default=[str(Path(sys.executable).with_name("falv"))])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        envs = {}
        for i, exe in enumerate(args.falv):
            envs[exe] = dict(base, FALV_HOME=str(Path(tmp) / str(i)))
            for argv in COMMANDS.values():  # builds the index, writes byte-code
                subprocess.run([exe, *argv], env=envs[exe], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        results = {(exe, name): [] for exe in args.falv for name in COMMANDS}
        load0 = f"{os.getloadavg()[0]:.1f}"
        for _ in range(args.runs):
            for name, argv in COMMANDS.items():
                for exe in args.falv:
                    results[exe, name].append(timed([exe, *argv], envs[exe]))
    print(f"median wall (CPU) of {args.runs} runs (s), peak RSS (MB); load average before/after: "
          f"{load0} / {os.getloadavg()[0]:.1f}")
    print("| command | " + " | ".join(args.falv) + " |")
    print("|---|" + "---|" * len(args.falv))
    for name in COMMANDS:
        cells = [f"{statistics.median(w for w, _, _ in results[exe, name]):.2f} s "
                 f"({statistics.median(c for _, _, c in results[exe, name]):.2f} s), "
                 f"{max(r for _, r, _ in results[exe, name]):.0f} MB" for exe in args.falv]
        print(f"| `falv {name}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
