"""Knowledge-base ingest throughput (entries/s) on a synthetic seed-format corpus.

    python bench/bench_ingest.py [--n 100000] [--per-file 1000] [--seed 1] [--numbered]
    python bench/bench_ingest.py --merge-only --n 100000 [--numbered]   # the near-duplicate index alone

The corpus is generated into a temporary directory (never committed) from the seed's structure —
numbered entries ㈠…㈩ (restarting per file), a question line, a 法律分析 block with an intro and
1、2、3、 points, a 【法律依据】 block quoting store articles verbatim — using articles of the
bundled base database (so every basis citation is verified against real text). One question in
ten repeats an earlier one (merged), one point in five says 工商部门 (annotated), one quote in
four is abridged (partial_quote). Files are ingested --batch at a time (one transaction per
ingest_files call) into an empty FALV_HOME.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

CIRCLED = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"
TOPICS = ["快递", "网购", "租房", "求职", "银行", "医院", "学校", "物业", "酒店", "外卖", "打车", "社交平台"]
ASKS = ["信息泄露了怎么办", "信息被泄露找什么部门投诉", "被泄露个人信息如何索赔", "信息被出售怎么举报"]


def sentences(text: str) -> list[str]:
    out, buf = [], ""
    for ch in text.replace("\n", ""):
        buf += ch
        if ch in "。；":
            if len(buf) >= 8:
                out.append(buf)
            buf = ""
    return out


def build_corpus(store, n: int, per_file: int, seed: int, folder: Path,
                 numbered: bool = False) -> list[Path]:
    rng = random.Random(seed)
    articles = [a for law in store.laws() if law.source == "base" and store.is_current(law)
                and law.doc_type == "法律" for a in store.articles(law.law_id) if len(a.text) > 30]
    questions: list[str] = []
    files = []
    for f in range(0, n, per_file):
        lines = []
        for k in range(min(per_file, n - f)):
            if questions and rng.random() < 0.1:
                q = rng.choice(questions)
            else:
                a = rng.choice(articles).text
                start = rng.randrange(max(1, len(a) - 8))
                snippet = "".join(ch for ch in a[start:start + 8] if ch not in "，。；：、（）《》“”\n ")
                q = f"{rng.choice(TOPICS)}{snippet}{rng.choice(ASKS)}"
                if numbered:  # issue 11's worst case: questions that differ only in a number
                    q = f"快递公司泄露了我的个人信息怎么办（第{f + k}号咨询）"
                questions.append(q)
            lines.append(f"{CIRCLED[k % 10]} {q}")
            cites = rng.sample(articles, 2)
            pts = [s for a in cites for s in sentences(a.text)[:2]] or ["可以依法维权。"]
            lines.append("法律分析:信息被泄露后,可以通过以下方式维护自己的合法权益:")
            for j, s in enumerate(pts[:3], 1):
                extra = "也可向工商部门投诉。" if rng.random() < 0.2 else ""
                lines.append(f"{j}、{s}{extra}")
            lines.append("【法律依据】:")
            for a in cites:
                quote = a.text
                if rng.random() < 0.25 and len(sentences(quote)) > 1:
                    quote = sentences(quote)[0]
                lines.append(f"《{a.law.title}》{a.article_no} {quote}")
        path = folder / f"corpus_{f // per_file:04d}.txt"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        files.append(path)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="entries to generate and ingest")
    ap.add_argument("--per-file", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=10, help="files per ingest_files call (transaction)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--numbered", action="store_true",
                    help="every question the same but for a number (the O(n²) case of issue 11)")
    ap.add_argument("--merge-only", action="store_true",
                    help="time only the near-duplicate question index (find + add per question)")
    args = ap.parse_args()
    if args.merge_only:
        return merge_only(args)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FALV_HOME"] = str(Path(tmp) / "home")
        from falv.kb.ingest import ingest_files
        from falv.kb.store import KnowledgeBase
        from falv.law.store import StatuteStore

        store = StatuteStore()
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        t0 = time.perf_counter()
        files = build_corpus(store, args.n, args.per_file, args.seed, corpus, args.numbered)
        size = sum(p.stat().st_size for p in files)
        print(f"corpus: {args.n} entries in {len(files)} files, {size / 1e6:.1f} MB "
              f"(generated in {time.perf_counter() - t0:.1f} s)")
        verdicts: dict[str, int] = {}
        phases: dict[str, float] = {}
        t0, c0 = time.perf_counter(), time.process_time()
        done = 0
        for i in range(0, len(files), args.batch):
            c1 = time.process_time()
            report = ingest_files(store, files[i:i + args.batch])
            for k, v in report.timings.items():
                phases[k] = phases.get(k, 0.0) + v
            for f in report.files:
                done += len(f["entries"])
                for e in f["entries"]:
                    for b in e["basis"]:
                        verdicts[b["verdict"]] = verdicts.get(b["verdict"], 0) + 1
            dt = time.perf_counter() - t0
            print(f"  {done} entries: {dt:.1f} s ({done / dt:.0f} entries/s), this batch CPU "
                  f"{time.process_time() - c1:.2f} s", flush=True)
        assert done == args.n, (done, args.n)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kb = KnowledgeBase(store.own)
        t1 = time.perf_counter()
        entries = kb.entries()
        load = time.perf_counter() - t1
        print(f"ingest: {args.n} entries in {dt:.1f} s = {args.n / dt:.0f} entries/s "
              f"({size / 1e6 / dt:.2f} MB/s); CPU time {cpu:.1f} s = {args.n / cpu:.0f} entries/CPU-s; "
              f"{len(entries)} questions after merging; peak RSS {rss:.0f} MB")
        print("CPU per phase (s): " + " · ".join(
            f"{k} {v:.1f}" for k, v in phases.items() if k != "index")
              + f" (of write: near-duplicate index {phases.get('index', 0):.1f})")
        print(f"verdicts of basis citations: {dict(sorted(verdicts.items()))}")
        print(f"KnowledgeBase.entries() over the result: {load:.2f} s")
        print(f"store size: {Path(os.environ['FALV_HOME'], 'falv.db').stat().st_size / 1e6:.0f} MB")
        store.close()


def merge_only(args) -> None:
    """QuestionIndex alone over the corpus questions, at 10% steps: near-linear means the time
    per 10% stays flat (it grew linearly with the KB before issue 11)."""
    import re

    from falv.kb.similar import QuestionIndex, question_key
    from falv.law.store import StatuteStore

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FALV_HOME"] = str(Path(tmp) / "home")
        store = StatuteStore()
        files = build_corpus(store, args.n, args.per_file, args.seed, Path(tmp), args.numbered)
        marker = re.compile(r"^[㈠-㈩] (.+)$", re.M)
        questions = [q for f in files for q in marker.findall(f.read_text("utf-8"))]
        store.close()
    idx, merged = QuestionIndex(), 0
    t0 = last = time.perf_counter()
    step = max(1, len(questions) // 10)
    for i, q in enumerate(questions):
        key = question_key(q)
        if idx.find(key) is None:
            idx.add(i, key)
        else:
            merged += 1
        if (i + 1) % step == 0:
            now = time.perf_counter()
            print(f"  {i + 1} questions: +{now - last:.2f} s (jaccard evaluations so far {idx.compared})")
            last = now
    dt = time.perf_counter() - t0
    print(f"merge index: {len(questions)} questions in {dt:.2f} s ({len(questions) / dt:.0f}/s), "
          f"{merged} merged, {idx.compared} jaccard evaluations")


if __name__ == "__main__":
    main()
