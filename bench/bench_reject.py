"""How long `statutes import` takes to refuse files that hold no statute: 100,000 empty lines,
100,000 lines of prose without one article, a sparse file one byte over the size cap. These were
timed assertions in tests/test_importer.py; tests now check only that the refusal happens and its
memory (a timed test fails on a loaded machine), and the time is measured here.

    python bench/bench_reject.py [--repeat 5]

Prints one line per case: the best and the median wall time of `import_files` (in process, into an
empty FALV_HOME) and the peak Python allocation (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def cases(folder: Path) -> dict[str, Path]:
    from falv.law.parse import MAX_FILE_BYTES

    empty = folder / "empty.md"
    empty.write_text("\n" * 100_000, "utf-8")
    prose = folder / "prose.md"
    prose.write_text("# 标题\n" + "这一行不是条文。\n\n## 不是章\n" * 25_000, "utf-8")
    huge = folder / "huge.md"
    with open(huge, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    return {"100k empty lines": empty, "100k lines of prose": prose, "one byte over the cap": huge}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FALV_HOME"] = str(Path(tmp) / "home")
        from falv.errors import ImportRejected
        from falv.law.importer import import_files

        for name, path in cases(Path(tmp)).items():
            times, peak = [], 0
            for _ in range(args.repeat):
                tracemalloc.start()
                t0 = time.perf_counter()
                try:
                    import_files(Path(tmp) / "home" / "falv.db", [path])
                    raise SystemExit(f"{name}: not refused")
                except ImportRejected:
                    pass
                times.append(time.perf_counter() - t0)
                peak = max(peak, tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
            print(f"{name:24s} best {min(times) * 1000:8.1f} ms   median "
                  f"{statistics.median(times) * 1000:8.1f} ms   peak {peak / 2**20:6.1f} MiB")


if __name__ == "__main__":
    main()
