"""Train the second opinion on the kind of problem (src/falv/domain/kindmodel.py) and write it to
src/falv/domain/data/kind_model.npz; with --cv, report 5-fold cross-validation instead (how the
threshold in domain/kinds.py was chosen).

    python bench/train_kinds.py            # train on every labelled question, write the model
    python bench/train_kinds.py --cv       # 5-fold CV: accuracy, and what a threshold would do

Training data: the tuning sets (tests/fixtures/tuning/t*.jsonl) and the dev parts of the blind
sets (tests/fixtures/blind/*.dev.jsonl). Holdout parts are never read. The model: multinomial
logistic regression over binary character and character-pair features (those in at least two
questions), each question's vector scaled to unit length, full-batch gradient descent from
zero with L2 regularisation — deterministic, so the same data gives the same file.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import random
import sys
from pathlib import Path

import numpy as np

from falv.domain.kindmodel import MODEL_FILE, grams
from falv.domain.kinds import kinds
from falv.text import normalize

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
OUT = ROOT / "src" / "falv" / "domain" / "data" / MODEL_FILE
C, EPOCHS, RATE, MIN_DF = 100.0, 1000, 4.0, 2  # chosen by --cv (BENCHMARKS.md)


def sources() -> list[Path]:
    return sorted(FIXTURES.glob("tuning/t*.jsonl")) + sorted(FIXTURES.glob("blind/*.dev.jsonl"))


def examples(paths: list[Path]) -> list[tuple[str, str, frozenset[str]]]:
    """(normalised question, kind, kinds also accepted) of every labelled line."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append((normalize(r["question"]), r["kind"],
                            frozenset(r.get("kind_also") or r.get("also") or ())))
    return out


def train(items, labels: tuple[str, ...]):
    df = collections.Counter(g for q, _, _ in items for g in set(grams(q)))
    features = sorted(g for g, n in df.items() if n >= MIN_DF)
    index = {g: i for i, g in enumerate(features)}
    x = np.zeros((len(items), len(features)), np.float32)
    for r, (q, _, _) in enumerate(items):
        cols = sorted({index[g] for g in grams(q) if g in index})
        if cols:
            x[r, cols] = 1 / np.sqrt(len(cols))
    y = np.eye(len(labels), dtype=np.float32)[[labels.index(k) for _, k, _ in items]]
    w = np.zeros((len(features), len(labels)), np.float32)
    b = np.zeros(len(labels), np.float32)
    n = len(items)
    for _ in range(EPOCHS):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) / n
        w -= RATE * (x.T @ g + w / (C * n))
        b -= RATE * g.sum(axis=0)
    keep = np.abs(w).max(axis=1) >= 0.01  # features that weigh nothing for any kind are dropped
    return [f for f, k in zip(features, keep) if k], w[keep], b


def save(features, w, b, labels, paths, n) -> bytes:
    digest = hashlib.sha1()
    for p in paths:
        digest.update(p.read_bytes())
    meta = {"trained_on": [str(p.relative_to(ROOT)) for p in paths], "questions": n,
            "data_sha1": digest.hexdigest(), "C": C, "epochs": EPOCHS, "rate": RATE,
            "min_df": MIN_DF, "features": "characters and character pairs"}
    buf = io.BytesIO()
    np.savez_compressed(buf, kinds=np.array(labels), features=np.array("\n".join(features)),
                        weights=w.astype(np.float16), bias=b.astype(np.float32),
                        meta=np.array(json.dumps(meta, ensure_ascii=False)))
    return buf.getvalue()


def cross_validate(items, labels, folds: int = 5) -> None:
    from falv.domain.kindmodel import load

    rng = random.Random(1)
    order = items[:]
    rng.shuffle(order)
    hits, scored = 0, []
    for k in range(folds):
        test = order[k::folds]
        train_part = [x for i, x in enumerate(order) if i % folds != k]
        features, w, b = train(train_part, labels)
        m = load(set(labels), save(features, w, b, labels, [], len(train_part)))
        for q, kind, also in test:
            g = m.guess(q)
            ok = g.kind == kind or g.kind in also
            hits += ok
            scored.append((g.p, ok, kind == "other", g.kind == "other"))
    print(f"{folds}-fold accuracy {hits / len(order):.3f} over {len(order)} questions")
    print("threshold | guesses a kind (not other) | of those right | label 'other' given a kind")
    for th in (0.5, 0.6, 0.7, 0.8, 0.9):
        named = [s for s in scored if not s[3] and s[0] >= th]
        print(f"{th:.1f} | {len(named)} | {sum(s[1] for s in named) / max(len(named), 1):.3f} | "
              f"{sum(s[2] for s in named)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv", action="store_true", help="5-fold cross-validation; writes nothing")
    args = ap.parse_args(argv)
    labels = tuple(kinds())
    paths = sources()
    items = examples(paths)
    if args.cv:
        cross_validate(items, labels)
        return 0
    features, w, b = train(items, labels)
    OUT.write_bytes(save(features, w, b, labels, paths, len(items)))
    print(f"wrote {OUT.relative_to(ROOT)}: {len(items)} questions, {len(features)} features, "
          f"{OUT.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
