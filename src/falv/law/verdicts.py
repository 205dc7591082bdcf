"""Labels of verdicts (data: law/data/verdicts.toml), so that every surface shows them alike."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    with resources.files("falv.law.data").joinpath("verdicts.toml").open("rb") as fh:
        return tomllib.load(fh)


def label(verdict: str, form: str = "badge") -> str:
    """form: "mark" (✔/✘/？), "badge" (✔ 核验通过 …) or "answer" (✔ 现行有效 · 原文核验 …);
    an unknown verdict is shown as itself."""
    return _labels().get(verdict, {}).get(form, verdict)
