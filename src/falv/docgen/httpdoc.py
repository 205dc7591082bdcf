"""docs/http.md from the OpenAPI schema of `falv serve` (/openapi.json): every endpoint, its
parameters, request body and response model."""

from __future__ import annotations

from ..service.api import create_app
from .md import GENERATED, anchor, default_of, json_type, table

INTRO = f"""# falv HTTP API reference

{GENERATED.format(source="the OpenAPI schema of `falv serve` (`GET /openapi.json`)")}

`falv serve` listens on 127.0.0.1:8000 by default. Requests and responses are JSON (UTF-8).
Every endpoint calls the same façade method as the CLI and the MCP tools, with the same
defaults, and returns the same JSON; the response models are in
[answer-schema.md](answer-schema.md). Every error is a JSON body `{{"error", "message",
"location", "hint"}}` (`reasons` too for a 422) with its status — see docs/errors.md. The write
endpoints need `Authorization: Bearer $FALV_ADMIN_TOKEN` (the server must be started with
FALV_ADMIN_TOKEN set). `falv serve --mcp` adds the MCP endpoint at `/mcp` (docs/mcp.md).
"""


def _result_link(name: str) -> str:
    return f"[{name}](answer-schema.md#{anchor(name)})"


def http_doc() -> str:
    spec = create_app().openapi()
    schemas = spec.get("components", {}).get("schemas", {})
    index, body = [], []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            title = f"{method.upper()} {path}"
            ok = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            returns = json_type(ok.get("schema", {}), _result_link) if ok else ""
            description = " ".join((op.get("description") or op.get("summary") or "").split())
            index.append((f"[`{title}`](#{anchor(title)})", description, returns))
            body += [f"## {title}", "", description, ""]
            if op.get("security"):
                body += ["Needs the admin token (`Authorization: Bearer …`).", ""]
            params = op.get("parameters", [])
            if params:
                body += table(["parameter", "in", "type", "default", "description"],
                              [(f"`{p['name']}`", p["in"], json_type(p.get("schema", {})),
                                default_of(p.get("schema", {}), p.get("required", False)),
                                p.get("description") or p.get("schema", {}).get("description", ""))
                               for p in params]) + [""]
            request = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if request:
                name = request["schema"]["$ref"].rsplit("/", 1)[-1]
                model = schemas[name]
                required = set(model.get("required", []))
                body += [f"Request body (`{name}`):", ""]
                body += table(["field", "type", "default", "description"],
                              [(f"`{k}`", json_type(s), default_of(s, k in required), s.get("description", ""))
                               for k, s in model.get("properties", {}).items()]) + [""]
            codes = sorted(c for c in op.get("responses", {}) if c != "200")
            body += [f"Returns {returns or 'JSON'}" + (f"; errors {', '.join(codes)} with the error body." if codes else "."), ""]
    return INTRO + "\n" + "\n".join(table(["endpoint", "what it does", "returns"], index)) + "\n\n" + \
        "\n".join(body).rstrip() + "\n"
