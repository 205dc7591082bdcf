"""Load test of `falv serve`: N concurrent clients for T seconds on loopback.

    python bench/load.py [--clients 50] [--seconds 30] [--workers 1] [--max-requests 200000]
                         [--paths ask,verify] [--writer] [--url http://127.0.0.1:PORT] [--append]

Without --url it starts its own `falv serve` on 127.0.0.1 with a temporary FALV_HOME (the ../shared
statutes imported where present) and stops it afterwards. Only loopback URLs are accepted. Each
client cycles through --paths (ask, verify, search); the run stops at the time limit or the request
cap. With --writer, another process runs `falv statutes import` / `falv statutes remove` of a
small instrument (articles copied from the store) in a loop on the server's store for the whole
run (bounded by the same deadline), as an admin's imports would. Reports req/s, p50/p95/p99 per
endpoint, the error count (non-2xx or transport errors, by kind), which must be 0, and the
writer's iterations, the load average before and after (the machine is shared: compare runs
taken in alternation), and the CPU time the server's processes and this client spent per request
(server_cpu_ms_per_req: what a request costs whatever the other jobs do); --append adds the
figures to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

QUESTIONS = [
    "快递信息泄露了怎么办",
    "个人信息泄露找什么部门投诉",
    "骚扰电话不停怎么办",
    "App 过度收集个人信息怎么投诉",
    "公司泄露员工身份证信息要承担什么责任",
    "网购后被诈骗电话骗了钱怎么办",
]
VERIFY_TEXTS = [
    "依据《侵权责任法》第三十六条，网络服务提供者应当承担连带责任。",
    "《民法典》第一千零三十八条、《个人信息保护法》第四十七条、《消费者权益保护法》第二十九条",
    "根据《刑法》第二百五十三条之一和《网络安全法》第六十四条的规定，应当依法处理。",
]


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc (0 where absent)."""
    def own(p: int) -> float:
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total = own(pid)
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        children = []
    return total + sum(process_cpu(int(c)) for c in children)


def process_rss_mb(pid: int) -> float:
    """Resident memory (MB) of a process and its children (uvicorn's workers), from /proc."""
    total = 0.0
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                total = int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        children = []
    return total + sum(process_rss_mb(int(c)) for c in children)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


