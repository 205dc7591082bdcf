"""Complaint routing: a question's case analysis (or a named frame's) → the steps of advice and
the channels they name, in the steps' order (safety and money first), each channel once.

Why from the analysis: `falv ask` and `falv route` must name the same authorities in the same
order, so both take them from the same case analysis (answer/analysis.py); there is no second
understanding of a question. `route_of()` returns a JSON-ready dict shared by the CLI, the HTTP
API and the MCP server.
"""

from __future__ import annotations

from ..domain.basis import resolve_title
from ..domain.channels import Channel, channel_table
from ..domain.kinds import label
from ..domain.registry import DOMAINS
from ..domain.rulebook import Step
from ..errors import InputError
from .analysis import CaseAnalysis, analyse, analyse_scenario

NO_SCENARIO = "未识别出个人信息相关的情形；可以指定场景（见场景列表）后再查"
FLOOR = ("没有找到与具体情形对应的规则：以下是{kind}问题通常的求助途径，不是对本案的分析")


def cards(case: CaseAnalysis) -> list[Channel]:
    """The cards of the steps' channels, each with the articles the case adds to it (the
    holder's own duty on the handler's card, the article its regulator acts under …)."""
    table = channel_table()
    return [table[cid].with_basis(case.domain.card_basis(case.frame, cid))
            for cid in case.channel_ids()]


def _step_dict(step: Step, store) -> dict:
    out = step.to_dict()
    if store is not None:  # the title under which the store keeps the law (the imported 两高解释)
        for c in out["citations"]:
            c["law"] = resolve_title(store, c["law"]) or c["law"]
    return out


def route_of(case: CaseAnalysis, store=None, quote_text: bool = True) -> dict:
    """JSON-ready routing of a case analysis."""
    notes = [] if case.steps else [NO_SCENARIO]
    if case.floor and case.reading is not None:
        kind = case.reading.topic or label(case.reading.kind)
        notes.append(FLOOR.format(kind=kind if case.reading.kind != "other" or case.reading.topic else "这类"))
    result = {
        "question": case.question or None,
        "scenario": case.scenario,
        "reading": case.reading.to_dict() if case.reading else {},
        "floor": case.floor,
        "frame": case.frame.to_dict(),
        "channels": [dict(c.to_dict(store, quote_text), order=n)
                     for n, c in enumerate(cards(case), 1)],
        "steps": [_step_dict(s, store) for s in case.steps],
        "notes": notes,
    }
    if case.severity:
        result["severity"] = case.severity
    return result


def list_scenarios() -> list[dict]:
    """The named frames of every domain, each with the channels its steps name."""
    out = []
    for domain in DOMAINS:
        for sid, spec in domain.scenarios().items():
            steps = domain.steps(domain.named_frame(sid))
            out.append({"id": sid, "name": spec["name"],
                        "routes": list(dict.fromkeys(c for s in steps for c in s.channels))})
    return out


def route(question: str | None = None, scenario_id: str | None = None, store=None,
          quote_text: bool = True) -> dict:
    """Routing for a question or a named frame (`scenario_id` wins), without a knowledge base."""
    if scenario_id:
        case = analyse_scenario(scenario_id)
    elif isinstance(question, str) and question.strip():
        case = analyse(question, store=store)
    else:
        raise InputError("请给出问题或场景")
    return route_of(case, store, quote_text)
