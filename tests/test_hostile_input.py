"""Issue 11: hostile input and heavy writes — no request may stall the server, no entry may vanish.

One test (or two) per defect of the issue, each of which failed on 85c113b. Real parts only: the
real `falv serve` on 127.0.0.1, the CLI in-process and as a subprocess, real SQLite files. No
timed assertions: where a defect was a hang, the test shows the work is refused before it starts
(or that a reader returns while a build is held), with a generous bound only to end a hang.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from conftest import SEED, run_cli
from factories import law_file, quoted
from serving import ADMIN_TOKEN, Server, error_of

CLI = [sys.executable, "-m", "falv.cli"]
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
HUGE_EXPONENT = "1e99999999999999999999"




def cli_error(capsys, *argv) -> str:
    code, _out, err = run_cli(capsys, *argv)
    assert code == 2, (argv[:3], code, err[-500:])
    assert err.startswith("错误：") and "Traceback" not in err, err[-500:]
    return err


# -- 1. one unauthenticated request hung the server (Fraction expanding an exponent) ----------------

def test_gains_exponent_is_refused_before_any_expansion(http, capsys):
    """The gains text is checked for length and exponent before Fraction sees it: the request is
    refused at once, everywhere (library, HTTP, MCP, CLI), and the server keeps answering."""
    from falv.limits import MAX_EXPONENT, LimitExceeded, parse_amount

    with pytest.raises(LimitExceeded, match="指数超出范围"):
        parse_amount(HUGE_EXPONENT)
    with pytest.raises(LimitExceeded, match="过长"):
        parse_amount("1" * 41)
    with pytest.raises(LimitExceeded, match="过大"):  # the largest exponent parses, then the range
        parse_amount(f"1e{MAX_EXPONENT}")
    assert parse_amount("2e4") == 20000
    body = error_of(http.post("/severity", json={"gains": HUGE_EXPONENT}), 422)
    assert "违法所得的指数超出范围" in body["message"]
    assert http.get("/health").status_code == 200
    err = cli_error(capsys, "severity", "--gains", HUGE_EXPONENT)
    assert "违法所得的指数超出范围" in err


# -- 2. kb ingest lost entries numbered 10000 and above ---------------------------------------------

def test_entries_numbered_past_9999_are_all_kept(capsys, tmp_path):
    """1.–10003.: every entry is its own entry (no 4-digit ceiling); the CLI stores them all."""
    from falv.kb.seedfmt import parse_text

    doc = "\n".join(f"{i}. 第{i}号问题怎么处理\n法律分析：第{i}号回答。" for i in range(1, 10004))
    parsed = parse_text(doc, "big.txt")
    assert len(parsed.entries) == 10003
    assert [e.number for e in parsed.entries[-4:]] == [10000, 10001, 10002, 10003]
    f = tmp_path / "tail.txt"
    f.write_text("\n".join(f"{i}. 编号为{i}的问题怎么办\n法律分析：这是第{i}个回答。" for i in (9998, 9999, 10000, 10001)),
                 "utf-8")
    code, out, err = run_cli(capsys, "kb", "ingest", str(f), "--json")
    assert code == 0, err
    entries = json.loads(out)["files"][0]["entries"]
    assert [e["marker"] for e in entries] == ["9998.", "9999.", "10000.", "10001."]
    code, out, _ = run_cli(capsys, "kb", "list", "--json")
    assert len(json.loads(out)) == 4


def test_an_entry_that_cannot_be_attributed_is_an_error_with_file_line(capsys, tmp_path):
    """A numbered question with its own 法律分析 whose number does not increase was folded into the
    previous entry silently; now it is ImportRejected at its line, and nothing is written."""
    f = tmp_path / "order.txt"
    f.write_text("1. 第一个问题\n法律分析：回答一。\n3. 第三个问题\n法律分析：回答三。\n"
                 "2. 第二个问题\n法律分析：回答二。\n", "utf-8")
    err = cli_error(capsys, "kb", "ingest", str(f))
    assert f"{f}:3: 条目 3. 无法归属：编号 3 不接续上一条目的编号 1（应为 2）" in err  # issue 22: numbers follow
    g = tmp_path / "huge.txt"
    g.write_text("1. 第一个问题\n法律分析：回答一。\n" + "9" * 12 + ". 编号过大的问题\n法律分析：回答。\n", "utf-8")
    err = cli_error(capsys, "kb", "ingest", str(g))
    assert f"{g}:3: 条目" in err and "编号过大" in err
    code, out, _ = run_cli(capsys, "kb", "list", "--json")
    assert json.loads(out) == []


# -- 3. 500s from big numbers (OverflowError, int's 4,300-digit limit) ------------------------------

def test_big_numbers_are_4xx_not_500(http, api_server):
    assert error_of(http.post("/severity", content=b'{"counts": {"\\u884c\\u8e2a\\u8f68\\u8ff9": 1e400}}',
                              headers={"content-type": "application/json"}), 422)["error"] == "invalid_input"
    assert error_of(http.post("/severity", json={"counts": {"行踪轨迹": 10 ** 400}}), 422)
    assert "违法所得的指数超出范围" in error_of(http.post("/severity", json={"gains": "1e5000"}), 422)["message"]
    assert "违法所得过大" in error_of(http.post("/severity", json={"gains": 10 ** 20}), 422)["message"]
    # a question stating 400 nines of records: the estimate ignores a number it cannot bound
    resp = http.post("/route", json={"question": "他卖了" + "9" * 400 + "条行踪轨迹信息，获利" + "9" * 400 + "元"})
    assert resp.status_code == 200, resp.text[:300]
    assert http.get("/health").status_code == 200


def test_big_article_numbers_are_refused_naming_the_limit(capsys, store):
    from falv.errors import InputError
    from falv.limits import MAX_ARTICLE_CHARS, MAX_NUMERAL_CHARS
    from falv.text import cn_to_int

    err = cli_error(capsys, "article", "民法典", "9" * 4301)  # refused by its length, before int()
    assert f"条号过长：4301 字（上限 {MAX_ARTICLE_CHARS} 字）" in err and "9" * 100 not in err
    numeral = "九" * 30  # an argument short enough, a numeral too long to be read
    err = cli_error(capsys, "article", "民法典", f"第{numeral}条")
    assert f"条号过长（30 个字符，上限 {MAX_NUMERAL_CHARS}）" in err
    with pytest.raises(InputError, match=f"数字过长（30 个字符，上限 {MAX_NUMERAL_CHARS}）"):
        cn_to_int(numeral)
    assert "条号过大：100000（上限 99999）" in cli_error(capsys, "article", "民法典", "100000")


def test_mcp_tools_refuse_big_numbers_with_error_json(store):
    import asyncio

    from falv.engine import Engine
    from falv.service.mcp import build_server

    server = build_server(lambda: engine)
    engine = Engine(store)

    def call(name, args):
        return asyncio.run(server.call_tool(name, args))

    r = call("get_article", {"law": "民法典", "article": "9" * 5000})
    assert r.is_error and r.structured_content["message"].startswith("条号过长")
    r = call("severity", {"gains": "1e5000"})
    assert r.is_error and "违法所得的指数超出范围" in r.structured_content["message"]
    r = call("severity", {"counts": {"行踪轨迹": 10 ** 400}})
    assert r.is_error and r.structured_content["error"] == "invalid_input"
    r = call("route", {"question": "卖了" + "9" * 400 + "条行踪轨迹信息"})
    assert not r.is_error


def test_statute_file_with_a_5000_digit_article_number_names_file_and_line(capsys, tmp_path):
    f = tmp_path / "big.md"
    f.write_text("---\ndoc_type: 部门规章\nstatus: 现行有效\n---\n# 条号过大的规定\n\n第一条 正文。\n\n"
                 "第" + "9" * 5000 + "条 正文。\n", "utf-8")
    err = cli_error(capsys, "statutes", "import", str(f))
    assert f"{f}:9: 条号过长（5000 个字符，上限" in err
    g = tmp_path / "big2.md"
    g.write_text("---\ndoc_type: 部门规章\nstatus: 现行有效\n---\n# 条号过大的规定\n\n第一条 正文。\n\n"
                 "第100000条 正文。\n", "utf-8")
    assert f"{g}:9: 条号过大：100000（上限 99999）" in cli_error(capsys, "statutes", "import", str(g))


# -- 4. writes starved readers -----------------------------------------------------------------

def test_search_keeps_the_old_index_while_the_new_one_builds(tiny_store, tmp_path):
    """Another process imports; the engine's next search must not wait for the index rebuild: it
    answers from the old index while the new one builds beside it (here the build is held on the
    index module's own build lock), then the new one is swapped in. On 85c113b the search rebuilt
    inline, under the engine lock, and waited for the held build."""
    from falv import config
    from falv.engine import Engine
    from falv.law.importer import import_files
    from falv.search import index as index_mod

    engine = Engine(tiny_store)
    old = engine.search("个人信息 处理者", top=3).to_dict()["hits"]
    texts = quoted(tiny_store, count=2)
    f = law_file(tmp_path / "new.jsonl", "测试读写并发的规定", texts, doc_type="法律")
    import_files(config.store_path(), [f])  # its own connection, as another process would

    done: list = []
    with index_mod._build_lock:  # a long build in progress
        reader = threading.Thread(
            target=lambda: done.append(engine.search("个人信息 处理者", top=3).to_dict()["hits"]))
        reader.start()
        reader.join(120)  # a bound that only ends a hang; the search needs milliseconds
        answered = not reader.is_alive()
        rows_now = engine.article("测试读写并发的规定", "1").to_dict()  # rows are fresh at once
    reader.join()
    assert answered, "a search waited for an index build"
    assert [h["article"] for h in done[0]] == [h["article"] for h in old]
    assert rows_now["text"] == texts[0]
    engine._refresher.join(300)  # the rebuild, now unblocked, swaps the new index in
    hits = engine.search("测试读写并发的规定", top=5).to_dict()["hits"]
    assert any(h["law"] == "测试读写并发的规定" for h in hits)


def test_question_index_is_near_linear(tmp_path):
    """kb ingest compared every new question with every entry (O(n²) inside the write
    transaction) when questions differ in a number; now they never meet."""
    from falv.kb.similar import QuestionIndex, question_key

    idx = QuestionIndex()
    n = 3000
    for i in range(n):
        key = question_key(f"快递公司泄露了我的个人信息怎么办（第{i}号咨询）")
        assert idx.find(key) is None
        idx.add(i, key)
    assert idx.compared <= n, idx.compared
    # near-duplicates still merge
    assert idx.find(question_key("快递公司泄露了我的个人信息该怎么办（第7号咨询）")) == 7


# -- 5. CLI tracebacks ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["ask", "\udcff"], ["article", "民法典", "\udcff"],
                                  ["search", "\udcff"], ["route", "\udcff"],
                                  ["draft", "delete", "--fill", "姓名=\udcff"]])
def test_arguments_that_are_not_text_exit_2(capsys, argv):
    err = cli_error(capsys, *argv)
    assert "不是有效的文本" in err and "U+DCFF" in err


@pytest.mark.parametrize("argv", [["ask"], ["ask", "-"], ["verify", "-"]])
def test_unreadable_stdin_exits_2(capsys, argv):
    """Under pytest's capture stdin cannot be read (OSError), as for a service without one: the
    CLI fuzz found `falv ask` (no question: read stdin) ending in a traceback."""
    assert "无法读取标准输入" in cli_error(capsys, *argv)


def test_undecodable_argument_bytes_exit_2_in_a_real_process(falv_home):
    out = subprocess.run(CLI + ["ask", b"\xff"], capture_output=True, timeout=120,
                         env=dict(os.environ, FALV_HOME=str(falv_home)))
    err = out.stderr.decode("utf-8", "replace")
    assert out.returncode == 2 and "命令行第 2 个参数不是有效的文本" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["--5", "²", "①", "1e3", "9" * 5000, "0x10", "5.5"])
def test_counts_that_int_refuses_exit_2(capsys, value):
    err = cli_error(capsys, "severity", "--count", f"行踪轨迹={value}")
    assert "行踪轨迹 的条数" in err
    if len(value) > 100:
        assert "行踪轨迹 的条数过大（上限 1000000000000）" in err


# -- 6. corrupt stores crashed; a 0-byte store was reset; a read-only home broke reads ----------

def _seeded_home(capsys) -> Path:
    code, _, err = run_cli(capsys, "kb", "ingest", str(SEED))
    assert code == 0, err
    from falv.commands.common import store

    store().close()
    store.cache_clear()
    return Path(os.environ["FALV_HOME"]) / "falv.db"


def test_corrupt_store_is_exit_2_with_how_to_restore(capsys, store):
    path = _seeded_home(capsys)
    size = path.stat().st_size
    with path.open("r+b") as fh:  # 64 KiB of garbage in the middle of the file
        fh.seek(size // 3)
        fh.write(bytes((i * 7919 + 13) % 256 for i in range(65536)))
    before = path.read_bytes()
    for argv in (["ask", "个人信息泄露找什么部门投诉"], ["kb", "list"], ["statutes", "list"],
                 ["article", "民法典", "1038"], ["search", "个人信息"]):
        from falv.commands.common import store as cli_store

        cli_store.cache_clear()
        err = cli_error(capsys, *argv)
        assert "已损坏" in err and "falv kb export --jsonl" in err, err
    assert path.read_bytes() == before  # left as it was
    # damage met while a command runs (a page the open-time check did not read): the same error
    from falv.db import as_store_error

    err = as_store_error(sqlite3.DatabaseError("database disk image is malformed"))
    assert "已损坏或无法读取：database disk image is malformed" in err.message and err.http_status == 503
    assert "falv kb export --jsonl" in err.hint


def test_corrupt_store_is_503_from_the_server(tmp_path_factory, shared_index_dir):
    home = tmp_path_factory.mktemp("corrupt-home")
    src = tmp_path_factory.mktemp("corrupt-src")
    env = dict(os.environ, FALV_HOME=str(src))
    subprocess.run(CLI + ["kb", "ingest", str(SEED)], env=env, check=True, capture_output=True, timeout=300)
    data = bytearray((src / "falv.db").read_bytes())
    mid = len(data) // 3
    data[mid:mid + 65536] = bytes((i * 31 + 7) % 256 for i in range(65536))
    home.mkdir(exist_ok=True)
    (home / "falv.db").write_bytes(bytes(data))
    server = Server(home, index_dir=shared_index_dir)
    try:
        body = None
        for _ in range(600):
            if server.proc.poll() is not None:
                break
            try:
                resp = httpx.get(server.url + "/health", timeout=5)
            except httpx.HTTPError:
                threading.Event().wait(0.2)
                continue
            body = error_of(resp, 503)
            break
        assert body is not None, server.output()
        assert body["error"] == "store_error" and "已损坏" in body["message"]
        assert "falv kb export --jsonl" in body["hint"]
    finally:
        server.stop()


def test_empty_or_foreign_store_is_refused_not_reset(capsys, falv_home):
    falv_home.mkdir(parents=True, exist_ok=True)
    path = falv_home / "falv.db"
    path.write_bytes(b"")
    assert "是空文件（0 字节）" in cli_error(capsys, "statutes", "list")
    assert path.stat().st_size == 0
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    from falv.commands.common import store as cli_store

    cli_store.cache_clear()
    assert "不是 falv 的数据库" in cli_error(capsys, "kb", "list")
    assert path.read_bytes() == before
    path.write_bytes(b"SQLite format 3\x00" + b"\x00\x03" + bytes(200))  # page size 3
    assert "已损坏或无法读取：file is not a database" in cli_error(capsys, "kb", "list")
    path.write_bytes(b"not sqlite at all" * 100)
    assert "已损坏或无法读取：file is not a database" in cli_error(capsys, "kb", "list")
    path.unlink()
    path.mkdir()
    assert "不是普通文件" in cli_error(capsys, "kb", "list")


def test_truncated_store_is_refused(capsys):
    path = _seeded_home(capsys)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    from falv.commands.common import store as cli_store

    cli_store.cache_clear()
    err = cli_error(capsys, "kb", "list")
    assert "已损坏" in err and "falv kb export --jsonl" in err


def _read_only_runner(home: Path):
    """Run the CLI on a read-only FALV_HOME: a read-only bind mount when we are root (root
    ignores file modes), else the directory's write bits removed."""
    if os.geteuid() == 0:
        if not shutil.which("unshare"):
            pytest.skip("running as root without unshare: cannot make FALV_HOME read-only")
        probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {home} {home} && "
                                f"mount -o remount,ro,bind {home}"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"cannot mount read-only here: {probe.stderr.decode()[:200]}")

        def run(args, env, stdin=None):
            script = (f"mount --bind {home} {home} && mount -o remount,ro,bind {home} && "
                      f"exec \"$@\"")
            return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *CLI, *args], env=env,
                                  input=stdin, capture_output=True, text=True, timeout=600)
        return run

    for p in [home, *home.iterdir()]:
        p.chmod(p.stat().st_mode & ~0o222)

    def run(args, env, stdin=None):
        return subprocess.run(CLI + list(args), env=env, input=stdin, capture_output=True, text=True,
                              timeout=600)
    return run


