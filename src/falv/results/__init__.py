"""The result models: one typed shape (pydantic) per result the façade (falv.engine.Engine)
returns, and the only place a result's fields are written down.

Everything that shows a result is derived from these: the CLI's `--json` (model_dump), the HTTP
API's response models (OpenAPI at /openapi.json), the MCP tools' output schemas, and
docs/answer-schema.md (`python -m falv.docgen`). The answer layer builds its Answer from them
directly; the façade validates what the layers below hand it (frames, quoted articles, letters)
into them, so a key added below without adding it here fails loudly (extra="forbid").

This package sits just below the answer layer (pyproject.toml [tool.importlinter]): it may read
the value types of the layers below (VerdictKind, the amendment note) and nothing above.
"""

from __future__ import annotations

from .answer import (SCHEMA_VERSION, AnalysisPoint, Answer, BasisArticle, ChannelCard, CitedArticle, Fit,
                     Frame, KbMatch, KbProvenance, Letter, MissingFact, MissingInstrument, Note,
                     PersonalInfoFrame, Reading, RuleProvenance, SeverityEstimate, SlotFrame, StatedFacts,
                     Timings)
from .base import Result, ResultList
from .kb import (IngestResult, KbEntry, KbEntryList, KbEntryRow, KbImportResult, ReverifyResult)
from .statutes import (AmendedBy, Article, CheckedCitation, DataInfo, HealthResult, ImportResult, IndexResult,
                       RemoveResult, SearchGroup, SearchHit, SearchResult, StatuteRow, StatutesResult,
                       VerifyResult, VersionResult)
from .toolkit import (DraftKind, DraftKindList, DraftResult, QuotedArticle, RouteResult, Scenario,
                      ScenarioList, SeverityResult)

# Every result of the façade, in the order docs/answer-schema.md documents them:
# (model, the calls that return it).
RESULTS: tuple[tuple[type, str], ...] = (
    (Answer, "`falv ask --json` · `POST /ask` · MCP `ask`"),
    (SearchResult, "`falv search --json` · `GET /search` · MCP `search_statutes`"),
    (Article, "`falv article --json` · `GET /articles/{law}/{article}` · MCP `get_article`"),
    (VerifyResult, "`falv verify --json` · `POST /verify` · MCP `verify_citations`"),
    (RouteResult, "`falv route --json` · `POST /route` · MCP `route`"),
    (ScenarioList, "`falv route --list-scenarios --json` · `GET /scenarios`"),
    (SeverityResult, "`falv severity --json` · `POST /severity` · MCP `severity`"),
    (DraftResult, "`falv draft KIND --json` · `POST /drafts/{kind}` · MCP `draft`"),
    (DraftKindList, "`falv draft --list --json` · `GET /drafts`"),
    (StatutesResult, "`falv statutes list --json`"),
    (ImportResult, "`falv statutes import --json` · `POST /statutes/import`"),
    (RemoveResult, "`falv statutes remove --json`"),
    (VersionResult, "`falv version --json` (`falv --version`)"),
    (HealthResult, "`GET /health`"),
    (IndexResult, "`falv index build --json`"),
    (KbEntryList, "`falv kb list --json`"),
    (KbEntry, "`falv kb show --json`"),
    (IngestResult, "`falv kb ingest --json` · `POST /kb/ingest`"),
    (ReverifyResult, "`falv kb reverify --json`"),
    (KbImportResult, "`falv kb import --json`"),
)

__all__ = [
    "SCHEMA_VERSION", "RESULTS", "Result", "ResultList",
    "Answer", "AnalysisPoint", "BasisArticle", "ChannelCard", "CitedArticle", "Fit", "Frame", "KbMatch",
    "KbProvenance", "Letter", "MissingFact", "MissingInstrument", "Note", "PersonalInfoFrame", "Reading",
    "RuleProvenance", "SeverityEstimate", "SlotFrame", "StatedFacts", "Timings",
    "AmendedBy", "Article", "CheckedCitation", "DataInfo", "HealthResult", "ImportResult", "IndexResult",
    "RemoveResult", "SearchGroup", "SearchHit", "SearchResult", "StatuteRow", "StatutesResult",
    "VerifyResult", "VersionResult",
    "DraftKind", "DraftKindList", "DraftResult", "QuotedArticle", "RouteResult", "Scenario", "ScenarioList",
    "SeverityResult",
    "IngestResult", "KbEntry", "KbEntryList", "KbEntryRow", "KbImportResult", "ReverifyResult",
]
