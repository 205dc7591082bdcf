"""One letter filled from a question's case analysis (`falv draft KIND --question`, the web
letter panel), the same way an answer's letters are: the domain that read the question gives the
values and the case's extra articles; the user's own values win."""

from __future__ import annotations

from ..domain.drafts import render_draft, template
from ..errors import InputError
from .analysis import CaseAnalysis


def letter_for_case(kind: str, case: CaseAnalysis, store, fill: dict | None = None,
                    fmt: str = "markdown") -> dict:
    """render_draft's result, plus `prefilled` (what was read from the question)."""
    if fill is not None and not isinstance(fill, dict):
        raise InputError("填写内容应为 字段→内容 的映射")
    kind = template(kind).kind  # aliases (删除, 投诉 …) name the same letters
    found = case.domain.letter_fill(kind, case.frame, case.question, case.steps)
    auto, extra = found if found is not None else ({}, ())
    own = {str(k): v for k, v in (fill or {}).items() if v not in (None, "")}
    out = render_draft(kind, {**auto, **own}, store, fmt, extra=extra)
    out["prefilled"] = {k: v for k, v in auto.items() if k not in own}
    return out
