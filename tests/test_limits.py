"""Resource limits (issue 7): big and degenerate inputs finish in bounded time and memory, and
past each documented limit (docs/errors.md, "Limits") the user gets a clear error, exit 2.

Limits chosen here:
  * `falv verify` input: 10 MiB (limits.MAX_TEXT_BYTES); a realistic 10 MB document
    (~30,000 citations) verifies in seconds with ~100 MB peak RSS;
  * citations in one text: 100,000 (limits.MAX_CITATIONS) — a flood of citations would
    otherwise cost ~1.2 KB of memory each through verification;
  * question: 2,000 characters (limits.MAX_QUESTION_CHARS);
  * HTTP request body: FALV_MAX_BODY_BYTES, default 2 MiB (service/api.BodyGuard).
No timed assertions (shared CI cores); memory is asserted with generous bounds and the figures are
printed.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from falv.commands.citations import MAX_INPUT_BYTES
from falv.limits import MAX_QUESTION_CHARS
from falv.law.find import MAX_CITATIONS

CLI = [sys.executable, "-c", "from falv.cli import main; main()"]
# run the CLI and report its own peak RSS on stderr: RUSAGE_CHILDREN of the test process would
# mix in every earlier child
# peak RSS of this process image: VmHWM where /proc has it. ru_maxrss keeps the high-water mark
# of the process that forked (vfork + exec): a test process grown past the bound made every
# measured CLI look as large as pytest itself.
MEASURED = [sys.executable, "-c",
            "import atexit, resource, sys\n"
            "def peak():\n"
            "    try:\n"
            "        for line in open('/proc/self/status'):\n"
            "            if line.startswith('VmHWM:'):\n"
            "                return int(line.split()[1])\n"
            "    except OSError:\n"
            "        pass\n"
            "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "atexit.register(lambda: sys.stderr.write(f'\\nPEAK_RSS_KB={peak()}\\n'))\n"
            "from falv.cli import main; main()"]


def run(args, *, measured=False, input=None, timeout=300):
    t0 = time.perf_counter()
    proc = subprocess.run((MEASURED if measured else CLI) + list(args), capture_output=True,
                          input=input, timeout=timeout, env=os.environ.copy())
    took = time.perf_counter() - t0
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    rss = None
    if measured:
        rss = int(err.rsplit("PEAK_RSS_KB=", 1)[1].split()[0]) // 1024
    return proc, err, took, rss


def realistic_text(store, size_bytes: int, seed: int = 11) -> str:
    """About size_bytes of UTF-8: prose and 《LAW》第X条规定：“TEXT” paragraphs, all of it copied
    from the store's articles (statute text is data, never typed)."""
    rng = random.Random(seed)
    arts = [a for a in store.iter_articles() if a.text.strip() and "\n" not in a.text.strip()]
    rng.shuffle(arts)
    parts, size, i = [], 0, 0
    while size < size_bytes:
        a, prose = arts[i % len(arts)], arts[(i + 1) % len(arts)].text.strip()
        i += 2
        para = f"{prose}\n依照《{a.law.title}》{a.article_no}规定：“{a.text.strip()}”\n\n"
        parts.append(para)
        size += len(para.encode("utf-8"))
    data = "".join(parts).encode("utf-8")[:size_bytes]
    return data.decode("utf-8", "ignore")


