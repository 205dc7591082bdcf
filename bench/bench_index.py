"""The first answer after install and the index builds, for one or more installed falv venvs.

    python bench/bench_index.py [--runs N] [--lawrefbook DIR] VENV…

Each VENV is a virtual environment with falv installed (`python3 -m venv V && V/bin/pip install
CHECKOUT`), e.g. one per commit to compare them; their runs are interleaved so that all see the
same machine load. Measured per venv, in fresh processes (byte-code written, as after `pip
install`), each run on a fresh temporary FALV_HOME:

- first `falv ask` on an empty data directory (whatever it has to build or load first);
- a cold `falv ask` once that one is done (index built or shipped);
- a build of the bundled store's index (`index.build`, the laws part) into a temporary folder;
- with --lawrefbook: `falv statutes import DIR/司法解释 DIR/行政法规 DIR/部门规章 --keep-going`
  once per venv; per run, that store put into the data directory of the asks above, and the next
  `falv ask` (it builds what the import changed: the imported kinds' index), then a build of the
  imported kinds' index alone (`index.build`, the "others" part).

Each figure: median wall, median CPU (user + system: the steadier one on a shared machine) and
the largest peak RSS. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "快递信息泄露了怎么办"
BUILD = ("import sys, time\nfrom pathlib import Path\nfrom falv.law.store import StatuteStore\n"
         "from falv.search import index\ns = StatuteStore()\nt = time.perf_counter()\n"
         "index.build(s, Path(sys.argv[1]), sys.argv[2])\nprint(time.perf_counter() - t)\n")


def timed(cmd: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stdout) of one process; it must exit 0."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.decode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("venvs", nargs="+", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lawrefbook", type=Path, help="LawRefBook checkout (司法解释, 行政法规, 部门规章)")
    args = ap.parse_args()
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "FALV_HOME", "FALV_INDEX_DIR", "FALV_BASE_DB")}
    rows: dict[tuple[str, str], list] = {}

    def add(venv: Path, name: str, got) -> None:
        rows.setdefault((str(venv), name), []).append(got[:3])

    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        imported = {}
        if args.lawrefbook:
            for i, venv in enumerate(args.venvs):
                home = Path(tmp) / f"lrb-{i}"
                env = dict(base, FALV_HOME=str(home))
                src = [str(args.lawrefbook / k) for k in ("司法解释", "行政法规", "部门规章")]
                add(venv, "import LawRefBook", timed([str(venv / "bin" / "falv"), "statutes", "import",
                                                      *src, "--keep-going", "--json"], env))
                imported[venv] = env
        for run in range(args.runs):
            for i, venv in enumerate(args.venvs):
                falv, py = str(venv / "bin" / "falv"), str(venv / "bin" / "python")
                env = dict(base, FALV_HOME=str(Path(tmp) / f"home-{i}-{run}"))
                add(venv, "first `ask`, empty data directory", timed([falv, "ask", QUESTION], env))
                add(venv, "cold `ask`, index built", timed([falv, "ask", QUESTION], env))
                out = Path(tmp) / f"build-{i}-{run}"
                got = timed([py, "-c", BUILD, str(out / "laws"), "laws"], env)
                add(venv, "index build, bundled store (laws)", got)
                rows.setdefault((str(venv), "  of which in build()"), []).append(
                    (float(got[3].split()[-1]), 0.0, 0.0))
                if venv in imported:
                    shutil.copyfile(Path(imported[venv]["FALV_HOME"]) / "falv.db",
                                    Path(env["FALV_HOME"]) / "falv.db")
                    add(venv, "first `ask` after the LawRefBook import", timed([falv, "ask", QUESTION], env))
                    got = timed([py, "-c", BUILD, str(out / "others"), "others"], imported[venv])
                    add(venv, "index build, LawRefBook kinds (others)", got)
                    rows.setdefault((str(venv), "  of which in build() "), []).append(
                        (float(got[3].split()[-1]), 0.0, 0.0))
    names = list(dict.fromkeys(name for _, name in rows))
    print(f"median of {args.runs} runs: wall s (CPU s), peak RSS MB; load average {load0:.1f} → "
          f"{os.getloadavg()[0]:.1f}")
    print("| measurement | " + " | ".join(str(v) for v in args.venvs) + " |")
    print("|---|" + "---|" * len(args.venvs))
    for name in names:
        cells = []
        for venv in args.venvs:
            got = rows.get((str(venv), name))
            if not got:
                cells.append("")
            elif name.startswith("  "):
                cells.append(f"{statistics.median(w for w, _, _ in got):.2f} s")
            else:
                cells.append(f"{statistics.median(w for w, _, _ in got):.2f} s "
                             f"({statistics.median(c for _, c, _ in got):.2f} s), "
                             f"{max(r for _, _, r in got):.0f} MB")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
