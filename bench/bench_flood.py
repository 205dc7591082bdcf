"""Citations on one line (issue 22): the curve of `falv verify` work against the number of
citations, one line against one citation per line.

    python bench/bench_flood.py [--sizes 1000,2000,4000,8000,16000,32000,64000] [--limit 120]

Each size runs in a child process (temporary FALV_HOME, the bundled store) that times
`verify_text(store, "《民法典》第一千零三十八条" × N)` — the path of `POST /verify`, the MCP tool
and `falv verify` — once with the citations on one line and once one per line, and prints
seconds; `--limit` stops a size that runs longer (shown as “> limit”). With PYTHONPATH pointing
at another checkout's src/ it measures that code (the quadratic finder of 7d7e3e0, for one).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

CHILD = """
import sys, time
from falv.law.store import StatuteStore
from falv.law.verify import verify_text
n, sep = int(sys.argv[1]), sys.argv[2]
store = StatuteStore()
verify_text(store, "《民法典》第一千零三十八条")  # warm: names, regexes, resolver
text = sep.join(["《民法典》第一千零三十八条"] * n)
t0 = time.perf_counter()
found = len(verify_text(store, text))
print(f"{time.perf_counter() - t0:.3f} {found} {len(text.encode('utf-8'))}")
"""


def run(n: int, sep: str, limit: float, env: dict) -> str:
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n), sep], env=env, capture_output=True,
                             text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return f"> {limit:.0f} s"
    if out.returncode != 0:
        return "error: " + out.stderr.strip().splitlines()[-1][:80]
    seconds, found, size = out.stdout.split()
    return f"{float(seconds):.2f} s ({int(found):,} found, {int(size) / 1024:.0f} KiB)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,2000,4000,8000,16000,32000,64000")
    ap.add_argument("--limit", type=float, default=120, help="seconds a size may run")
    args = ap.parse_args()
    env = dict(os.environ, FALV_HOME=os.environ.get("FALV_HOME") or tempfile.mkdtemp(prefix="falv-flood-"))
    print("| citations | one line | one per line |\n|---|---|---|")
    for n in (int(x) for x in args.sizes.split(",")):
        print(f"| {n:,} | {run(n, '', args.limit, env)} | {run(n, chr(10), args.limit, env)} |", flush=True)


if __name__ == "__main__":
    main()
