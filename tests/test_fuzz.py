"""Property-based fuzzing of the two doors (issue 11): the HTTP API (schemathesis, generated from
our own OpenAPI schema, against a real `falv serve` on 127.0.0.1, write endpoints included with the
admin token) and the `falv` command (hypothesis: random text and undecodable bytes as arguments
of every command, through the real entry point in-process). The property: never a 5xx, never a
traceback; a CLI run ends with 0, 1 (verify found a failing citation) or 2 (a clear error).

Bounded for CI: a fixed number of examples per operation / command, no deadline (shared cores).
"""

from __future__ import annotations

import os

import httpx
import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from conftest import run_cli
from serving import ADMIN_TOKEN, Server

HTTP_EXAMPLES = int(os.environ.get("FALV_FUZZ_HTTP_EXAMPLES", "12"))
CLI_EXAMPLES = int(os.environ.get("FALV_FUZZ_CLI_EXAMPLES", "60"))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory, shared_index_dir, request):
    """A server of its own (the fuzzer may import what it generates), over the imported statutes
    where ../shared has them, like the API tests' server."""
    from conftest import STATUTES_DIR

    store_file = request.getfixturevalue("imported_template") if STATUTES_DIR.is_dir() else None
    server = Server(tmp_path_factory.mktemp("fuzz-home"), store_file=store_file,
                    index_dir=shared_index_dir).wait()
    server.warm()
    yield server
    server.stop()


@pytest.mark.server
def test_http_api_never_5xx(fuzz_server):
    """Every operation of our OpenAPI schema, HTTP_EXAMPLES generated requests each (schemathesis
    strategies driven by hypothesis; the write endpoints with the admin token)."""
    schema = schemathesis.openapi.from_url(fuzz_server.url + "/openapi.json")
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    seen = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=HTTP_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(base_url=fuzz_server.url, headers=headers, timeout=120)
            where = f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:300]}"
            assert response.status_code < 500, where
            assert "Traceback" not in response.text and 'File "' not in response.text, where

        check()
        seen += 1
    assert seen >= 10  # every endpoint of the API was fuzzed
    assert httpx.get(fuzz_server.url + "/health", timeout=60).status_code == 200


# -- the command line -------------------------------------------------------------------------------

def _arg():
    """What a shell may pass: any text, or bytes that are not UTF-8 (Python hands them over as
    lone surrogates, like sys.argv does), numbers in odd spellings, and very long digit runs."""
    return st.one_of(
        st.text(max_size=40),
        st.binary(max_size=20).map(lambda b: b.decode("utf-8", "surrogateescape")),
        st.sampled_from(["--5", "²", "①", "1e99999999999999999999", "9" * 5000, "第" + "9" * 5000 + "条",
                         "-0", "1e400", "NaN", "inf", "0x10", "２０２０-１３-４５", "2020-13-45", "\x00"]),
        st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str),
    )


COMMANDS = st.one_of(
    st.tuples(st.just("search"), _arg()),
    st.tuples(st.just("article"), st.sampled_from(["民法典", "个保法", "刑法"]), _arg()),
    st.tuples(st.just("article"), _arg(), _arg()),
    st.tuples(st.just("route"), _arg()),
    st.tuples(st.just("route"), st.just("--scenario"), _arg()),
    st.tuples(st.just("severity"), st.just("--count"), _arg().map(lambda v: "行踪轨迹=" + v)),
    st.tuples(st.just("severity"), st.just("--count"), _arg()),
    st.tuples(st.just("severity"), st.just("--gains"), _arg()),
    st.tuples(st.just("severity"), st.just("--prior"), _arg()),
    st.tuples(st.just("draft"), _arg()),
    st.tuples(st.just("draft"), st.just("delete"), st.just("--fill"), _arg()),
    st.tuples(st.just("draft"), st.just("delete"), st.just("--fill"), _arg().map(lambda v: "姓名=" + v)),
    st.tuples(st.just("kb"), st.just("show"), _arg()),
    st.tuples(st.just("statutes"), st.just("list"), st.just("--type"), _arg()),
    st.tuples(st.just("statutes"), st.just("remove"), _arg()),
    st.tuples(st.just("search"), st.just("--top"), _arg(), st.just("个人信息")),
    st.tuples(st.just("ask"), _arg(), st.just("--format"), st.sampled_from(["text", "markdown", "json"])),
)


@settings(max_examples=CLI_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(argv=COMMANDS)
def test_cli_never_tracebacks(capsys, argv):
    code, _out, err = run_cli(capsys, *argv)
    assert code in (0, 1, 2), (argv, code, err[-1000:])
    assert "Traceback" not in err, err[-2000:]
    if code == 2:
        assert err.strip(), argv
