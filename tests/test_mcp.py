"""The MCP server through the SDK's own client over stdio, against a real `falv mcp` subprocess:
list the tools, call each, and check error results on bad input."""

from __future__ import annotations

import json
import os
import sys

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TOOLS = {"ask", "search_statutes", "get_article", "verify_citations", "route", "severity", "draft"}


def _params(home, index_dir) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if k.startswith(("FALV_", "PATH", "HOME", "LANG", "PYTHONPATH"))}
    env.update(FALV_HOME=str(home), FALV_INDEX_DIR=str(index_dir))
    return StdioServerParameters(command=sys.executable, args=["-m", "falv.cli", "mcp"], env=env)


async def _session_run(params, body):
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=300) as session:
            await session.initialize()
            return await body(session)


def run(params, body):
    return anyio.run(_session_run, params, body)


def structured(result) -> dict:
    assert not result.is_error, result.content
    return result.structured_content


def error(result) -> dict:
    assert result.is_error
    data = json.loads(result.content[0].text)
    assert data["error"] and data["message"] and "Traceback" not in result.content[0].text
    return data


def test_tools_over_stdio(falv_home, shared_index_dir, store):
    expected = store.get_article("中华人民共和国民法典", "第一千零三十八条").text

    async def body(s: ClientSession):
        tools = {t.name: t for t in (await s.list_tools()).tools}
        assert set(tools) >= TOOLS
        for name in TOOLS:
            assert tools[name].description and tools[name].output_schema is not None
            assert tools[name].annotations.read_only_hint is True

        raw = await s.call_tool("get_article", {"law": "民法典", "article": "1038"})
        art = structured(raw)
        assert art["text"] == expected and art["article"] == "第一千零三十八条"
        # the text block is the same JSON, compact (no indentation, no spaces after separators)
        text = raw.content[0].text
        assert json.loads(text) == art
        assert text == json.dumps(art, ensure_ascii=False, separators=(",", ":"))

        ver = structured(await s.call_tool("verify_citations",
                                           {"text": "《侵权责任法》第三十六条；《民法典》第一千零三十八条"}))["citations"]
        assert [v["verdict"] for v in ver] == ["repealed", "ok"] and ver[0]["replacement"]

        hits = structured(await s.call_tool("search_statutes", {"query": "快递信息泄露", "top_k": 3}))["hits"]
        assert 1 <= len(hits) <= 3 and all(h["text"] for h in hits)

        ans = structured(await s.call_tool("ask", {"question": "快递信息泄露了怎么办"}))
        assert ans["grounded"] and ans["basis"] and ans["analysis"]

        route = structured(await s.call_tool("route", {"question": "快递信息泄露了怎么办"}))
        assert route["channels"] and route["frame"]["summary"]

        sev = structured(await s.call_tool("severity", {"counts": {"行踪轨迹": 60}}))
        assert sev["level"] and sev["label"]

        d = structured(await s.call_tool("draft", {"kind": "delete", "fill": {"姓名": "张三"}}))
        assert "张三" in d["text"]

        # bad input → error results with the FalvError JSON, and the server keeps serving
        assert error(await s.call_tool("get_article", {"law": "不存在的法", "article": "1"}))["error"] == "not_found"
        assert error(await s.call_tool("get_article", {"law": "民法典", "article": "第X条"}))["error"] == "invalid_input"
        assert error(await s.call_tool("ask", {"question": "   "}))["error"] == "invalid_input"
        assert error(await s.call_tool("ask", {"question": "问" * 2001}))["error"] == "invalid_input"
        assert error(await s.call_tool("verify_citations", {"text": ""}))["error"] == "invalid_input"
        assert error(await s.call_tool("route", {}))["error"] == "invalid_input"
        assert error(await s.call_tool("severity", {"counts": {"不存在的类别": 1}}))["error"] == "invalid_input"
        assert error(await s.call_tool("draft", {"kind": "nosuchkind"}))["error"]
        wrong_type = await s.call_tool("search_statutes", {"query": "个人信息", "top_k": "many"})
        assert wrong_type.is_error
        assert structured(await s.call_tool("get_article", {"law": "个保法", "article": "47"}))["text"]

    run(_params(falv_home, shared_index_dir), body)


# -- what the tools publish (read in-process: no store needed) -----------------------------------

@pytest.fixture(scope="module")
def published():
    from falv.service.mcp import build_server

    return {t.name: t for t in anyio.run(build_server(lambda: None).list_tools)}


def _enum(schema: dict) -> list:
    """The allowed values of a parameter (itself, or the non-null branch of `X | None`)."""
    if "enum" in schema:
        return schema["enum"]
    return next(s["enum"] for s in schema.get("anyOf", []) if "enum" in s)


def test_every_parameter_is_described(published):
    assert set(published) >= TOOLS
    for tool in published.values():
        assert tool.description, tool.name
        for name, schema in tool.input_schema["properties"].items():
            assert schema.get("description"), f"{tool.name}.{name}"


def test_closed_sets_are_enums_from_the_data(published):
    from falv.answer.choices import choices

    sets = choices()
    draft, severity = published["draft"].input_schema["properties"], published["severity"].input_schema["properties"]
    assert _enum(draft["kind"]) == list(sets["draft_kind"])
    assert _enum(draft["format"]) == list(sets["draft_format"])
    assert _enum(published["route"].input_schema["properties"]["scenario"]) == list(sets["scenario"])
    assert _enum(severity["prior"]) == list(sets["prior"])
    counts = next(s for s in severity["counts"]["anyOf"] if s.get("type") == "object")
    assert counts["propertyNames"]["enum"] == list(sets["severity_category"])


def test_output_schemas_are_the_result_models(published):
    """Each tool's outputSchema is its result model's JSON Schema (falv.results), closed
    (additionalProperties false), never `{"type": "object", "additionalProperties": true}`."""
    from falv.results import RESULTS

    schemas = {model.__name__: model.model_json_schema() for model, _ in RESULTS}
    for tool in published.values():
        out = tool.output_schema
        assert out and out.get("additionalProperties") is False, tool.name
        assert schemas.get(out["title"]) == out, tool.name


def test_ask_says_what_it_covers(published):
    """ask names every kind of problem with rules of its own, and says other questions get the
    honest floor."""
    from falv.answer.choices import covered_kinds

    description = published["ask"].description
    assert all(kind in description for kind in covered_kinds())
    assert "兜底" in description and "floor" in description


def test_streamable_http_at_mcp(tmp_path_factory, shared_index_dir):
    """`falv serve --mcp`: the same tools over streamable HTTP at /mcp, next to the API."""
    import httpx
    from mcp.client.streamable_http import streamable_http_client

    from serving import Server

    server = Server(tmp_path_factory.mktemp("mcp-http"), index_dir=shared_index_dir,
                    extra_args=("--mcp",)).wait()
    try:
        async def main():
            async with streamable_http_client(server.url + "/mcp") as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=120) as s:
                    await s.initialize()
                    names = {t.name for t in (await s.list_tools()).tools}
                    assert names >= TOOLS
                    art = structured(await s.call_tool("get_article", {"law": "民法典", "article": "1038"}))
                    assert art["article"] == "第一千零三十八条"
                    bad = await s.call_tool("get_article", {"law": "不存在的法", "article": "1"})
                    assert error(bad)["error"] == "not_found"

        anyio.run(main)
        assert httpx.get(server.url + "/health").json()["status"] == "ok"
    finally:
        server.stop()
