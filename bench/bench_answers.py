"""Answer quality and length per eval set: basis precision/recall, recall@10, and the median
number of analysis steps and 法律依据 articles of `ask` (issue 12: median ≤ 6 steps, ≤ 7 articles).

    python bench/bench_answers.py [--domain personal_info_privacy_consumer] FILE.jsonl …

FALV_HOME as set (it should hold the ../shared statutes and the seed, like a real user's store);
without FALV_HOME a temporary one is built that way. `--domain` keeps only the items of that
domain (the PI part of ../shared/eval/dev.jsonl) — written to a temp file, never copied to the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FALV = str(Path(sys.executable).with_name("falv"))


def _prepare_home(home: str) -> None:
    env = dict(os.environ, FALV_HOME=home)
    statutes = sorted(p for p in (SHARED / "data" / "statutes").glob("*.md") if p.name != "MANIFEST.md")
    if statutes:
        subprocess.run([FALV, "statutes", "import", *map(str, statutes)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run([FALV, "kb", "ingest", str(REPO / "tests" / "fixtures" / "seed.txt")], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def _subset(path: Path, domain: str | None, tmp: Path) -> Path:
    if not domain:
        return path
    lines = [l for l in path.read_text(encoding="utf-8").splitlines()
             if l.strip() and json.loads(l).get("domain") == domain]
    out = tmp / f"{path.stem}.{domain}.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def measure(store, path: Path) -> dict:
    from falv.answer.compose import Composer
    from falv.evaluate import run

    metrics, _, _ = run(store, path)
    composer = Composer(store)
    steps, arts = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            ans = composer.answer(json.loads(line)["question"])
            steps.append(len(ans.analysis))
            arts.append(len(ans.basis))
    return {"n": metrics["n"], "basis_precision": metrics["basis_precision"],
            "basis_recall": metrics["basis_recall"], "recall@10": metrics["recall@10"],
            "median_steps": statistics.median(steps), "max_steps": max(steps),
            "median_articles": statistics.median(arts), "max_articles": max(arts)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--domain", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not os.environ.get("FALV_HOME"):
            os.environ["FALV_HOME"] = tmp
            _prepare_home(tmp)
        from falv.law.store import StatuteStore

        store = StatuteStore()
        for f in args.files:
            row = measure(store, _subset(f, args.domain, Path(tmp)))
            print(json.dumps({"file": f.name, "domain": args.domain, **row}, ensure_ascii=False))


if __name__ == "__main__":
    main()
