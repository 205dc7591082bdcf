"""How well falv reads questions it has not seen: per blind set (dev and holdout apart), the kind
of problem, the actor, confident wrong answers, floor answers, personal-information questions'
basis precision/recall, and the same under random one-character substitutions (typos).

    FALV_HOME=… python bench/reading.py dump OUT.jsonl [--typos N] [SET.jsonl …]
    python bench/reading.py score OUT.jsonl …        # a table per dump (one column per dump)

`dump` answers every question of the sets with whatever falv is importable (PYTHONPATH=another
checkout's src measures that checkout: answers without a `reading` field — falv before issue 19 —
are read as personal-information answers when rules or stored answers gave steps, as floor
answers otherwise) and writes one line per question. `--typos N` adds N variants of every
question, each with one character (a CJK character, not punctuation) replaced by a character
drawn at random from the set's own questions (seeded: the same variants every run). `score` scores
dumps with falv.evaluate's reading metrics. Default sets: tests/fixtures/blind/*.jsonl. The
tuning sets (tests/fixtures/tuning/t*.jsonl: kind, `also` for kind_also, actor) score the same way.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLIND = ROOT / "tests" / "fixtures" / "blind"
CJK = re.compile(r"[\u4e00-\u9fff]")


def perturb(question: str, pool: list[str], rng: random.Random) -> str:
    """One CJK character replaced by another from the pool (never by itself)."""
    spots = [m.start() for m in CJK.finditer(question)]
    if not spots:
        return question
    i = rng.choice(spots)
    new = question[i]
    while new == question[i]:
        new = rng.choice(pool)
    return question[:i] + new + question[i + 1:]


PERSONALITY = {"defame", "insult", "portrait_use"}


def _reading(ans: dict) -> dict:
    frame = ans.get("frame") or {}
    if "reading" in ans:  # falv with the kind reading (issue 19)
        r = ans.get("reading") or {}
        return {"kind": r.get("kind"), "also": (r.get("also") or {}).get("kind"),
                "domain": r.get("domain"), "floor": ans.get("floor", False),
                "actor": frame.get("actor"), "actor_routed": frame.get("actor") is not None}
    # before issue 19: any step is a personal-information answer, whose kind its acts tell
    grounded = bool(ans.get("analysis"))
    acts, rights = set(frame.get("acts", [])), set(frame.get("rights", []))
    kind = ("fraud" if "fraud" in acts else "personality"
            if acts & PERSONALITY or rights & {"portrait", "reputation", "name"} else "personal_info")
    return {"kind": kind if grounded else "other", "domain": "personal_info" if grounded else None,
            "floor": not grounded, "actor": frame.get("actor"),
            "actor_routed": frame.get("actor") is not None}


def dump(out: Path, sets: list[Path], typos: int) -> None:
    from falv.engine import Engine

    engine = Engine()
    rng = random.Random(19)
    with out.open("w", encoding="utf-8") as fh:
        for path in sets:
            items = [json.loads(l) for l in path.read_text("utf-8").splitlines() if l.strip()]
            pool = [c for it in items for c in CJK.findall(it["question"])]
            for it in items:
                variants = [("", it["question"])]
                variants += [(f"~{n}", perturb(it["question"], pool, rng)) for n in range(1, typos + 1)]
                for suffix, q in variants:
                    ans = engine.ask(q).to_dict()
                    row = {"set": path.name, "id": it["id"] + suffix, "typo": bool(suffix),
                           "question": q, "label": {"kind": it.get("kind"), "actor": it.get("actor"),
                                     "kind_also": it.get("kind_also", it.get("also"))},
                           "gold": it.get("gold_citations", []), "reading": _reading(ans),
                           "basis": [[b["law"], b["article"]] for b in ans.get("basis", [])]}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def score(path: Path) -> dict[str, dict]:
    """{set (and set~typos): reading metrics} of one dump."""
    from falv.evaluate import Item, ItemResult, summarize_reading

    groups: dict[str, list] = {}
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        label = {k: v for k, v in row["label"].items() if v is not None}
        gold = [(g["law"], g["article"]) for g in row["gold"]]
        item = Item(row["id"], row["question"], [], [dict(law=l, article=a) for l, a in gold], [], label)
        res = ItemResult(item, [], 0.0, basis=[tuple(b) for b in row["basis"]], reading=row["reading"])
        key = row["set"].removesuffix(".jsonl") + ("~typos" if row["typo"] else "")
        groups.setdefault(key, []).append(res)
    return {k: summarize_reading(v) for k, v in groups.items()}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("dump", "score"))
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--typos", type=int, default=0)
    args = ap.parse_args(argv)
    if args.mode == "dump":
        sets = args.files[1:] or sorted(BLIND.glob("*.jsonl"))
        dump(args.files[0], sets, args.typos)
        return 0
    cols = ("kind_accuracy", "actor_accuracy", "confident_wrong", "floor", "pi_on_general",
            "pi_basis_precision", "pi_basis_recall", "labelled")
    for f in args.files:
        print(f"\n{f.name}\n| set | " + " | ".join(cols) + " |\n|---|" + "---|" * len(cols))
        for key, m in sorted(score(f).items()):
            cells = ["—" if m[c] is None else (f"{m[c]:.3f}" if isinstance(m[c], float) else str(m[c]))
                     for c in cols]
            print(f"| {key} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
