"""Statutes and citations: a pipeline of verbs (find → resolve → verify → annotate) over a store."""

from __future__ import annotations

import tomllib
from importlib import resources


def load_data(name: str) -> dict:
    """One TOML file of law/data/ (aliases, repealed laws, verdict labels, import vocabulary …):
    the tables live there, not in code. Callers cache what they derive from it."""
    with resources.files("falv.law.data").joinpath(name).open("rb") as fh:
        return tomllib.load(fh)
