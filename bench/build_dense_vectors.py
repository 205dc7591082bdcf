"""Regenerate the dense corpus vectors (falv[dense]) for a store and write them where falv looks
for shipped vectors: `src/falv/search/data/dense-<model>.npy` + `.keys.npy` (or --out DIR).

    python bench/build_dense_vectors.py            # the current store (FALV_HOME, FALV_BASE_DB)
    python bench/build_dense_vectors.py --out /tmp/vecs

Rows are keyed by a hash of the embedded text (not by position), so vectors built for the base
laws.db are reused for any store that holds those articles: an import embeds only its own new
articles. They are not committed by default (24 MB for 23,721 articles; see BENCHMARKS.md, dense
section): the first `--dense` search builds the same file in the index cache instead.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

from falv.commands.common import store as get_store
from falv.search import dense
from falv.search.retrieve import Searcher


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=dense.shipped_dir(), help="output directory")
    args = ap.parse_args(argv)
    st = get_store()
    lexical = Searcher(st)
    texts = dense.corpus_texts(lexical.index.docs, {lid: law.title for lid, law in lexical._laws.items()})
    keys = np.fromiter((dense.text_key(t) for t in texts), dtype=np.uint64, count=len(texts))
    started = time.perf_counter()
    model = dense.model()
    vectors = np.zeros((len(texts), dense.DIM), dtype=np.float16)
    step = 2048
    for start in range(0, len(texts), step):
        vectors[start:start + step] = model.encode(texts[start:start + step]).astype(np.float16)
        print(f"  {min(start + step, len(texts))}/{len(texts)}", file=sys.stderr, end="\r", flush=True)
    seconds = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    vec_path, key_path = dense.paths(args.out)
    np.save(vec_path, vectors)
    np.save(key_path, keys)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{len(texts)} articles (store {st.content_hash()}) encoded in {seconds:.1f} s "
          f"({len(texts) / seconds:.0f}/s); {vec_path} {vec_path.stat().st_size / 1e6:.1f} MB; "
          f"peak RSS {rss:.0f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