def test_read_only_home_serves_every_read_only_command(capsys, small_base_db, monkeypatch, tmp_path):
    monkeypatch.setenv("FALV_BASE_DB", str(small_base_db))
    path = _seeded_home(capsys)
    home = path.parent
    env = dict(os.environ, FALV_HOME=str(home), FALV_BASE_DB=str(small_base_db))
    env.pop("FALV_INDEX_DIR")  # the index cannot be written beside the store either
    run = _read_only_runner(home)
    try:
        checks = [(["statutes", "list"], "中华人民共和国民法典"), (["article", "民法典", "1038"], "第一千零三十八条"),
                  (["kb", "list"], "个人信息泄露找什么部门投诉"), (["kb", "show", "1"], "来源"),
                  (["search", "个人信息处理者"], "个人信息"), (["ask", "个人信息泄露找什么部门投诉"], "【法律依据】"),
                  (["kb", "export", "--jsonl"], "falv-kb")]
        for args, expected in checks:
            out = run(args, env)
            assert out.returncode == 0 and expected in out.stdout, (args, out.stderr[-800:])
        out = run(["verify", "-", "--no-quotes"], env, stdin="《民法典》第一千零三十八条")
        assert out.returncode == 0, out.stderr[-800:]
        extra = tmp_path / "extra.txt"
        extra.write_text(SEED.read_text("utf-8") + "\n", "utf-8")
        out = run(["kb", "ingest", str(extra)], env)  # a write says what is wrong
        assert out.returncode == 2 and "Traceback" not in out.stderr and "只读" in out.stderr, out.stderr[-800:]
    finally:
        for p in [home, *home.iterdir()]:
            p.chmod(p.stat().st_mode | 0o200)


