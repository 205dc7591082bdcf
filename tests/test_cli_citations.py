"""`falv verify` and `falv article` through cli.main: output, JSON and exit codes."""

from __future__ import annotations

import json

import pytest



from conftest import run_cli as run  # noqa: E402


def test_verify_seed_json_before_import(capsys, store):
    from conftest import SEED

    code, out, _ = run(capsys, "verify", str(SEED), "--json")
    report = json.loads(out)
    rows = report["citations"]
    assert report["count"] == len(rows) and report["passed"] is False
    assert code == 1  # 侵权责任法 is repealed; 两高解释 and 决定 unverifiable
    assert all({"law", "article", "span", "verdict", "replacement", "detail"} <= set(r) for r in rows)
    by = {(r["law"], r["article"]): r["verdict"] for r in rows}
    assert by[("中华人民共和国民法典", "第一千零三十八条")] == "ok"
    assert by[("中华人民共和国刑法", "第二百八十六条之一")] == "partial_quote"
    assert by[("中华人民共和国侵权责任法", None)] == "repealed"
    assert any(r["verdict"] == "unverifiable" and r["article"] == "第五条" for r in rows)
    text = SEED.read_text(encoding="utf-8")
    assert all(text[r["span"][0]:r["span"][1]] == r["raw"] for r in rows)


def test_verify_seed_text_after_import(capsys, imported_store):
    from conftest import SEED

    code, out, _ = run(capsys, "verify", str(SEED))
    assert code == 1
    lines = out.strip().splitlines()
    assert any("侵权责任法" in l and "已废止" in l and "第七编" in l for l in lines)
    assert not any("无法核验" in l for l in lines)
    assert any("第二百八十六条之一" in l and "节录" in l for l in lines)


def test_verify_exit_zero_when_all_pass(capsys, store, monkeypatch):
    code, out, _ = run(capsys, "verify", "-", stdin="依据《民法典》第1038条、刑法第二百五十三条之一".encode(),
                       monkeypatch=monkeypatch)
    assert code == 0 and out.count("核验通过") == 2


def test_verify_bad_input_exits_2(capsys, store, tmp_path, monkeypatch):
    code, _, err = run(capsys, "verify", str(tmp_path / "missing.txt"))
    assert code == 2 and "不存在" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    code, _, err = run(capsys, "verify", str(bad))
    assert code == 2 and "UTF-8" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    code, _, err = run(capsys, "verify", str(empty))
    assert code == 2 and "空" in err
    code, _, err = run(capsys, "verify", str(empty), "--as-of", "2020/1/1")
    assert code == 2


def test_verify_as_of(capsys, store, monkeypatch):
    code, out, _ = run(capsys, "verify", "-", "--as-of", "2020-01-01", "--json",
                       stdin="网安法第四十条".encode(), monkeypatch=monkeypatch)
    [row] = json.loads(out)["citations"]
    assert code == 1 and row["verdict"] == "superseded_version"
    assert row["replacement"] == "《中华人民共和国网络安全法》第四十二条"


def test_article_text_and_json(capsys, store):
    code, out, _ = run(capsys, "article", "民法典", "1038")
    art = store.get_article("中华人民共和国民法典", "第一千零三十八条")
    assert code == 0 and art.text in out and art.chapter in out and "现行有效" in out
    code, out, _ = run(capsys, "article", "刑法", "第二百五十三条之一", "--json")
    d = json.loads(out)
    assert d["article"] == "第二百五十三条之一" and d["law"] == "中华人民共和国刑法"
    assert d["text"] == store.get_article("中华人民共和国刑法", "第二百五十三条之一").text


def test_article_unknown_exits_2_with_candidates(capsys, store):
    code, _, err = run(capsys, "article", "刑法", "第二百五十三条之九")
    assert code == 2 and "第二百五十三条之一" in err
    code, _, err = run(capsys, "article", "消费者权益保护法实施条例", "5")
    assert code == 2 and "中华人民共和国消费者权益保护法" in err
    code, _, err = run(capsys, "article", "民法典", "abc")
    assert code == 2


def test_article_imported_decision(capsys, imported_store):
    code, out, _ = run(capsys, "article", "决定", "8")
    assert code == 0 and "全国人民代表大会常务委员会关于加强网络信息保护的决定" in out
