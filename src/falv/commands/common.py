"""Helpers shared by CLI commands: the store of this process and JSON output."""

from __future__ import annotations

import json
from functools import lru_cache

import typer


@lru_cache(maxsize=1)
def store():
    from ..law.store import StatuteStore

    return StatuteStore()


def emit_json(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))