# -- 7. write endpoints: 500s, temp paths ------------------------------------------------------

def test_upload_errors_are_4xx_and_name_the_upload(http):
    def post(content, name="a.jsonl", path="/statutes/import"):
        body = json.dumps({"files": [{"name": name, "content": content}]})  # \ud800 stays an escape
        return http.post(path, content=body.encode(), headers={**AUTH, "content-type": "application/json"})

    assert "控制字符" in error_of(post("x", name="a\x00.md"), 422)["message"]
    assert "Unicode" in error_of(post("\ud800"), 422)["message"]
    assert "Unicode" in error_of(post("x", name="\ud800.md"), 422)["message"]
    jsonl = json.dumps({"title": "条号过长的规定", "doc_type": "部门规章", "status": "现行有效",
                        "articles": [{"article_no": "9" * 5000, "text": "正文。"}]}, ensure_ascii=False)
    body = error_of(post(jsonl, name="big.jsonl"), 422)
    assert body["location"] == "big.jsonl:1" and "条号过长" in body["message"]
    md = "---\ndoc_type: 部门规章\nstatus: 现行有效\n---\n# 条号过长的规定\n\n第" + "9" * 5000 + "条 正文。\n"
    body = error_of(post(md, name="big.md"), 422)
    assert body["location"] == "big.md:7" and "/tmp" not in json.dumps(body)
    body = error_of(post("no articles here", name="empty.md"), 422)
    assert body["location"].startswith("empty.md") and "/tmp" not in json.dumps(body)
    body = error_of(post("1. 问题\n法律分析：" + "\ud800", name="kb.txt", path="/kb/ingest"), 422)
    assert http.get("/health").status_code == 200


