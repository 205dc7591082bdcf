"""docs/mcp.md from the MCP server's tools: what each covers, its parameters (types, allowed
values, defaults, descriptions) and its output schema's model."""

from __future__ import annotations

import anyio

from ..service.mcp import build_server, instructions
from .md import GENERATED, anchor, default_of, json_type, table

INTRO = f"""# falv MCP reference

{GENERATED.format(source="the tools the MCP server publishes (src/falv/service/mcp.py)")}

`falv mcp` serves these tools over stdio; `falv serve --mcp` over streamable HTTP at `/mcp`.
Every tool only reads the local store (read-only, idempotent, no network). A tool's result is
its structured content — the JSON of `falv X --json`, with the tool's output schema — and the
same JSON, compact, as its text block. Bad input is an error result (`isError`) whose content is
the error JSON `{{"error", "message", "hint"}}` (docs/errors.md).

What the server tells an assistant when it connects:

> {{instructions}}
"""


def _tools():
    async def listing():
        return await build_server(lambda: None).list_tools()

    return anyio.run(listing)


def mcp_doc() -> str:
    tools = _tools()
    index, body = [], []
    for tool in tools:
        output = (tool.output_schema or {}).get("title", "")
        link = f"[{output}](answer-schema.md#{anchor(output)})" if output else ""
        description = " ".join((tool.description or "").split())
        index.append((f"[`{tool.name}`](#{anchor(tool.name)})", description, link))
        schema = tool.input_schema
        required = set(schema.get("required", []))
        body += [f"## {tool.name}", "", description, ""]
        body += table(["parameter", "type", "default", "description"],
                      [(f"`{k}`", json_type(s), default_of(s, k in required), s.get("description", ""))
                       for k, s in schema.get("properties", {}).items()]) + [""]
        body += [f"Output: {link} (its JSON Schema is the tool's `outputSchema`).", ""]
    intro = INTRO.replace("{instructions}", instructions())
    return intro + "\n" + "\n".join(table(["tool", "what it does", "returns"], index)) + "\n\n" + \
        "\n".join(body).rstrip() + "\n"
