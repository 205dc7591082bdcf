"""The façade's defaults, read from its signatures (severity's flags from the assessment it runs).

The CLI, the HTTP API and the MCP tools take their defaults from here instead of restating them,
so the same call means the same thing through all three (tests/test_adapter_defaults.py checks
they agree). It sits just above the façade in the layer contract: the adapters import it, it
imports falv.engine and nothing imports it from below.
"""

from __future__ import annotations

import inspect

from .domain.personal_info.severity import assess
from .engine import Engine


def _defaults(fn, kinds=(inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)) -> dict:
    return {name: p.default for name, p in inspect.signature(fn).parameters.items()
            if p.kind in kinds and p.default is not inspect.Parameter.empty}


DEFAULTS: dict[str, dict] = {
    "search": _defaults(Engine.search),
    "verify": _defaults(Engine.verify),
    "route": _defaults(Engine.route),
    "draft": _defaults(Engine.draft),
    "severity": {**_defaults(Engine.severity), **_defaults(assess, (inspect.Parameter.KEYWORD_ONLY,))},
}