def test_upload_library_checks(store):
    """The engine checks uploads itself too (MCP or library callers bypass the HTTP models)."""
    from falv.engine import Engine
    from falv.errors import InputError

    engine = Engine(store)
    with pytest.raises(InputError, match="第 1 个文件名不是有效的文本：第 2 个字符是 NUL"):
        engine.import_statutes([("a\x00.md", "x")])
    with pytest.raises(InputError, match="文件 a.md 的内容不是有效的文本：第 1 个字符是 U\\+D800"):
        engine.kb_ingest([("a.md", "\ud800")])
    with pytest.raises(InputError, match="文件 a.md 的内容必须是文本"):
        engine.import_statutes([("a.md", 5)])


# -- 8. loose validation -----------------------------------------------------------------------

def test_flags_counts_and_dates_are_strict(http):
    for path, payload, field in [("/severity", {"insider": "yes"}, "insider"),
                                 ("/severity", {"counts": {"行踪轨迹": True}}, "counts"),
                                 ("/severity", {"gains": True}, "gains"),
                                 ("/verify", {"text": "《民法典》第一千零三十八条", "quotes": "yes"}, "quotes"),
                                 ("/verify", {"text": "《民法典》第一千零三十八条", "as_of": "2020-13-45"}, "as_of"),
                                 ("/statutes/import", {"files": [{"name": "a.md", "content": "x"}],
                                                       "dry_run": "yes"}, "dry_run")]:
        body = error_of(http.post(path, json=payload, headers=AUTH), 422)
        assert field in body["message"], body
    ok = http.post("/verify", json={"text": "《民法典》第一千零三十八条", "as_of": "2020-02-29", "quotes": True})
    assert ok.status_code == 200


