"""Helpers shared by CLI commands: the façade of this process and JSON output."""

from __future__ import annotations

import json
from functools import lru_cache

import typer

from ..engine import Engine
from ..law.store import StatuteStore


@lru_cache(maxsize=1)
def store() -> StatuteStore:
    return StatuteStore()


_engines: dict[bool | None, Engine] = {}


def engine(dense: bool | None = None) -> Engine:
    """The façade over this process's store (`dense`: the optional dense search stage); it
    follows store(), whose cache tests clear to move to another FALV_HOME."""
    current = store()
    found = _engines.get(dense)
    if found is None or found.store is not current:
        found = _engines[dense] = Engine(current, dense=dense)
    return found


def emit_json(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))
