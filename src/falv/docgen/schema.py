"""docs/answer-schema.md from the result models (falv.results): every result of the façade, each
field with its type and its `Field(description=...)`."""

from __future__ import annotations

import inspect

from ..results import RESULTS, SCHEMA_VERSION, ResultList
from .md import GENERATED, py_type, table

INTRO = f"""# falv results — the JSON of every command, endpoint and tool

{GENERATED.format(source="the result models in src/falv/results/")}

Every result is one JSON object (three are arrays). Field names are English and stable; texts are
Chinese. The same call gives the same JSON through the CLI (`falv X --json`), the HTTP API and the
MCP tools (tests/test_adapters.py). New fields may be added; existing ones are not renamed. A field
marked *absent when null* is left out of its object rather than written as `null`.

Contents: {{contents}}.

## Answer

Schema version {SCHEMA_VERSION} (`schema_version`). Version 3 added `reading` (the kind of problem the question was read as, with its evidence and
the readings that lost) and `floor`. Version 2 dropped `scenarios[]` (the keyword scenario
detector is gone: the case frame `frame` is the one reading of a question, for `ask` and `route`
alike). Each note is given once per answer.

Errors (empty question, more than 2,000 characters, non-text input) exit with code 2 (HTTP 422)
and change nothing; see `docs/errors.md`.
"""


def _doc(model) -> str:
    return inspect.cleandoc(model.__dict__.get("__doc__") or "")


def _fields(model, seen: list) -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        mark = " *(absent when null)*" if info.exclude_if is not None else ""
        rows.append((f"`{name}`{mark}", py_type(info.annotation, seen), info.description or ""))
    return table(["field", "type", "meaning"], rows)


def _section(model, level: str, calls: str | None, done: set) -> list[str]:
    """A model's heading, what returns it, its description and fields; then the models its
    fields name that no section has documented yet."""
    done.add(model)
    seen: list = []
    out = []
    if model.__name__ != "Answer":  # the answer's heading and prose are in INTRO
        out += [f"{level} {model.__name__}", ""]
    if calls:
        out += [calls, ""]
    if _doc(model):
        out += [_doc(model), ""]
    if issubclass(model, ResultList):
        out += [f"A JSON array of {py_type(model.model_fields['root'].annotation.__args__[0], seen)}.", ""]
    else:
        out += _fields(model, seen) + [""]
    for nested in seen:
        if nested not in done:
            out += _section(nested, "###", None, done)
    return out


def schema_doc() -> str:
    done: set = set()
    body = []
    for model, calls in RESULTS:
        body += _section(model, "##", calls, done)
    contents = ", ".join(f"[{m.__name__}](#{m.__name__.lower()})" for m, _ in RESULTS[1:])
    return INTRO.replace("{contents}", "[Answer](#answer), " + contents) + "\n" + \
        "\n".join(body).rstrip() + "\n"
