"""Issue 14 experiment harness (not part of falv): every fusion / candidate / prior setting of
BENCHMARKS.md "e5 dense stage, candidates and bridges", scored like `falv eval` from cached lexical
rankings and query vectors. Needs the dense extra and the shipped vectors.

    FALV_HOME=$(mktemp -d) python bench/exp_candidates.py

Prints per setting: T (tuning sets pooled) and C (held-out sets 5 + 6 pooled) recall@10 / MRR@10 /
recall@100, then every set. Query vectors are cached in /tmp/falv-exp-qcache.pkl.
"""
import glob, json, os, pickle, sys, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from falv.commands.common import store
from falv.evaluate import read_items
from falv.search import e5
from falv.search.retrieve import Searcher, _blank

st = store()
S = Searcher(st, dense=False)
docs = S.index.docs
N = len(docs)
titles = {lid: law.title for lid, law in S._laws.items()}
SETS = {"dev": str(ROOT.parent / "shared/eval/dev.jsonl"), "res": str(ROOT.parent / "shared/research/depeval_queries.jsonl"),
        "own": str(ROOT / "tests/fixtures/own_questions.jsonl")}
for i, suf in enumerate(["", "2", "3", "4", "5", "6"], 1):
    SETS[f"h{i}"] = str(ROOT / f"tests/fixtures/own_questions_holdout{suf}.jsonl")
TUNE = ["dev", "res", "own", "h1", "h2", "h3", "h4"]
CHECK = ["h5", "h6"]

key_doc = {}
for i in range(N):
    key_doc.setdefault((titles[docs.law_ids[i]], docs.article_nos[i]), i)

# chapters
chap_keys = [(docs.law_ids[i], docs.chapters[i] or "") for i in range(N)]
chap_code = {k: j for j, k in enumerate(sorted(set(chap_keys)))}
doc_chap = np.array([chap_code[k] for k in chap_keys], dtype=np.int32)
NCH = len(chap_code)


def load_vectors():
    texts = [e5.doc_text(titles[docs.law_ids[i]], docs.chapters[i], docs.texts[i]) for i in range(N)]
    keys = np.fromiter((e5.text_key(t) for t in texts), dtype=np.uint64, count=N)
    V = np.zeros((N, e5.DIM), dtype=np.float32)
    have = np.zeros(N, bool)
    for f in sorted(glob.glob(str(ROOT / ".e5-work/chunks/*.npz"))):
        if ".tmp" in f:
            continue
        c = int(Path(f).stem)
        with np.load(f) as z:
            lo = c * 256
            n = len(z["keys"])
            assert np.array_equal(z["keys"], keys[lo:lo + n])
            V[lo:lo + n] = e5.dequantize(z["q"], z["scale"])
            have[lo:lo + n] = True
    return V, have


CACHE = Path("/tmp/falv-exp-qcache.pkl")


def questions():
    qc = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}
    out = {}
    m = None
    for name, path in SETS.items():
        items, _ = read_items(st, Path(path))
        rows = []
        for it in items:
            direct, spans = S._direct(it.question)
            rest = _blank(it.question, spans)
            ranked = S._ranked(rest, None) if rest.strip() else []
            if rest not in qc:
                m = m or e5.model()
                qc[rest] = m.query(rest)
            gold_docs = [key_doc.get(g) for g in it.all_gold]
            rows.append(dict(item=it, direct=direct, rest=rest, ranked=ranked, q=qc[rest],
                             gold=[g for g in gold_docs], ngold=len(it.all_gold)))
        out[name] = rows
    CACHE.write_bytes(pickle.dumps(qc))
    return out


def metrics(rows, rank_fn):
    r10 = r100 = mrr = r5 = 0.0
    for r in rows:
        order = list(dict.fromkeys(r["direct"] + [d for d in rank_fn(r) if d not in r["direct"]]))
        gold = set(g for g in r["gold"] if g is not None)
        pos = {d: k for k, d in enumerate(order[:100], 1)}
        hits = [pos[g] for g in gold if g in pos]
        r5 += sum(1 for h in hits if h <= 5) / r["ngold"]
        r10 += sum(1 for h in hits if h <= 10) / r["ngold"]
        r100 += len(hits) / r["ngold"]
        mrr += 1.0 / min(hits) if hits and min(hits) <= 10 else 0.0
    n = len(rows)
    return r5 / n, r10 / n, r100 / n, mrr / n


def table(Q, fns, sets=None):
    sets = sets or list(SETS)
    for label, fn in fns.items():
        cells = []
        tune = [0, 0, 0]
        for s in sets:
            m = metrics(Q[s], fn)
            cells.append(f"{s} {m[1]:.3f}/{m[3]:.3f}/{m[2]:.2f}")
        pooled_t = metrics(sum((Q[s] for s in TUNE), []), fn)
        pooled_c = metrics(sum((Q[s] for s in CHECK), []), fn)
        print(f"{label:28s} T {pooled_t[1]:.3f}/{pooled_t[3]:.3f}/{pooled_t[2]:.2f} C {pooled_c[1]:.3f}/{pooled_c[3]:.3f}/{pooled_c[2]:.2f} | "
              + " ".join(cells), flush=True)


