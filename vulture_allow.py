"""vulture's allow-list: uses of names that vulture, reading src/falv alone, cannot see.

.ci/run runs `vulture src/falv vulture_allow.py --min-confidence 60`. This file is only read,
never run or imported; each line names one such use and says where it is. A name here hides
every definition of that name from vulture, so keep the list short and the reasons exact.
"""

_ = object  # stands for any object whose attribute is named below

# -- framework entry points: called by a framework, not by our code -------------------------------

_.list_commands  # click.Group method `falv --help` calls (src/falv/cli.py)
jsonl  # typer option of `falv kb export --jsonl`, the one format, accepted as a flag (commands/kb.py)
statutes_import  # FastAPI route, registered by decorator (service/views.py)
app_factory  # uvicorn --factory falv.service.api:app_factory (service/api.py)
_.total_tokens  # anyio's default thread limiter, set at start-up (service/api.py)
search_statutes  # MCP tools, registered by decorator (service/mcp.py)
verify_citations
_.aclose  # the MCP SDK's stream protocol (service/mcp.py)
_.format_usage  # click.Command method click calls for the usage line (clitext.py)
_.model_config  # pydantic model settings (service/models.py)
_._text_only  # pydantic field_validator (service/models.py)
newest_law  # pydantic response fields, serialised, never read by our code (service/models.py)
built_on
schema_version
issue  # pydantic result fields (falv/results/): serialised to JSON and documented, never read in src
fact
wish
understand_ms
search_ms
verify_ms
total_ms
analysis_citations
reached
prefilled

# -- library API that bench/, tests/ or the docs use ------------------------------------------------

annotate_text  # law/annotate.py: the annotate verb (docs/guide.md), tests/test_verify.py
annotate_html
_.iter_articles  # StatuteStore: every article (bench/bench_verify.py, tests)
base_titles  # law/names.py: bare names without a store (tests/test_find.py, tests/test_verify.py)
_.from_words  # Segmenter of a word list (tests/test_search_analyzer.py, tests/test_search_index.py)
differences  # search/index.py: a fresh index against the shipped one (bench/build_bundled_index.py)
_.has_answer  # kb/seedfmt.py Entry: every parsed entry answers (tests/test_kb_parser.py, property tests)
KEYS  # evaluate.py: the metrics' keys, the eval JSON's shape (tests/test_eval.py)
READING_KEYS

# -- engine/service: removed by the schema work ---------------------------------------------------

interpretation_imported  # engine.py SeverityResult field, read through to_dict()
