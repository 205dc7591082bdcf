"""`falv kb …` through cli.main: ingest, list, show (badges, annotations), export/import round trip,
exit code 2 with file:line on bad input."""

from __future__ import annotations

import json

from conftest import SEED
from conftest import run_cli as run


def test_ingest_list_show(capsys):
    code, out, _ = run(capsys, "kb", "ingest", str(SEED), "--dry-run")
    assert code == 0 and "将并入条目 #1" in out and "未写入任何内容" in out
    code, out, _ = run(capsys, "kb", "list", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "kb", "ingest", str(SEED), "--json")
    report = json.loads(out)
    assert code == 0 and report["changed"] and len(report["files"][0]["entries"]) == 5
    code, out, _ = run(capsys, "kb", "list", "--json")
    rows = json.loads(out)
    assert [(r["id"], r["question"], r["answers"]) for r in rows] == [
        ("1", "个人信息泄露找什么部门投诉", 3), ("2", "快递信息泄露了怎么办", 1),
        ("3", "信息泄露怎么处理怎么举报", 1)]
    code, out, _ = run(capsys, "kb", "show", "2")
    assert code == 0 and "✔ 节录" in out and "〔→市场监督管理部门〕" in out and "【提示】" in out
    assert "侵权责任法" in out and "民法典第七编" in out
    code, out, _ = run(capsys, "kb", "show", "1")
    assert "✔ 核验通过" in out and "？无法核验" in out and "来源 3" in out
    code, out, _ = run(capsys, "kb", "show", "1", "--json")
    shown = json.loads(out)
    assert [a["provenance"]["entry"] for a in shown["answers"]] == ["㈠", "㈣", "㈤"]
    assert all({"law", "article", "verdict", "quoted_text"} <= set(b) for a in shown["answers"]
               for b in a["basis"])


def test_show_unknown_entry_exits_2(capsys):
    code, _, err = run(capsys, "kb", "show", "99")
    assert code == 2 and "没有条目 99" in err


def test_bad_document_exits_2_with_file_and_line(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("㈠ 问题\n【裁判要旨】要旨\n", "utf-8")
    code, _, err = run(capsys, "kb", "ingest", str(bad))
    assert code == 2 and f"{bad}:2" in err and "裁判要旨" in err


def test_export_import_round_trip_is_byte_identical(capsys, tmp_path, monkeypatch):
    from falv.commands.common import store

    run(capsys, "kb", "ingest", str(SEED))
    first = tmp_path / "kb1.jsonl"
    assert run(capsys, "kb", "export", "--jsonl", "-o", str(first))[0] == 0
    code, out, _ = run(capsys, "kb", "export", "--jsonl")
    assert out.encode("utf-8") == first.read_bytes()

    monkeypatch.setenv("FALV_HOME", str(tmp_path / "empty-home"))
    store.cache_clear()
    code, out, _ = run(capsys, "kb", "import", str(first))
    assert code == 0 and "3 个条目" in out
    second = tmp_path / "kb2.jsonl"
    run(capsys, "kb", "export", "--jsonl", "-o", str(second))
    assert second.read_bytes() == first.read_bytes()
    # the imported store serves the quoted-by-source article like the original one
    code, out, _ = run(capsys, "article", "决定", "8", "--json")
    assert code == 0 and json.loads(out)["source"] == "quoted"
    # importing again into the now non-empty knowledge base is refused
    code, _, err = run(capsys, "kb", "import", str(first))
    assert code == 2 and "知识库非空" in err


def test_import_rejects_malformed_jsonl(capsys, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"type":"falv-kb","format":1}\n{"type":"entry"\n', "utf-8")
    code, _, err = run(capsys, "kb", "import", str(f))
    assert code == 2 and f"{f}:2" in err
    f.write_text('{"type":"falv-kb","format":1}\n{"type":"entry","id":1}\n', "utf-8")
    code, _, err = run(capsys, "kb", "import", str(f))
    assert code == 2 and f"{f}:2" in err
    code, out, _ = run(capsys, "kb", "list", "--json")
    assert json.loads(out) == []  # nothing written