def test_two_authorization_headers_are_400(http):
    headers = [("Authorization", f"Bearer {ADMIN_TOKEN}"), ("Authorization", "Bearer other")]
    for path in ("/kb/ingest", "/health"):
        body = error_of(http.request("POST" if path != "/health" else "GET", path, headers=headers,
                                     json={"files": [{"name": "a.txt", "content": "x"}]} if path != "/health" else None),
                        400)
        assert body["error"] == "bad_request" and "Authorization 头重复" in body["message"]


def test_cli_as_of_must_be_a_calendar_day(capsys, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("《民法典》第一千零三十八条", "utf-8")
    assert "日期不存在：2020-13-45" in cli_error(capsys, "verify", str(f), "--as-of", "2020-13-45")


# -- 9. markdown output passed HTML through ------------------------------------------------------

def test_markdown_escapes_html_from_the_kb_and_fill_values(capsys, small_store, tmp_path):
    doc = tmp_path / "xss.txt"
    doc.write_text("㈠ 网站泄露了我的手机号码怎么办\n法律分析：可以投诉<img src=x onerror=alert(1)>举报。\n"
                   "法律依据：《中华人民共和国民法典》第一千零三十八条\n", "utf-8")
    code, _, err = run_cli(capsys, "kb", "ingest", str(doc))
    assert code == 0, err
    code, out, err = run_cli(capsys, "ask", "网站泄露了我的手机号码怎么办", "--format", "markdown")
    assert code == 0, err
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "<img" not in out
    code, out, _ = run_cli(capsys, "draft", "delete", "--fill", "姓名=<script>alert(1)</script>")
    assert code == 0 and "&lt;script&gt;" in out and "<script>" not in out
    code, out, _ = run_cli(capsys, "draft", "delete", "--format", "text", "--fill", "姓名=<b>张三</b>")
    assert code == 0 and "<b>张三</b>" in out  # plain text is not HTML: left as typed


# -- 10. the p99 under load: an unfair engine lock -------------------------------------------------

def test_engine_lock_serves_waiters_first_come_first_served():
    """threading.RLock let a newcomer (or the releasing thread) barge in, so under 40 request
    threads one request waited seconds (bench/load.py p99); the engine's lock hands over in
    arrival order, and stays reentrant."""
    import time

    from falv.fairlock import FairLock

    lock = FairLock()
    order: list[int] = []
    lock.acquire()
    with lock:  # reentrant
        pass
    threads = []
    for n in range(5):
        t = threading.Thread(target=lambda n=n: (lock.acquire(), order.append(n), lock.release()))
        t.start()
        threads.append(t)
        while len(lock._waiters) < n + 1:  # wait until it is queued: arrival order is known
            time.sleep(0.001)
    lock.release()
    for t in threads:
        t.join(60)
    assert order == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError):
        lock.release()


