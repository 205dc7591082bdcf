"""Dump every answer and route of a set of questions as JSONL, to diff two checkouts (a refactor
that must not change behaviour: the same file before and after).

    FALV_HOME=… python bench/golden.py OUT.jsonl [FILE.jsonl …]

Without files: ../shared/eval/dev.jsonl and every tests/fixtures/*.jsonl set. Timings are left out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def default_sets() -> list[Path]:
    sets = [SHARED / "eval" / "dev.jsonl", *sorted((ROOT / "tests" / "fixtures").glob("*.jsonl"))]
    return [p for p in sets if p.is_file()]


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    files = [Path(a) for a in argv[1:]] or default_sets()
    from falv.engine import Engine

    engine = Engine()
    with out.open("w", encoding="utf-8") as fh:
        for path in files:
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                ans = engine.ask(item["question"]).to_dict()
                ans.pop("timings", None)
                route = engine.route(item["question"]).to_dict()
                fh.write(json.dumps({"set": path.name, "id": item.get("id"), "ask": ans,
                                     "route": route}, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
