"""Schemathesis over the OpenAPI schema of a real `falv serve`: generated requests (valid and
invalid) never produce a 5xx and every error is a JSON body. Small example budget: CI is 2 cores.

(Schemathesis's own pytest loader does not run under pytest 9, so each operation's Hypothesis
strategy is driven here directly.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

pytestmark = [pytest.mark.server, pytest.mark.slow]

MAX_EXAMPLES = 10


def test_no_server_errors(api_server):
    schema = schemathesis.openapi.from_url(api_server.url + "/openapi.json")
    seen = []
    for result in schema.get_all_operations():
        operation = result.ok()
        seen.append(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode)
    assert any("/ask" in label for label in seen) and any("/verify" in label for label in seen)


def test_admin_endpoints_with_token(tmp_path_factory, shared_index_dir):
    """The write endpoints fuzzed past the token check (on a server of their own: a generated
    file may import): malformed uploads are 4xx JSON, never 5xx."""
    from serving import ADMIN_TOKEN, Server

    server = Server(tmp_path_factory.mktemp("fuzz-admin"), index_dir=shared_index_dir).wait()
    try:
        schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in ("/statutes/import", "/kb/ingest"):
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    _fuzz(operation, mode, headers=auth)
    finally:
        server.stop()


def _fuzz(operation, mode, headers: dict | None = None) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call_and_validate(checks=[not_a_server_error], timeout=120, headers=headers)
        if response.status_code >= 400:
            body = response.json()
            assert isinstance(body.get("error"), str) and body.get("message"), response.text
            assert "Traceback" not in response.text

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise  # only an operation without inputs has no invalid request to generate
