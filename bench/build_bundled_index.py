"""Regenerate the search index of the bundled store that ships in the package
(src/falv/search/prebuilt/laws): built from the bundled laws.db alone, in a temporary data
directory, then put in place (tests/test_bundled_index.py fails while it is stale).

    python bench/build_bundled_index.py           # after a change of the base data, the analyzer or its data files
    python bench/build_bundled_index.py --check   # exit 1 (and name the files) when it is stale

Run it with the checkout's own venv (an editable install): it writes into this checkout's src/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "src" / "falv" / "search" / "prebuilt" / "laws"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 when stale")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="falv-bundled-") as home:
        os.environ["FALV_HOME"] = home
        os.environ.pop("FALV_INDEX_DIR", None)
        os.environ.pop("FALV_BASE_DB", None)
        from falv.law.store import StatuteStore
        from falv.search import indexbuild

        with StatuteStore() as store:
            fresh = Path(home) / "laws"
            started = time.perf_counter()
            meta = indexbuild.build(store, fresh, "laws", prune=False)
            seconds = time.perf_counter() - started
            stale = indexbuild.differences(fresh, DEST)
            if args.check:
                print(json.dumps({"stale": stale, "content_hash": meta["content_hash"]}, ensure_ascii=False))
                return 1 if stale else 0
            if not stale:
                print(f"{DEST.relative_to(ROOT)}: up to date ({meta['documents']} documents)")
                return 0
            DEST.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(DEST, ignore_errors=True)
            shutil.copytree(fresh, DEST)
            size = sum(p.stat().st_size for p in DEST.rglob("*") if p.is_file())
            print(f"{DEST.relative_to(ROOT)}: {meta['documents']} documents, {meta['vocabulary']} terms, "
                  f"{size / 1e6:.1f} MB, built in {seconds:.1f} s; changed: {', '.join(stale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
