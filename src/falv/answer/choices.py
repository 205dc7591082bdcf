"""The closed sets of the façade's parameters and the names of what it offers, read from the data
files: the adapters publish them (MCP enums and descriptions, CLI help) instead of keeping lists
of their own; falv.engine re-exports them."""

from __future__ import annotations

from ..domain.drafts import FORMATS, templates
from ..domain.kinds import kinds
from ..domain.personal_info.severity import PRIORS, categories
from ..domain.registry import scenario_owners
from .render import RENDERERS


def choices() -> dict[str, tuple[str, ...]]:
    """The closed sets of the façade's parameters, read from the data files: the adapters publish
    them (MCP enums, CLI help) instead of keeping lists of their own."""
    return {
        "draft_kind": tuple(templates()),
        "draft_format": FORMATS,
        "scenario": tuple(scenario_owners()),
        "severity_category": tuple(categories()),
        "prior": tuple(dict.fromkeys(PRIORS.values())),
        "answer_format": tuple(RENDERERS),
    }


def draft_titles() -> dict[str, str]:
    """Letter kind → its title (every domain's templates)."""
    return {kind: t.title for kind, t in templates().items()}


def covered_kinds() -> list[str]:
    """The kinds of problem falv answers with rules of its own (data/kinds.toml), in words; any
    other question gets the honest floor."""
    return [spec.label for kid, spec in kinds().items() if kid != "other"]
