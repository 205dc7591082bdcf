"""One façade, one set of defaults: a call that leaves a parameter out means the same through the
CLI, the HTTP API and the MCP tools (verify checks quotes everywhere, search returns as many hits,
a letter comes in the same format …). Each adapter's defaults are read from what it publishes —
the CLI's click parameters, the OpenAPI schema, the MCP tools' input schemas — and compared with
the façade's own (falv.defaults.DEFAULTS, read from its signatures); no value is listed here."""

from __future__ import annotations

import anyio
import click
import pytest

from falv.cli import app
from falv.defaults import DEFAULTS
from falv.service.api import create_app
from falv.service.mcp import build_server

# façade method → (CLI command, HTTP operation, MCP tool)
VERBS = {
    "search": ("search", ("get", "/search"), "search_statutes"),
    "verify": ("verify", ("post", "/verify"), "verify_citations"),
    "route": ("route", ("post", "/route"), "route"),
    "severity": ("severity", ("post", "/severity"), "severity"),
    "draft": ("draft", ("post", "/drafts/{kind}"), "draft"),
}
# The same parameter under an adapter's own name (names only: every value is read).
NAMES = {"top_k": "top", "format": "fmt", "count": "counts", "q": "query"}
# Façade parameters no adapter exposes.
FACADE_ONLY = {"per_group"}
REQUIRED = "required"


def _value(value):
    """Left out and empty mean the same to the façade (`fill or {}`, `counts or {}`)."""
    return None if value in ({}, []) else value


def cli_defaults(command: str) -> dict:
    ctx = click.Context(app, info_name="falv")
    cmd = app.get_command(ctx, command)
    return {NAMES.get(p.name, p.name): REQUIRED if p.required else _value(p.default) for p in cmd.params}


@pytest.fixture(scope="module")
def openapi():
    return create_app().openapi()


def http_defaults(spec: dict, method: str, path: str) -> dict:
    op = spec["paths"][path][method]
    params = [(p["name"], p.get("required", False), p.get("schema", {})) for p in op.get("parameters", [])]
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        model = spec["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[-1]]
        params += [(k, k in model.get("required", []), s) for k, s in model["properties"].items()]
    return {NAMES.get(name, name): REQUIRED if required else _value(schema.get("default"))
            for name, required, schema in params}


@pytest.fixture(scope="module")
def mcp_tools():
    return {t.name: t for t in anyio.run(build_server(lambda: None).list_tools)}


def mcp_defaults(tool) -> dict:
    schema = tool.input_schema
    return {NAMES.get(k, k): REQUIRED if k in schema.get("required", []) else _value(s.get("default"))
            for k, s in schema["properties"].items()}


@pytest.mark.parametrize("method", list(VERBS))
def test_every_adapter_has_the_facades_defaults(method, openapi, mcp_tools):
    command, (verb, path), tool = VERBS[method]
    adapters = {"CLI": cli_defaults(command), "HTTP": http_defaults(openapi, verb, path),
                "MCP": mcp_defaults(mcp_tools[tool])}
    facade = {k: _value(v) for k, v in DEFAULTS[method].items() if k not in FACADE_ONLY}
    assert facade, method
    for name, default in facade.items():
        for adapter, published in adapters.items():
            assert name in published, f"{adapter} {method} lacks {name}"
            assert published[name] == default, f"{adapter} {method} {name}: {published[name]!r} ≠ {default!r}"


def test_verify_checks_quotes_unless_told_not_to(openapi, mcp_tools):
    """Issue 21: POST /verify and MCP verify_citations used to default to no quote check."""
    assert DEFAULTS["verify"]["quotes"] is True
    assert cli_defaults("verify")["quotes"] is True
    assert http_defaults(openapi, "post", "/verify")["quotes"] is True
    assert mcp_defaults(mcp_tools["verify_citations"])["quotes"] is True