def load_vectors():  # noqa: F811  (the shipped file, not build chunks)
    texts = [e5.doc_text(titles[docs.law_ids[i]], docs.chapters[i], docs.texts[i]) for i in range(N)]
    keys = np.fromiter((e5.text_key(t) for t in texts), dtype=np.uint64, count=N)
    from falv.search import dense
    q, scale, k = dense._read(dense.shipped_path())
    row = {int(x): j for j, x in enumerate(k.tolist())}
    idx = np.array([row[int(x)] for x in keys])
    return e5.dequantize(q[idx], scale[idx]), np.ones(N, bool)


V, have = load_vectors()
print("vectors", have.sum(), "/", N, file=sys.stderr)
Q = questions()
ALL = sum(Q.values(), [])
# expansion-augmented dense query
qc = pickle.loads(CACHE.read_bytes())
m = None
for r in ALL:
    terms = S.index.analyzer.expansions.expand(r["rest"]) if r["rest"].strip() else []
    text = r["rest"] + ("（" + " ".join(dict.fromkeys(terms)) + "）" if terms else "")
    if text not in qc:
        m = m or e5.model(); qc[text] = m.query(text)
    r["qx"] = qc[text]
CACHE.write_bytes(pickle.dumps(qc))
# chapter / law centroids
C = np.zeros((NCH, e5.DIM)); np.add.at(C, doc_chap, V); C /= np.linalg.norm(C, axis=1, keepdims=True) + 1e-9
law_code = {l: i for i, l in enumerate(sorted(set(docs.law_ids)))}
doc_law = np.array([law_code[l] for l in docs.law_ids])
L = np.zeros((len(law_code), e5.DIM)); np.add.at(L, doc_law, V); L /= np.linalg.norm(L, axis=1, keepdims=True) + 1e-9
chap_members = {}
for i, c in enumerate(doc_chap.tolist()): chap_members.setdefault(c, []).append(i)
for r in ALL:
    r["sims"] = V @ r["q"]; r["simsx"] = V @ r["qx"]
    r["lex"] = {d: s for d, s, _ in r["ranked"]}
    r["csim"] = C @ r["q"]; r["lsim"] = L @ r["q"]

def mm(x):
    x = np.asarray(x, dtype=np.float64); lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)

def blend(w, D=0, simkey="sims", wc=0.0, wl=0.0, M=0, prf=0.0, prfk=3, lexfill="min"):
    def f(r):
        s = r[simkey]
        if prf:
            top = [d for d, _, _ in r["ranked"][:prfk]]
            if top:
                qq = r["q"] + prf * V[top].mean(0); qq /= np.linalg.norm(qq); s = V @ qq
        pool = list(r["lex"])
        if D:
            c = np.argpartition(-s, D-1)[:D]; pool += [d for d in c.tolist() if d not in r["lex"]]
        if M:
            cs = r["csim"]; tc = np.argpartition(-cs, M-1)[:M]
            seen = set(pool)
            for c in tc.tolist():
                for d in chap_members[c][:60]:
                    if d not in seen: pool.append(d); seen.add(d)
        if not pool: return []
        lexs = np.array([r["lex"].get(d, np.nan) for d in pool])
        lmin = np.nanmin(lexs) if np.isfinite(lexs).any() else 0
        lexs = np.where(np.isnan(lexs), lmin if lexfill == "min" else 0.0, lexs)
        sc = (1-w)*mm(lexs) + w*mm(s[pool])
        if wc: sc = sc + wc*mm(r["csim"][doc_chap[pool]])
        if wl: sc = sc + wl*mm(r["lsim"][doc_law[pool]])
        o = np.argsort(-sc, kind="stable"); return [pool[i] for i in o]
    return f
def lexonly(r): return [d for d,_,_ in r["ranked"]]
def donly(key):
    def f(r):
        s = r[key]; c = np.argpartition(-s, 99)[:100]; return list(c[np.argsort(-s[c])])
    return f


for r in ALL:
    qm = r["q"] + r["qx"]; qm /= np.linalg.norm(qm); r["simsm"] = V @ qm
fns = {"lex": lexonly}
for w in (.4, .5, .6):
    fns[f"b{w} lex-only pool"] = blend(w, 0)
for w in (.2, .3, .4, .5, .6):
    for D in (30, 50, 100):
        fns[f"b{w} D{D}"] = blend(w, D)
fns["b.4 D50 fill0"] = blend(.4, 50, lexfill="zero")
for c in (.1, .2, .3):
    fns[f"b.3 D50 chap{c}"] = blend(.3, 50, wc=c)
    fns[f"b.3 D50 law{c}"] = blend(.3, 50, wl=c)
for M in (3, 5):
    fns[f"b.3 D50 chap.2 M{M}"] = blend(.3, 50, wc=.2, M=M)
for p in (.3, .6):
    fns[f"b.3 D50 prf{p}"] = blend(.3, 50, prf=p)
for w in (.3, .35, .4, .45, .6):
    fns[f"b{w} D50 exp"] = blend(w, 50, "simsx")
for w in (.35, .45):
    fns[f"b{w} D50 mean"] = blend(w, 50, "simsm")
table(Q, fns)
