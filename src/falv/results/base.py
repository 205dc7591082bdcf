"""The base of every result model: unknown fields refused, one way to JSON.

Why extra="forbid": the dicts the lower layers build (a frame, a quoted article, a letter) are
validated into these models at the façade; a key added below without adding it here fails the
tests at once instead of passing unseen into the JSON (issue 21: `_Out(extra="allow")` did).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel


class Result(BaseModel):
    """A part of a result: documented fields only; `to_dict()` is its JSON (the same for the CLI's
    `--json`, the HTTP API and the MCP tools)."""

    model_config = ConfigDict(extra="forbid")

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ResultList(RootModel):
    """A result that is a JSON array (`kb list`, the scenario and letter lists)."""

    def to_dict(self) -> list:
        return self.model_dump(mode="json")

    def __iter__(self):
        return iter(self.root)

    def __len__(self) -> int:
        return len(self.root)

    def __getitem__(self, i):
        return self.root[i]


def _is_none(value) -> bool:
    return value is None


def absent(description: str, **kw) -> Any:
    """A field left out of the JSON when it has no value (not written as null): the shape the
    results had before they were models, which consumers depend on."""
    return Field(None, exclude_if=_is_none, description=description, **kw)
