"""Statute lookup latency (StatuteStore.get_article) and import throughput.

    python bench/bench_lookup.py [N_LOOKUPS]

Uses a temporary FALV_HOME; imports ../shared/data/statutes/*.md when present, so lookups cover
base and imported laws. Reports:
  * store open (StatuteStore() + first title lookup),
  * get_article cold (first article of a law after reload(): loads that law's articles),
  * get_article warm (random current articles, cache filled) — p50/p95/p99,
  * import: the nine files, and a generated batch of 18,000 articles (articles/s).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "statutes"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def fmt_us(values: list[float]) -> str:
    us = [v * 1e6 for v in values]
    return (f"p50 {pct(us, 50):.1f} µs · p95 {pct(us, 95):.1f} µs · p99 {pct(us, 99):.1f} µs · "
            f"mean {statistics.fmean(us):.1f} µs (n={len(us)})")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    home = Path(tempfile.mkdtemp(prefix="falv-bench-"))
    os.environ["FALV_HOME"] = str(home)
    from falv.law.importer import import_files
    from falv.law.store import StatuteStore

    files = sorted(p for p in SHARED.glob("*.md") if p.name != "MANIFEST.md") if SHARED.is_dir() else []
    if files:
        t0 = time.perf_counter()
        report = import_files(None, files)
        took = time.perf_counter() - t0
        arts = sum(l.articles for l in report.laws)
        print(f"import nine files: {took * 1000:.0f} ms ({arts} articles)")

    t0 = time.perf_counter()
    store = StatuteStore()
    store.current_law("中华人民共和国民法典")
    print(f"store open + first title lookup: {(time.perf_counter() - t0) * 1000:.1f} ms")

    keys = [(law.title, a.article_no) for law in store.laws() if store.is_current(law)
            for a in store.articles(law.law_id)]
    print(f"current articles: {len(keys)} in {len({t for t, _ in keys})} laws")

    store.reload()
    cold = []
    for title in {t for t, _ in keys}:
        no = next(k for t, k in keys if t == title)
        t0 = time.perf_counter()
        assert store.get_article(title, no) is not None
        cold.append(time.perf_counter() - t0)
    print(f"get_article cold (first lookup in a law): {fmt_us(cold)}")

    rng = random.Random(1)
    sample = [rng.choice(keys) for _ in range(n)]
    for title, no in sample[:1000]:
        store.get_article(title, no)
    warm = []
    for title, no in sample:
        t0 = time.perf_counter()
        art = store.get_article(title, no)
        warm.append(time.perf_counter() - t0)
        assert art is not None
    print(f"get_article warm (random current articles): {fmt_us(warm)}")

    sys.path.insert(0, str(REPO / "tests"))
    from test_crash_safety import write_big_batch

    out = home / "big"
    out.mkdir()
    batch = write_big_batch(store, out, files=6, per_file=3000)
    size = sum(p.stat().st_size for p in batch)
    t0 = time.perf_counter()
    report = import_files(store, batch)
    took = time.perf_counter() - t0
    arts = sum(l.articles for l in report.laws)
    print(f"import generated batch: {arts} articles, {size / 2**20:.1f} MB in {took:.2f} s "
          f"({arts / took:,.0f} articles/s)")
    t0 = time.perf_counter()
    import_files(store, batch)
    print(f"re-import unchanged batch: {time.perf_counter() - t0:.2f} s")
    store.close()


if __name__ == "__main__":
    main()
