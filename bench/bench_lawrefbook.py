"""Before and after importing LawRefBook (司法解释 + 行政法规 + 部门规章): import time, index build and
load, warm search latency, cold `falv ask`, peak RSS, and dev-set quality.

    python bench/bench_lawrefbook.py [LAWREFBOOK_DIR] [EVAL.jsonl]

Defaults: ../shared/data/lawrefbook and ../shared/eval/dev.jsonl. Every phase runs in a fresh process
against a temporary FALV_HOME (peak RSS is the child's ru_maxrss), first on the base store, then
after `falv statutes import … --keep-going` into the same home (as a user would: the laws' index is
kept, the first search builds the index of the imported kinds).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import child  # bench/common.py

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
FALV = str(Path(PY).with_name("falv"))
QUESTION = "快递单上的个人信息被泄露了找谁"
FOLDERS = ("司法解释", "行政法规", "部门规章")


SEARCHER = ("import time,json;from falv.law.store import StatuteStore;"
            "from falv.search.retrieve import Searcher;s=StatuteStore();t=time.perf_counter();"
            "x=Searcher(s);print(json.dumps([time.perf_counter()-t,len(x.index.docs),"
            "len(x.others.index.docs) if x.others else 0]))")


def measure(env: dict, eval_path: Path, label: str) -> dict:
    out: dict = {"store": label}
    _, rss, text = child([PY, "-c", SEARCHER], env)  # first use: builds what is missing
    secs, law_docs, other_docs = json.loads(text)
    out.update(first_searcher_s=round(secs, 2), first_searcher_rss_mb=round(rss),
               law_docs=law_docs, other_docs=other_docs)
    loads = [json.loads(child([PY, "-c", SEARCHER], env)[2])[0] for _ in range(3)]
    out["index_load_s"] = round(statistics.median(loads), 3)
    colds, rsss = [], []
    for _ in range(3):
        wall, rss, _ = child([FALV, "ask", QUESTION], env)
        colds.append(wall)
        rsss.append(rss)
    out.update(cold_ask_s=round(statistics.median(colds), 2), cold_ask_rss_mb=round(max(rsss)))
    warm = ("import json,time;from falv.law.store import StatuteStore;from falv import evaluate;"
            "from falv.search.retrieve import searcher;"
            f"m,r,_=evaluate.run(StatuteStore(),{str(eval_path)!r},with_answers=False);"
            "print(json.dumps(m))")
    _, rss, text = child([PY, "-c", warm], env)
    m = json.loads(text.strip().splitlines()[-1])
    out.update(search_p50_ms=m["p50_ms"], search_p95_ms=m["p95_ms"], search_rss_mb=round(rss))
    _, _, text = child([FALV, "eval", str(eval_path), "--json"], env)
    m = json.loads(text)
    out.update({k: m[k] for k in ("recall@5", "recall@10", "mrr@10", "n")})
    return out


def main() -> None:
    lawrefbook = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data" / "lawrefbook"
    eval_path = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO.parent / "shared" / "eval" / "dev.jsonl"
    home = tempfile.mkdtemp(prefix="falv-bench-lrb-")
    env = {k: v for k, v in os.environ.items() if k not in ("FALV_INDEX_DIR", "FALV_DENSE")}
    env["FALV_HOME"] = home
    before = measure(env, eval_path, "base")

    cmd = [FALV, "statutes", "import", *(str(lawrefbook / f) for f in FOLDERS), "--keep-going", "--json",
           "--metadata", str(lawrefbook / "db.sqlite3")]
    wall, rss, text = child(cmd, env)
    report = json.loads(text)
    imported = {"import_s": round(wall, 2), "import_rss_mb": round(rss), "laws": len(report["laws"]),
                "articles": sum(l["articles"] for l in report["laws"]),
                "duplicates": len(report["duplicates"]), "rejected": len(report["rejected"])}
    wall, _, text = child(cmd, env)
    imported["second_run_s"] = round(wall, 2)
    imported["second_run_changed"] = json.loads(text)["changed"]
    after = measure(env, eval_path, "base + LawRefBook")

    print(json.dumps({"import": imported, "before": before, "after": after}, ensure_ascii=False, indent=1))
    print()
    print(f"| measurement | {before['store']} | {after['store']} |")
    print("|---|---|---|")
    for key in before:
        if key != "store":
            print(f"| {key} | {before[key]} | {after[key]} |")


if __name__ == "__main__":
    main()
