"""The generated references: docs/answer-schema.md (from the result models), docs/cli.md (from
the command registry), docs/http.md (from the OpenAPI schema) and docs/mcp.md (from the MCP
tools) — each written from the objects it describes, never by hand, the way sqlite-utils keeps
its CLI reference.

`python -m falv.docgen` rewrites them in ./docs; `python -m falv.docgen --check` says which
differ from what the code generates; `python -m falv.docgen cli.md` prints one.
tests/test_docs.py fails when a committed file drifts.
"""

from __future__ import annotations

from .clidoc import cli_doc
from .httpdoc import http_doc
from .mcpdoc import mcp_doc
from .schema import schema_doc

DOCS = {"answer-schema.md": schema_doc, "cli.md": cli_doc, "http.md": http_doc, "mcp.md": mcp_doc}


def generate(name: str) -> str:
    return DOCS[name]()


__all__ = ["DOCS", "generate"]
