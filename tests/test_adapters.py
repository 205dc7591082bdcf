"""One façade, three adapters: `falv X --json`, the HTTP API (a real `falv serve`) and the MCP tool
X (a real `falv mcp` over stdio) return the same JSON for the same call, against one store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import anyio
import httpx
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from conftest import STATUTES_DIR
from serving import Server

pytestmark = pytest.mark.server

QUESTION = "快递信息泄露了怎么办"
SOLD = "有人在网上出售我们小区业主的600条行踪轨迹信息，获利8000元"
TEXT = "依据《侵权责任法》第三十六条，网络服务提供者应当承担连带责任；另见《民法典》第一千零三十八条。"

# name: (CLI argv, HTTP (method, path, body or query), MCP (tool, arguments))
CALLS = {
    "ask": (["ask", QUESTION, "--json"], ("POST", "/ask", {"question": QUESTION}),
            ("ask", {"question": QUESTION})),
    "search": (["search", "个人信息 泄露 补救", "--top", "5", "--json"],
               ("GET", "/search", {"q": "个人信息 泄露 补救", "top": 5}),
               ("search_statutes", {"query": "个人信息 泄露 补救", "top_k": 5})),
    "search_law": (["search", "隐私", "--law", "民法典", "--top", "3", "--json"],
                   ("GET", "/search", {"q": "隐私", "top": 3, "law": "民法典"}),
                   ("search_statutes", {"query": "隐私", "top_k": 3, "law": "民法典"})),
    "article": (["article", "个保法", "47", "--json"], ("GET", "/articles/个保法/47", None),
                ("get_article", {"law": "个保法", "article": "47"})),
    "verify": (["verify", "{file}", "--json"], ("POST", "/verify", {"text": TEXT, "quotes": True}),
               ("verify_citations", {"text": TEXT, "quotes": True})),
    "verify_as_of": (["verify", "{file}", "--no-quotes", "--as-of", "2020-01-01", "--json"],
                     ("POST", "/verify", {"text": TEXT, "as_of": "2020-01-01"}),
                     ("verify_citations", {"text": TEXT, "as_of": "2020-01-01"})),
    "route": (["route", QUESTION, "--json"], ("POST", "/route", {"question": QUESTION}),
              ("route", {"question": QUESTION})),
    "route_scenario": (["route", "--scenario", "spam", "--json"], ("POST", "/route", {"scenario": "spam"}),
                       ("route", {"scenario": "spam"})),
    "severity": (["severity", "--count", "行踪轨迹=60", "--gains", "3000", "--insider", "--json"],
                 ("POST", "/severity", {"counts": {"行踪轨迹": 60}, "gains": "3000", "insider": True}),
                 ("severity", {"counts": {"行踪轨迹": 60}, "gains": "3000", "insider": True})),
    "draft": (["draft", "access", "--fill", "姓名=张三", "--json"],
              ("POST", "/drafts/access", {"fill": {"姓名": "张三"}}),
              ("draft", {"kind": "access", "fill": {"姓名": "张三"}})),
    "draft_question": (["draft", "police", "--question", SOLD, "--fill", "姓名=张三", "--json"],
                       ("POST", "/drafts/police", {"question": SOLD, "fill": {"姓名": "张三"}}),
                       ("draft", {"kind": "police", "question": SOLD, "fill": {"姓名": "张三"}})),
}
# Answers carry per-stage timings, which differ from run to run; everything else must be equal.
VOLATILE = {"ask": ("timings",)}


@pytest.fixture(scope="module")
def home(request, tmp_path_factory, shared_index_dir):
    path = tmp_path_factory.mktemp("adapters-home")
    if STATUTES_DIR.is_dir():
        shutil.copyfile(request.getfixturevalue("imported_template"), path / "falv.db")
    return path


@pytest.fixture(scope="module")
def env(home, shared_index_dir):
    out = {k: v for k, v in os.environ.items() if not k.startswith("FALV_")}
    out.update(FALV_HOME=str(home), FALV_INDEX_DIR=str(shared_index_dir))
    return out


@pytest.fixture(scope="module")
def cli_results(env, tmp_path_factory):
    text_file = tmp_path_factory.mktemp("adapters") / "text.txt"
    text_file.write_text(TEXT, "utf-8")
    out = {}
    for name, (argv, _, _) in CALLS.items():
        argv = [a.replace("{file}", str(text_file)) for a in argv]
        proc = subprocess.run([sys.executable, "-m", "falv.cli", *argv], env=env, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode in (0, 1) and proc.stdout, (argv, proc.stderr)  # 1: a failing citation
        out[name] = json.loads(proc.stdout)
    return out


@pytest.fixture(scope="module")
def http_results(home, shared_index_dir):
    server = Server(home, admin_token=None, index_dir=shared_index_dir).wait()
    out = {}
    try:
        with httpx.Client(base_url=server.url, timeout=300) as client:
            for name, (_, (method, path, body), _) in CALLS.items():
                if method == "GET":
                    resp = client.get(path, params=body)
                else:
                    resp = client.post(path, json=body)
                assert resp.status_code == 200, (name, resp.text)
                out[name] = resp.json()
    finally:
        server.stop()
    return out


@pytest.fixture(scope="module")
def mcp_results(env):
    params = StdioServerParameters(command=sys.executable, args=["-m", "falv.cli", "mcp"], env=env)

    async def run():
        out = {}
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=300) as session:
                await session.initialize()
                for name, (_, _, (tool, args)) in CALLS.items():
                    result = await session.call_tool(tool, args)
                    assert not result.is_error, (name, result.content)
                    out[name] = result.structured_content
        return out

    return anyio.run(run)


def _comparable(name: str, data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in VOLATILE.get(name, ())}


@pytest.mark.parametrize("name", list(CALLS))
def test_cli_http_and_mcp_give_the_same_json(name, cli_results, http_results, mcp_results):
    cli = _comparable(name, cli_results[name])
    assert cli, name
    assert _comparable(name, http_results[name]) == cli
    assert _comparable(name, mcp_results[name]) == cli


def test_the_shapes_are_the_documented_ones(cli_results):
    assert set(cli_results["search"]) == {"query", "hits", "groups"}
    assert set(cli_results["verify"]) == {"citations", "count", "passed"}
    assert cli_results["verify"]["passed"] is False  # 侵权责任法 is repealed
    assert cli_results["article"]["current"] is True
    assert cli_results["ask"]["grounded"] and cli_results["ask"]["basis"]
    drafted = cli_results["draft_question"]
    assert drafted["prefilled"]["信息种类与数量"] == "行踪轨迹 600 条"
    assert "姓名" not in drafted["prefilled"] and "张三" in drafted["text"]
    assert "情节特别严重" in drafted["text"]
    assert "prefilled" not in cli_results["draft"]  # no question, nothing read from one
    assert cli_results["route"]["frame"]["actor"] == "express"
