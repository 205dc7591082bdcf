"""The references are generated (falv.docgen), the sqlite-utils way: each committed file under
docs/ is what the code generates now, so none can drift from the models, the command registry,
the OpenAPI schema or the MCP tools. A failure here means: run `python -m falv.docgen`."""

from __future__ import annotations

import pytest

from conftest import REPO
from falv.docgen import DOCS, generate
from falv.docgen.__main__ import main
from falv.results import RESULTS, Result, ResultList


@pytest.mark.parametrize("name", list(DOCS))
def test_committed_doc_is_what_the_code_generates(name):
    committed = (REPO / "docs" / name).read_text("utf-8")
    assert committed == generate(name), f"docs/{name} drifted: run python -m falv.docgen"


def _models():
    """Every model the results are made of (the results and the models their fields name)."""
    from falv.docgen.md import py_type

    todo, done = [m for m, _ in RESULTS], []
    while todo:
        model = todo.pop()
        if model in done:
            continue
        done.append(model)
        for info in model.model_fields.values():
            py_type(info.annotation, todo)
    return done


def test_every_result_field_is_described():
    """answer-schema.md's meanings come from Field(description=...): none may be missing."""
    missing = [f"{m.__name__}.{name}" for m in _models() if not issubclass(m, ResultList)
               for name, info in m.model_fields.items() if not info.description]
    assert not missing, missing


def test_no_result_model_lets_unknown_fields_through():
    for model in _models():
        if not issubclass(model, ResultList):
            assert issubclass(model, Result) and model.model_config.get("extra") == "forbid", model


def test_the_check_mode_says_which_file_drifted(tmp_path, capsys):
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "cli.md").write_text("old", "utf-8")
    assert main(["--check", "--out", str(tmp_path)]) == 1
    assert "cli.md" in capsys.readouterr().err
