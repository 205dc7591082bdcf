"""Citation verification throughput on a generated text (issue 2).

    python bench/bench_verify.py [MEGABYTES]        # default 1 MB, temporary FALV_HOME

The text is generated from the store's own articles (never typed): paragraphs of the form
《TITLE》第X条规定：“ARTICLE TEXT” with ordinary prose between them taken from other articles, so a
real mix of citations, quotes and running text. Reports, each as MB/s and citations/s:
  * extract only (falv.law.find.extract, names from the resolver),
  * verify_text without quotes (extract → resolve → verify existence/status),
  * verify_text with quotes (also compares every quoted text with the store).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path


def generate(store, size_bytes: int, seed: int = 7) -> str:
    """A text of about size_bytes UTF-8 bytes: cited-and-quoted articles and plain prose."""
    rng = random.Random(seed)
    arts = [a for a in store.iter_articles() if a.text.strip() and "\n" not in a.text.strip()]
    rng.shuffle(arts)
    parts, size, i = [], 0, 0
    while size < size_bytes:
        a = arts[i % len(arts)]
        prose = arts[(i + 1) % len(arts)].text.strip()
        i += 2
        short = a.law.title.removeprefix("中华人民共和国")
        para = f"{prose}\n依照《{short}》{a.article_no}规定：“{a.text.strip()}”\n\n"
        parts.append(para)
        size += len(para.encode("utf-8"))
    return "".join(parts)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    mb = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    os.environ.setdefault("FALV_HOME", tempfile.mkdtemp(prefix="falv-bench-"))
    from falv.law.find import extract
    from falv.law.store import StatuteStore
    from falv.law.verify import Verifier, verify_text

    store = StatuteStore()
    text = generate(store, int(mb * 1024 * 1024))
    size = len(text.encode("utf-8")) / 1024 / 1024
    print(f"text: {size:.2f} MB, {len(text):,} characters")
    names = Verifier(store).resolver.names()
    extract(text[:2000], names=names)  # warm: alias tables, compiled regex, resolver
    verify_text(store, text[:20000], quotes=True)

    rows = []
    cits, took = timed(lambda: extract(text, names=names))
    rows.append(("extract only", len(cits), took))
    checked, took = timed(lambda: verify_text(store, text, quotes=False))
    rows.append(("verify_text, no quotes", len(checked), took))
    checked_q, took = timed(lambda: verify_text(store, text, quotes=True))
    rows.append(("verify_text, with quotes", len(checked_q), took))
    for label, n, took in rows:
        print(f"{label:28s} {took:6.2f} s  {size / took:6.2f} MB/s  {n / took:9,.0f} citations/s  ({n:,} citations)")
    verdicts: dict[str, int] = {}
    for c in checked_q:
        verdicts[c.verdict.kind.value] = verdicts.get(c.verdict.kind.value, 0) + 1
    print("verdicts with quotes:", dict(sorted(verdicts.items(), key=lambda kv: -kv[1])))
    try:
        import resource

        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