def test_the_engine_uses_the_fair_lock(store):
    from falv.engine import Engine
    from falv.fairlock import FairLock

    assert isinstance(Engine(store).lock, FairLock)


def test_an_ingest_by_another_process_reaches_answers_after_the_swap(small_store, tmp_path):
    """The swapped-in KB matcher follows merges too: a second document answering the same
    question adds points to an existing entry, and the engine's answers show them once the
    background refresh has run (the matcher is reused only while the KB is unchanged)."""
    from falv.engine import Engine
    from falv.kb.ingest import ingest_files
    from falv.law.store import StatuteStore

    with StatuteStore() as other:  # another connection, as another process would write
        ingest_files(other, [SEED])
    engine = Engine(small_store)
    question = "快递信息泄露了怎么办"
    before = engine.ask(question).to_dict()
    assert before["kb_entries"], before["kb_entries"]
    extra = tmp_path / "more.txt"
    extra.write_text(f"㈠ {question}\n法律分析：另一来源的要点：保存快递面单照片作为证据。\n", "utf-8")
    with StatuteStore() as other:
        ingest_files(other, [extra])
    engine.ask(question)  # notices the new revision, starts the refresh
    engine._refresher.join(300)
    after = engine.ask(question).to_dict()
    assert any("保存快递面单照片作为证据" in p["text"] for p in after["analysis"]), after["analysis"]



def test_opening_the_store_again_in_process_keeps_other_processes_writes(tiny_store, tmp_path):
    """Every new StatuteStore of a process (the engine's side stores, its writes) must leave the
    process's other SQLite connections their locks: an early version read the file header with
    open()/close(), which drops all POSIX locks of the process on the file — the next writer in
    another process then took itself for the last connection and its WAL was lost."""
    import subprocess

    from falv.law.store import StatuteStore

    texts = quoted(tiny_store, count=1)
    rev = "SELECT value FROM meta WHERE key = 'revision'"
    for n in range(3):
        StatuteStore().close()  # another store opened and closed in this process
        f = law_file(tmp_path / f"w{n}.jsonl", f"锁测试规定{n}", texts, doc_type="部门规章")
        subprocess.run(CLI + ["statutes", "import", str(f)], check=True, capture_output=True, timeout=300,
                       env=dict(os.environ))
        assert tiny_store.own.execute(rev).fetchone()[0] == str(n + 1)
    fresh = sqlite3.connect(tiny_store.store_path)
    assert fresh.execute("SELECT count(*) FROM laws").fetchone()[0] == 3
    fresh.close()