def request(c: httpx.AsyncClient, path: str, i: int):
    if path == "ask":
        return c.post("/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
    if path == "search":
        return c.get("/search", params={"q": QUESTIONS[i % len(QUESTIONS)], "top": 10})
    return c.post("/verify", json={"text": VERIFY_TEXTS[i % len(VERIFY_TEXTS)]})


async def client(n: int, url: str, deadline: float, budget: list[int], results: dict,
                 paths: list[str]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        i = n
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            i += 1
            path = paths[i % len(paths)]
            t0 = time.perf_counter()
            kind = None
            try:
                resp = await request(c, path, i)
                if resp.status_code != 200:
                    kind = f"HTTP {resp.status_code}"
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            elapsed = time.perf_counter() - t0
            slot = results.setdefault("/" + path, {"lat": [], "errors": 0, "kinds": {}})
            if kind is None:
                slot["lat"].append(elapsed)
            else:
                slot["errors"] += 1
                slot["kinds"][kind] = slot["kinds"].get(kind, 0) + 1


async def run_load(url: str, clients: int, seconds: float, max_requests: int,
                   paths: list[str]) -> dict:
    results: dict = {}
    budget = [max_requests]
    t0 = time.monotonic()
    deadline = t0 + seconds
    await asyncio.gather(*(client(n, url, deadline, budget, results, paths) for n in range(clients)))
    wall = time.monotonic() - t0
    total = sum(len(r["lat"]) + r["errors"] for r in results.values())
    out = {"clients": clients, "seconds": round(wall, 1), "requests": total,
           "req_per_s": round(total / wall, 1),
           "errors": sum(r["errors"] for r in results.values()), "endpoints": {}}
    for name, r in sorted(results.items()):
        lat = r["lat"]
        out["endpoints"][name] = {
            "requests": len(lat) + r["errors"], "errors": r["errors"],
            "p50_ms": round(percentile(lat, 50) * 1000, 1), "p95_ms": round(percentile(lat, 95) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
            "max_ms": round(max(lat) * 1000, 1) if lat else None, "error_kinds": r["kinds"]}
    return out


WRITER = """
import json, subprocess, sys, time
deadline, law_file, title = float(sys.argv[1]), sys.argv[2], sys.argv[3]
done = failed = 0
while time.time() < deadline and done < 10000:
    for args in (["statutes", "import", law_file], ["statutes", "remove", title]):
        out = subprocess.run([sys.executable, "-m", "falv.cli", *args], capture_output=True, text=True)
        done += 1
        if out.returncode != 0:
            failed += 1
            sys.stderr.write(out.stderr[-300:])
print(json.dumps({"writes": done, "failed": failed}))
"""


def start_writer(home: Path, seconds: float, nice: int = 0) -> subprocess.Popen:
    """`falv statutes import` / `remove` in a loop in another process until the deadline."""
    from falv.law.store import StatuteStore

    os.environ["FALV_HOME"] = str(home)
    with StatuteStore() as store:
        law = store.current_law("中华人民共和国个人信息保护法")
        arts = store.articles(law.law_id)[:5]
    title = "负载测试期间导入的规定"
    f = home / "writer.jsonl"
    f.write_text(json.dumps({"title": title, "doc_type": "部门规章", "status": "现行有效",
                             "articles": [{"article_no": a.article_no, "text": a.text} for a in arts]},
                            ensure_ascii=False), "utf-8")
    env = dict(os.environ, FALV_HOME=str(home))
    return subprocess.Popen(["nice", "-n", str(nice), sys.executable, "-c", WRITER,
                             str(time.time() + seconds), str(f), title],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def start_server(workers: int):
    from serving import Server

    home = Path(tempfile.mkdtemp(prefix="falv-load-"))
    store_file = None
    shared = Path(os.environ.get("FALV_SHARED", REPO.parent / "shared")) / "data" / "statutes"
    if shared.is_dir():
        from falv.law.importer import import_files

        store_file = home / "template.db"
        import_files(store_file, sorted(p for p in shared.glob("*.md") if p.name != "MANIFEST.md"))
    server = Server(home / "home", store_file=store_file, extra_args=("--workers", str(workers)))
    server.wait(timeout=120)
    return server, store_file is not None


def append_markdown(result: dict, workers: int, imported: bool) -> None:
    """Append one run (endpoints, errors by kind, writer) under the HTTP load section."""
    path = REPO / "BENCHMARKS.md"
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    header = "## HTTP load (`bench/load.py`)"
    rows = "\n".join(
        f"| {workers} | {name} | {e['requests']} | {e['p50_ms']} ms | {e['p95_ms']} ms | {e['p99_ms']} ms | {e['errors']} |"
        for name, e in result["endpoints"].items())
    writer = result.get("writer")
    extra = (f", with a concurrent import/remove loop in another process (nice {writer.get('nice', 0)}, "
             f"{writer['writes']} writes, {writer['failed']} failed)" if writer else "")
    run = (f"\n{result['clients']} clients, {result['seconds']} s, {workers} worker(s), store "
           f"{'with' if imported else 'without'} the ../shared statutes{extra}: **{result['req_per_s']} req/s**, "
           f"{result['requests']} requests, **{result['errors']} errors** "
           f"({time.strftime('%Y-%m-%d')}, {platform.python_version()}, {os.cpu_count()} CPUs shared)\n\n"
           "| workers | endpoint | requests | p50 | p95 | p99 | errors |\n|---|---|---|---|---|---|---|\n"
           f"{rows}\n")
    if header not in text:
        text = text.rstrip("\n") + "\n\n" + header + (
            "\n\n    python bench/load.py --clients 50 --seconds 30 [--workers N] --append\n\n"
            "A real `falv serve` on 127.0.0.1 (temporary FALV_HOME); 50 asyncio clients each alternate "
            "`POST /ask` (six colloquial questions) and `POST /verify` (three citation texts) for 30 s. "
            "Latency is per request as the client sees it, queueing included: one worker serialises "
            "requests on the engine lock, so p50 grows with the number of clients.\n")
    text = text.rstrip("\n") + "\n" + run
    path.write_text(text, "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--url", default=None)
    ap.add_argument("--paths", default="ask,verify", help="endpoints the clients cycle through: ask, verify, search")
    ap.add_argument("--writer", action="store_true",
                    help="run a statutes import/remove loop in another process meanwhile (own server only)")
    ap.add_argument("--writer-nice", type=int, default=0, choices=range(0, 20), metavar="0..19",
                    help="niceness of the writer process (CPU share it leaves the server)")
    ap.add_argument("--append", action="store_true", help="append the figures to BENCHMARKS.md")
    args = ap.parse_args()
    if not (1 <= args.clients <= 500 and 0 < args.seconds <= 600):
        ap.error("clients 1..500, seconds 0..600")
    paths = args.paths.split(",")
    if not set(paths) <= {"ask", "verify", "search"}:
        ap.error("--paths: ask, verify, search")
    if args.writer and args.url:
        ap.error("--writer needs the server this script starts (it writes to its store)")
    server, imported = None, False
    url = args.url
    if url is None:
        server, imported = start_server(args.workers)
        url = server.url
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        ap.error(f"loopback only: {url}")
    try:
        for warm in range(len(QUESTIONS) * args.workers):  # indexes, KB and caches load before timing
            httpx.post(url + "/ask", json={"question": QUESTIONS[warm % len(QUESTIONS)]}, timeout=300).raise_for_status()
            httpx.post(url + "/verify", json={"text": VERIFY_TEXTS[warm % len(VERIFY_TEXTS)]},
                       timeout=300).raise_for_status()
            httpx.get(url + "/search", params={"q": QUESTIONS[warm % len(QUESTIONS)]}, timeout=300).raise_for_status()
        writer = start_writer(server.home, args.seconds, args.writer_nice) if args.writer else None
        load_before = os.getloadavg()[0]
        server_cpu = process_cpu(server.proc.pid) if server is not None else None
        client_cpu = time.process_time()
        result = asyncio.run(run_load(url, args.clients, args.seconds, args.max_requests, paths))
        result["loadavg"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        result["client_cpu_ms_per_req"] = round((time.process_time() - client_cpu) * 1000 / max(result["requests"], 1), 2)
        if server is not None:
            result["server_cpu_ms_per_req"] = round(
                (process_cpu(server.proc.pid) - server_cpu) * 1000 / max(result["requests"], 1), 2)
            result["server_rss_mb"] = round(process_rss_mb(server.proc.pid))
        if writer is not None:
            out, err = writer.communicate(timeout=600)
            result["writer"] = json.loads(out.strip().splitlines()[-1]) if out.strip() else {
                "writes": 0, "failed": -1, "stderr": err[-500:]}
            result["writer"]["nice"] = args.writer_nice
    finally:
        if server is not None:
            server.stop()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.append:
        append_markdown(result, args.workers, imported)
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