@pytest.mark.slow
def test_verify_10mb_document_completes_bounded(store, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(realistic_text(store, 10_000_000), "utf-8")
    size = path.stat().st_size
    assert 9_900_000 < size <= MAX_INPUT_BYTES
    proc, err, took, rss = run(["verify", str(path)], measured=True)
    assert proc.returncode in (0, 1), err[-2000:]
    lines = proc.stdout.decode("utf-8").count("\n")
    print(f"\nverify {size / 1e6:.1f} MB: {took:.1f} s, peak RSS {rss} MB, {lines} output lines")
    assert lines > 10_000  # every citation reported
    assert rss < 1024  # measured ~100 MB; bounded by the input cap and the citation cap


def test_verify_input_over_cap_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse-ish: 1 byte over the cap
        fh.write(("甲" * 1000 + "\n").encode("utf-8") * (MAX_INPUT_BYTES // 3001 + 1))
    assert path.stat().st_size > MAX_INPUT_BYTES
    proc, err, _, rss = run(["verify", str(path)], measured=True)
    assert proc.returncode == 2
    assert f"huge.txt: 文件过大（{path.stat().st_size} 字节，上限 {MAX_INPUT_BYTES} 字节）" in err
    proc, err, _, _ = run(["verify", "-"], input=b"x" * (MAX_INPUT_BYTES + 1))
    assert proc.returncode == 2 and "标准输入 过大" in err
    # exactly at the cap is accepted (no citations in it: exit 0)
    proc, err, _, _ = run(["verify", "-"], input=b"x" * MAX_INPUT_BYTES)
    assert proc.returncode == 0, err


@pytest.mark.slow
def test_citation_flood_is_refused_bounded(tmp_path):
    """~770,000 characters of nothing but citations: a clear error, not a memory blow-up."""
    unit = "第1038条、第1039条；"
    text = "《民法典》" + unit * (MAX_CITATIONS // 2 + 5000)
    path = tmp_path / "flood.txt"
    path.write_text(text, "utf-8")
    proc, err, took, rss = run(["verify", str(path)], measured=True)
    print(f"\ncitation flood ({len(text):,} chars): exit {proc.returncode} in {took:.1f} s, peak RSS {rss} MB")
    assert proc.returncode == 2
    assert f"引用过多（超过 {MAX_CITATIONS} 处）" in err
    assert rss < 512


def test_citation_cap_is_an_input_error_in_the_library():
    from falv.errors import InputError
    from falv.law.find import extract

    with pytest.raises(InputError, match="引用过多"):
        extract("《民法典》" + "第1条、" * (MAX_CITATIONS + 10), names=())
    assert len(extract("《民法典》" + "第1条、" * 1000, names=())) == 1000


def test_100k_empty_lines_to_verify_and_kb_ingest(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("\n" * 100_000, "utf-8")
    proc, err, took_v, _ = run(["verify", str(path)])
    assert proc.returncode == 2 and "是空的：没有可核验的文本" in err
    proc, err, took_k, _ = run(["kb", "ingest", str(path)])
    assert proc.returncode == 2 and f"{path}:1: 没有可解析的问答条目" in err
    proc, err, took_i, _ = run(["statutes", "import", str(path)])
    assert proc.returncode == 2 and "没有找到任何条文" in err
    blank = tmp_path / "blank.txt"  # whitespace lines and one word: verified, nothing found
    blank.write_text(" \n\t\n" * 50_000 + "无引用", "utf-8")
    proc, err, _, _ = run(["verify", str(blank)])
    assert proc.returncode == 0 and "未发现法条引用" in proc.stdout.decode("utf-8")
    print(f"\n100k empty lines: verify {took_v:.2f} s, kb ingest {took_k:.2f} s, import {took_i:.2f} s")


@pytest.mark.slow
def test_question_of_2000_characters_works_and_2001_is_refused(store):
    arts = [a.text for a in store.iter_articles() if len(a.text) > 50][:200]
    question = "请问：" + "".join(arts)
    question = question[:MAX_QUESTION_CHARS]
    assert MAX_QUESTION_CHARS == 2000 and len(question) == 2000
    proc, err, took, rss = run(["ask", "--format", "json", question], measured=True)
    assert proc.returncode == 0, err[-2000:]
    assert proc.stdout.strip().startswith(b"{")
    print(f"\nask with 2,000 characters: {took:.1f} s, peak RSS {rss} MB")
    proc, err, _, _ = run(["ask", question + "问"])
    assert proc.returncode == 2
    assert f"问题过长：2001 字（上限 {MAX_QUESTION_CHARS} 字）" in err
    proc, err, _, _ = run(["ask", "-"], input=(question + "问").encode("utf-8"))
    assert proc.returncode == 2 and "问题过长" in err


def test_http_body_cap_boundary():
    """BodyGuard (the real middleware of falv serve) in front of a small ASGI app: a body of
    exactly the cap passes through, one byte more is 413 JSON, whether announced or streamed."""
    import asyncio

    from falv.service.api import BodyGuard

    cap = 1000

    async def echo(scope, receive, send):
        msg = await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(msg["body"])).encode()})

    def call(body: bytes, announce: bool, chunk: int = 300):
        chunks = [body[i:i + chunk] for i in range(0, len(body), chunk)] or [b""]
        headers = [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json")]
        if announce:
            headers.append((b"content-length", str(len(body)).encode()))
        scope = {"type": "http", "method": "POST", "path": "/verify", "headers": headers}
        sent, queue = [], list(chunks)

        async def receive():
            c = queue.pop(0)
            return {"type": "http.request", "body": c, "more_body": bool(queue)}

        async def send(message):
            sent.append(message)

        asyncio.run(BodyGuard(echo, max_bytes=cap)(scope, receive, send))
        status = sent[0]["status"]
        body_out = b"".join(m.get("body", b"") for m in sent[1:])
        return status, body_out

    for announce in (True, False):
        assert call(b"a" * cap, announce) == (200, str(cap).encode())
        status, out = call(b"a" * (cap + 1), announce)
        assert status == 413
        import json

        assert json.loads(out)["error"] == "payload_too_large"
    status, out = call(b"\xff" * 10, True)
    assert status == 422
