"""Labels of verdicts (data: law/data/verdicts.toml), so that every surface shows them alike."""

from __future__ import annotations

from functools import lru_cache

from . import load_data


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    return load_data("verdicts.toml")


def label(verdict: str, form: str = "badge") -> str:
    """form: "mark" (✔/✘/？), "badge" (✔ 核验通过 …) or "answer" (✔ 现行有效 · 原文核验 …);
    an unknown verdict is shown as itself."""
    return _labels().get(verdict, {}).get(form, verdict)
