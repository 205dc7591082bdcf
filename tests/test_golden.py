"""Golden outputs: what `ask` and `route` give for every question of the blind dev sets, on the
embedded statute data alone, is pinned — a refactor that must not change behaviour fails here
at the first answer it changes, naming it. A change that means to change answers regenerates
the file and commits it with the change:

    FALV_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

The file holds, per question, a readable fingerprint (kind read, floor, actor, the rule of every step,
the basis articles with their verdicts, what is still asked) and a SHA-256 of the whole canonical JSON (timings left
out) — never the answers' text: statute text is not copied into the repository."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from falv.engine import Engine

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = FIXTURES / "golden" / "dev_answers.jsonl"


def questions() -> list[tuple[str, str]]:
    out = []
    for path in sorted((FIXTURES / "blind").glob("*.dev.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out.append((item["id"], item["question"]))
    return out


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def fingerprint(engine: Engine, qid: str, question: str) -> dict:
    ans = engine.ask(question).to_dict()
    ans.pop("timings", None)
    route = engine.route(question).to_dict()
    reading = ans.get("reading") or {}
    return {
        "id": qid,
        "kind": reading.get("kind"), "also": (reading.get("also") or {}).get("kind"),
        "floor": ans.get("floor"), "actor": (ans.get("frame") or {}).get("actor"),
        "steps": [(p.get("provenance") or [{}])[0].get("rule") or p["source"] for p in ans["analysis"]],
        "basis": [f"{b['law']} {b['article']} {b['verdict']}" for b in ans["basis"]],
        "route": [s.get("id") for s in route.get("steps", [])],
        "missing": [m.get("id") or m.get("ask") for m in ans.get("missing", [])],
        "ask_sha256": _digest(ans), "route_sha256": _digest(route),
    }


def test_answers_are_the_golden_ones(falv_home):
    engine = Engine()  # a fresh FALV_HOME: the embedded data alone, the same on every machine
    got = [fingerprint(engine, qid, q) for qid, q in questions()]
    if os.environ.get("FALV_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in got), "utf-8")
        pytest.skip(f"rewrote {GOLDEN}")
    want = {g["id"]: g for g in map(json.loads, GOLDEN.read_text("utf-8").splitlines())}
    changed = []
    for g in got:
        w = want.get(g["id"])
        if w != g:
            diff = {k: (w.get(k) if w else None, v) for k, v in g.items() if not w or w.get(k) != v}
            changed.append(f"{g['id']}: {diff}")
    assert not changed and len(want) == len(got), "\n".join(changed[:20])
