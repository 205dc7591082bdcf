"""docs/errors.md cannot drift: every row names a test that exists and that mentions the row's
message; every error raised in src/falv (FalvError classes and the API's JSON errors) has a row.
The tests below produce the errors that no feature test already checks by message."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from falv import cli
from falv.errors import FalvError, ImportRejected, InputError, NotFoundError, StoreError

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "errors.md"
ERROR_CALLS = {"InputError", "NotFoundError", "ImportRejected", "StoreError", "FalvError",
               "_json_error", "LimitExceeded", "Budget"}


# -- the table -----------------------------------------------------------------------------------

def table_rows() -> list[tuple[str, list[str], list[str]]]:
    """(section, header, cells) of every table row of docs/errors.md."""
    rows, header, section = [], None, ""
    for line in DOC.read_text("utf-8").splitlines():
        if line.startswith("#"):
            section = line.lstrip("# ").strip()
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set(line) <= set("|-: "):
            rows.append((section, header, cells))
    return rows


def message_fragments(message_cell: str) -> list[str]:
    """The literal pieces of a row's message: the text in `…`, split at placeholders
    (FILE, LINE, N, PATH, TITLE, …, and other upper-case words)."""
    text = " ".join(re.findall(r"`([^`]+)`", message_cell)) or message_cell
    parts = re.split(r"(?<![A-Za-z])(?:FILE|LINE|N|M|PATH|TITLE|VERSION|OTHER|LAW|ARTICLE|KEY|VALUE|"
                     r"ID|FIELD|KIND|MODULE|X|Y|i)(?![A-Za-z])|…|“|”", text)
    return [p.strip(" ：:（）()，,") for p in parts if len(p.strip(" ：:（）()，,")) >= 2]


def source_of_test(ref: str) -> str:
    m = re.fullmatch(r"`(tests/[\w/]+\.py)::(\w+)`", ref)
    assert m, f"not a test reference: {ref}"
    path = REPO / m.group(1)
    assert path.exists(), m.group(1)
    src = path.read_text("utf-8")
    lines = src.splitlines()
    tree = ast.parse(src)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == m.group(2):
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            body = "\n".join(lines[start - 1:node.end_lineno])
            # module-level tables the test is driven by (REJECTIONS = {...} + parametrize)
            for other in tree.body:
                if isinstance(other, ast.Assign) and any(
                        isinstance(t, ast.Name) and re.search(rf"\b{t.id}\b", body) for t in other.targets):
                    body += "\n" + "\n".join(lines[other.lineno - 1:other.end_lineno])
            return body
    raise AssertionError(f"{ref}: no such test function")


def test_every_row_names_an_existing_test_that_checks_its_message():
    rows = [(s, h, c) for s, h, c in table_rows() if h[-1] == "test"]
    assert len(rows) >= 100
    unchecked = []
    for section, header, cells in rows:
        assert len(cells) == len(header), cells
        body = source_of_test(cells[-1])
        frags = set(message_fragments(cells[header.index("message (Chinese, as shown)")]))
        assert frags, cells
        # the test must mention some literal piece of the message (or a 4-character run of it)
        runs = {f[i:i + 4] for f in frags for i in range(max(1, len(f) - 3))}
        runs = {r for r in runs if len(r) == 4 and re.fullmatch(r"[^\x00-\x7f]+", r)}
        # ASCII words of the message (UTF-8, YAML, NUL) and the JSON error code of the class cell
        words = set(re.findall(r"[A-Za-z][\w-]{2,}", " ".join(frags))) - {"FILE", "LINE", "PATH"}
        words |= set(re.findall(r"`(\w+)`", cells[0]))
        if not any(f in body for f in frags | runs | words):
            unchecked.append(f"{section}: {cells[1]} → {cells[-1]}")
    assert not unchecked, "rows whose test never mentions the message:\n" + "\n".join(unchecked)


def test_rows_without_a_test_say_why():
    for section, header, cells in table_rows():
        if header[-1] == "why no test":
            assert len(cells[-1]) > 10, cells


def tracked_sources() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "src/falv"], cwd=REPO, capture_output=True,
                             text=True, timeout=30, check=True).stdout.split()
        files = [REPO / f for f in out if f.endswith(".py")]
    except (OSError, subprocess.SubprocessError):
        files = []
    return files or sorted((REPO / "src" / "falv").rglob("*.py"))


def raised_messages() -> list[tuple[str, str]]:
    """(where, longest literal piece) of every error message constructed in src/falv."""
    out = []
    for path in tracked_sources():
        if not path.exists():
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name not in ERROR_CALLS:
                continue
            args = (node.args[2:3] if name == "_json_error" else node.args[1:2] if name == "Budget"
                    else node.args[:1])
            if not args:
                continue
            pieces: list[str] = []

            def walk(a):
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    pieces.append(a.value)
                elif isinstance(a, ast.JoinedStr):
                    for v in a.values:
                        pieces.append(v.value if isinstance(v, ast.Constant) else "\0")
                elif isinstance(a, ast.BinOp):
                    walk(a.left)
                    walk(a.right)
                else:
                    pieces.append("\0")

            walk(args[0])
            key = max((p.strip() for p in "".join(pieces).split("\0")), key=len)
            out.append((f"{path.relative_to(REPO)}:{node.lineno}", key))
    return out


def test_every_error_in_the_code_has_a_row():
    doc = "\n".join("|".join(c) for _, _, c in table_rows())
    found = raised_messages()
    assert len(found) > 120
    missing = [f"{where}: {key}" for where, key in found if key not in doc]
    assert not missing, "errors raised in src/falv without a row in docs/errors.md:\n" + "\n".join(missing)


# -- producing the errors ------------------------------------------------------------------------

def run(capsys, monkeypatch, *argv, stdin: bytes | None = None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = 0
    try:
        cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def expect(capsys, monkeypatch, fragment: str, *argv, stdin: bytes | None = None) -> str:
    code, _, err = run(capsys, monkeypatch, *argv, stdin=stdin)
    assert code == 2, (argv, code, err)
    assert err.startswith("错误：") and fragment in err, (argv, err)
    return err


def test_ask_cli_errors(capsys, monkeypatch):
    expect(capsys, monkeypatch, "输入不是有效的 UTF-8 文本（第 0 字节）", "ask", "-", stdin=b"\xff\xfe")
    expect(capsys, monkeypatch, "问题为空", "ask", "   ")
    expect(capsys, monkeypatch, "问题含有非文本字符（NUL）", "ask", "信息\x00泄露")
    expect(capsys, monkeypatch, "问题过长：超过 2000 字", "ask", "-", stdin="问".encode() * 2667)


def test_question_checks_in_the_library(store):
    from falv.engine import Engine

    engine = Engine(store)  # the façade checks once; the composer below it trusts the question
    for bad, msg in [(5, "问题必须是文本"), ("", "问题为空"), ("问" * 2001, "问题过长：2001 字（上限 2000 字）"),
                     ("a\x00b", "问题含有非文本字符（NUL）")]:
        with pytest.raises(InputError, match=re.escape(msg)):
            engine.ask(bad)


def test_verify_cli_errors(capsys, monkeypatch, tmp_path):
    expect(capsys, monkeypatch, "none.txt: 文件不存在", "verify", str(tmp_path / "none.txt"))
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("民法典第一条".encode("gbk"))
    expect(capsys, monkeypatch, "gbk.txt:1: 不是有效的 UTF-8 文本：第 0 字节（0xc3）无法解码", "verify", str(bad))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", "utf-8")
    expect(capsys, monkeypatch, "是空的：没有可核验的文本", "verify", str(empty))
    ok = tmp_path / "ok.txt"
    ok.write_text("《民法典》第一条", "utf-8")
    expect(capsys, monkeypatch, "日期格式应为 YYYY-MM-DD：2020/1/1", "verify", "--as-of", "2020/1/1", str(ok))


def test_article_cli_errors(capsys, monkeypatch):
    err = expect(capsys, monkeypatch, "法规库中没有《民法点》", "article", "民法点", "1")
    assert "相近的法规" in err
    err = expect(capsys, monkeypatch, "《中华人民共和国民法典》没有第九千九百九十九条（共 ", "article", "民法典", "9999")
    expect(capsys, monkeypatch, "无法识别的条号：第X条", "article", "民法典", "第X条")


def test_citation_library_errors(store):
    from falv.law.find import extract
    from falv.limits import MAX_TEXT_CHARS as MAX_TEXT
    from falv.law.verify import verify_text

    with pytest.raises(InputError, match="要查找引用的文本必须是字符串"):
        extract(None, ())  # type: ignore[arg-type]
    with pytest.raises(InputError, match=re.escape(f"文本过长：{MAX_TEXT + 1} 字（上限 {MAX_TEXT} 字）")):
        extract("x" * (MAX_TEXT + 1), ())
    with pytest.raises(InputError, match="要核验的文本必须是字符串"):
        verify_text(store, b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="日期格式应为 YYYY-MM-DD"):
        verify_text(store, "x", as_of="yesterday")


def test_numeral_errors():
    from falv.text import cn_to_int, int_to_cn, parse_article_no

    with pytest.raises(InputError, match="空的数字"):
        cn_to_int("")
    with pytest.raises(InputError, match="无法识别的数字：甲"):
        cn_to_int("甲")
    with pytest.raises(InputError, match="无法转换的数字："):
        int_to_cn(-1)
    with pytest.raises(InputError, match="数字过大："):
        int_to_cn(10 ** 9)
    with pytest.raises(InputError, match="条号必须大于零：第0条"):
        parse_article_no("第0条")
    with pytest.raises(InputError, match="无法识别的条号：第条"):
        parse_article_no("第条")


def test_engine_errors(store, tmp_path):
    from falv.engine import Engine
    from falv.limits import MAX_FILES, MAX_TEXT_CHARS

    e = Engine(store)
    cases = [
        (lambda: e.search("个人信息", top=0), InputError, "top 应在 1 到 100 之间：0"),
        (lambda: e.article("", "1"), InputError, "请给出法规名称"),
        (lambda: e.article("民法点", "1"), NotFoundError, "法规库中没有《民法点》"),
        (lambda: e.article("民法典", "9999"), NotFoundError, "》没有第九千九百九十九条"),
        (lambda: e.verify("  "), InputError, "没有可核验的文本"),
        (lambda: e.verify("字" * (MAX_TEXT_CHARS + 1)), InputError, f"文本过长：{MAX_TEXT_CHARS + 1} 字"),
        (lambda: e.import_statutes([]), InputError, "没有要导入的文件"),
        (lambda: e.import_statutes([("a.md", "")] * (MAX_FILES + 1)), InputError, f"一次最多导入 {MAX_FILES} 个文件"),
        (lambda: e.import_statutes([("notes.exe", "# 标题")]), InputError, "文件名不可用："),
    ]
    for call, cls, msg in cases:
        with pytest.raises(cls, match=re.escape(msg)):
            call()


def test_toolkit_cli_errors(capsys, monkeypatch):
    expect(capsys, monkeypatch, "请给出问题或 --scenario", "route")
    expect(capsys, monkeypatch, "未知的场景：nosuch", "route", "--scenario", "nosuch")
    expect(capsys, monkeypatch, "请指定文书类型", "draft")
    expect(capsys, monkeypatch, "未知的文书类型：nosuch", "draft", "nosuch")
    expect(capsys, monkeypatch, "--fill 格式不对：'姓名'", "draft", "access", "--fill", "姓名")
    expect(capsys, monkeypatch, "--fill 缺少字段名：'=张三'", "draft", "access", "--fill", "=张三")
    expect(capsys, monkeypatch, "没有字段：不存在", "draft", "access", "--fill", "不存在=1")
    expect(capsys, monkeypatch, "数量格式不对：'行踪轨迹'", "severity", "--count", "行踪轨迹")
    expect(capsys, monkeypatch, "未知的信息类别：'车辆'", "severity", "--count", "车辆=3")
    expect(capsys, monkeypatch, "行踪轨迹 的条数必须是整数：'abc'", "severity", "--count", "行踪轨迹=abc")
    expect(capsys, monkeypatch, "行踪轨迹 的条数不能为负数：-5", "severity", "--count", "行踪轨迹=-5")
    expect(capsys, monkeypatch, "违法所得必须是数字（元）：'abc'", "severity", "--gains", "abc")
    expect(capsys, monkeypatch, "违法所得不能为负数：-1", "severity", "--gains", "-1")
    expect(capsys, monkeypatch, "未知的前科类型：'sometimes'", "severity", "--prior", "sometimes")


def test_toolkit_library_errors(store):
    from falv.domain.basis import parse_basis, parse_clause
    from falv.domain.drafts import render_draft
    from falv.domain.personal_info.frame import read_frame
    from falv.answer.routing import route
    from falv.domain.personal_info.severity import severity

    cases = [
        (lambda: severity(counts=[("行踪轨迹", 60)], store=store), "条数应为 类别→条数 的映射"),
        (lambda: severity(counts={"行踪轨迹": 1.5}, store=store), "行踪轨迹 的条数必须是整数：1.5"),
        (lambda: severity(counts={}, gains=True, store=store), "违法所得必须是数字：True"),
        (lambda: severity(counts={}, gains=float("inf"), store=store), "违法所得必须是有限的数字：inf"),
        (lambda: severity(counts={}, insider="yes", store=store), "insider 应为 true 或 false：'yes'"),
        (lambda: severity(counts={}, shoe_size=42, store=store), "未知的参数：shoe_size"),
        (lambda: route(None, None, store), "请给出问题或场景"),
        (lambda: read_frame(5), "问题必须是文本"),
        (lambda: render_draft(5, {}, store), "文书类型必须是文本"),
        (lambda: render_draft("access", {}, store, "pdf"), "未知的输出格式：pdf"),
        (lambda: render_draft("access", ["姓名"], store), "填写内容应为 字段→内容 的映射"),
        (lambda: parse_clause("民法典", "第一款"), "无法识别的条款引用：第一款"),
        (lambda: parse_basis(5), "数据文件中的法律依据格式不对：5"),
    ]
    for call, msg in cases:
        with pytest.raises(InputError, match=re.escape(msg)):
            call()


def test_kb_cli_errors(capsys, monkeypatch, tmp_path):
    expect(capsys, monkeypatch, "知识库条目编号应为数字：abc", "kb", "show", "abc")
    expect(capsys, monkeypatch, "知识库中没有条目 99", "kb", "show", "99")
    expect(capsys, monkeypatch, "none.jsonl: 文件不存在", "kb", "import", str(tmp_path / "none.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\xff\xfe")
    expect(capsys, monkeypatch, "不是有效的 UTF-8 文本：第 0 字节", "kb", "import", str(bad))
    bad.write_text('{"type": "source"}\n', "utf-8")
    expect(capsys, monkeypatch, "不是 falv kb export --jsonl 的输出（首行应为 falv-kb 格式 1）", "kb", "import", str(bad))
    bad.write_text('{"type": "falv-kb", "format": 1}\n{not json\n', "utf-8")
    expect(capsys, monkeypatch, f"{bad}:2: 不是合法的 JSON：", "kb", "import", str(bad))
    bad.write_text('{"type": "falv-kb", "format": 1}\n{"type": "other"}\n', "utf-8")
    expect(capsys, monkeypatch, "不是 falv kb export 的记录（缺少或未知的 type）", "kb", "import", str(bad))
    bad.write_text('{"type": "falv-kb", "format": 1}\n{"type": "entry"}\n', "utf-8")
    expect(capsys, monkeypatch, f"{bad}:2: 记录无效：", "kb", "import", str(bad))
    expect(capsys, monkeypatch, "无法写入", "kb", "export", "-o", str(tmp_path / "no" / "dir" / "x.jsonl"))
    from conftest import SEED

    assert run(capsys, monkeypatch, "kb", "ingest", str(SEED))[0] == 0
    good = tmp_path / "export.jsonl"
    assert run(capsys, monkeypatch, "kb", "export", "-o", str(good))[0] == 0
    expect(capsys, monkeypatch, "知识库非空：kb import 只能导入到空的知识库", "kb", "import", str(good))


def test_seed_format_rejections(capsys, monkeypatch, tmp_path):
    from falv.kb.ingest import ingest_files
    from falv.kb.seedfmt import parse_bytes, parse_text

    def rejected(text: str, msg: str, line: int):
        with pytest.raises(ImportRejected, match=re.escape(msg)) as exc:
            parse_text(text, "q.txt")
        assert exc.value.location == f"q.txt:{line}", exc.value

    rejected("标题\n\n", "没有可解析的问答条目：需要编号的问题行", 1)
    rejected("㈠ 问题甲\n【裁判要旨】要旨\n", "未知的块标签【裁判要旨】（可用的标签：", 2)
    rejected("法律分析：分析\n", "“法律分析”块之前没有编号的问题（如 ㈠ 问题）", 1)
    rejected("标题\n法律依据：依据\n㈠ 问题甲\n法律分析：分析\n", "“法律依据”块之前没有编号的问题", 2)
    rejected("㈠\n法律分析：分析\n", "条目 ㈠ 没有问题", 1)
    rejected("㈠ 问：\n法律分析：分析\n", "条目 ㈠ 没有问题", 1)
    rejected("㈠ 问题甲\n㈡ 问题乙\n法律分析：分析\n", "条目 ㈠「问题甲」只有问题，没有回答", 1)
    rejected("㈠ 问题甲\n法律分析：\ud800\n", "文本含无效字符 U+D800（孤立代理项）", 2)
    from falv.kb.seedfmt import MAX_BYTES

    with pytest.raises(ImportRejected, match=re.escape(f"文件过大（{MAX_BYTES + 1} 字节，上限 {MAX_BYTES}）")):
        parse_bytes(b" " * (MAX_BYTES + 1), "q.txt")
    with pytest.raises(ImportRejected, match="文档必须是文本"):
        parse_text(b"bytes", "q.txt")  # type: ignore[arg-type]
    with pytest.raises(ImportRejected, match=re.escape("编码无法识别：既不是 UTF-8 也不是 GB18030（第 0 字节起无法解码）")):
        parse_bytes(b"\xff\xff\xff", "q.txt")
    from falv.law.store import StatuteStore

    with StatuteStore() as s:
        with pytest.raises(InputError, match="没有指定要导入的问答文件"):
            ingest_files(s, [])
        with pytest.raises(InputError, match="names 的个数应与文件个数相同"):
            ingest_files(s, [tmp_path / "a.txt"], names=[])


def test_more_import_rejections(tmp_path):
    from falv.law.importer import import_files

    def rejected(name: str, content: str | None, msg: str):
        path = tmp_path / name
        if content is None:
            path.mkdir()
        else:
            path.write_text(content, "utf-8")
        with pytest.raises(ImportRejected, match=re.escape(msg)):
            import_files(tmp_path / "store.db", [path])

    rejected("dir.md", None, "没有找到可导入的法规文件（.md / .jsonl）")  # a folder: read recursively
    os.mkfifo(tmp_path / "fifo.md")
    with pytest.raises(ImportRejected, match="不是普通文件"):
        import_files(tmp_path / "store.db", [tmp_path / "fifo.md"])
    rejected("list.md", "---\n- a\n- b\n---\n# 甲规定\n第一条 正文\n", "文件头必须是“键: 值”形式")
    rejected("a.jsonl", "[1, 2]\n", "每行必须是一个 JSON 对象（一部法规）")
    rejected("b.jsonl", '{"title": ["x"], "articles": []}\n', "字段 title 必须是字符串")
    rejected("c.jsonl", '{"doc_type": "部门规章", "articles": [{"article_no": 1, "text": "x"}]}\n', "缺少 title")
    rejected("d.jsonl", '{"title": "甲规定", "articles": [5]}\n', "articles[0] 必须是对象")
    rejected("e.jsonl", '{"title": "甲规定", "articles": [{"text": "x"}]}\n', "articles[0] 缺少 article_no")
    rejected("f.jsonl", '{"title": "甲规定", "articles": [{"article_no": 1, "text": " "}]}\n',
             "articles[0] 没有正文（text）")


def test_eval_and_serve_errors(capsys, monkeypatch, tmp_path):
    bad = tmp_path / "eval.jsonl"
    bad.write_text('{"question": "问"}\n{broken\n', "utf-8")
    expect(capsys, monkeypatch, "评测文件第 2 行无法解析：", "eval", str(bad))
    expect(capsys, monkeypatch, "未知的日志级别：loud", "serve", "--log-level", "loud")


def test_base_db_errors(tmp_path, monkeypatch):
    from falv.law.store import StatuteStore

    monkeypatch.setenv("FALV_BASE_DB", str(tmp_path / "missing.db"))
    with pytest.raises(StoreError, match="无法只读打开基础法规库"):
        StatuteStore().titles()


def test_search_index_errors(tmp_path, monkeypatch, capsys):
    expect(capsys, monkeypatch, "问题过长：2001 字（上限 2000 字）", "search", "问" * 2001)


def test_http_errors_in_front_of_the_app():
    """BodyGuard, the request filter of falv serve: malformed Content-Length, non-UTF-8 body, writes
    without the admin token (disabled / wrong token)."""
    import asyncio

    from falv.service.api import BodyGuard

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def call(path: str, body: bytes, headers: list[tuple[bytes, bytes]]):
        sent = []

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(m):
            sent.append(m)

        scope = {"type": "http", "method": "POST", "path": path, "headers": [(b"host", b"127.0.0.1:8000"), *headers]}
        asyncio.run(BodyGuard(app)(scope, receive, send))
        return sent[0]["status"], json.loads(b"".join(m.get("body", b"") for m in sent[1:]) or b"null")

    status, body = call("/verify", b"{}", [(b"content-length", b"abc")])
    assert status == 400 and body["message"] == "Content-Length 无效"
    status, body = call("/verify", b"\xff", [])
    assert status == 422 and body["message"].startswith("请求体不是有效的 UTF-8 文本（第 0 字节）")
    monkeypatch = pytest.MonkeyPatch()
    try:
        monkeypatch.delenv("FALV_ADMIN_TOKEN", raising=False)
        status, body = call("/statutes/import", b"{}", [])
        assert status == 403 and body["message"] == "写入接口未启用：服务端未设置 FALV_ADMIN_TOKEN"
        monkeypatch.setenv("FALV_ADMIN_TOKEN", "secret")
        status, body = call("/kb/ingest", b"{}", [(b"authorization", b"Bearer wrong")])
        assert status == 401 and body["message"].startswith("缺少或错误的管理令牌（Authorization: Bearer …）")
    finally:
        monkeypatch.undo()


def test_falv_error_classes_map_to_exit_2_and_http_status():
    assert (InputError.http_status, NotFoundError.http_status, ImportRejected.http_status,
            StoreError.http_status) == (422, 404, 422, 503)
    proc = subprocess.run([sys.executable, "-c", "from falv.cli import main; main()", "article", "民法点", "1"],
                          capture_output=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.decode("utf-8").startswith("错误：法规库中没有《民法点》")


def test_mcp_route_without_question_or_scenario(store):
    """The MCP server's own check (the other tools report the engine's FalvErrors)."""
    import asyncio

    from falv.engine import Engine
    from falv.service.mcp import build_server

    result = asyncio.run(build_server(lambda: Engine(store)).call_tool("route", {}))
    assert result.is_error
    assert result.structured_content["message"] == "请给出问题（question）或场景（scenario）"
    assert result.structured_content["error"] == "invalid_input"
