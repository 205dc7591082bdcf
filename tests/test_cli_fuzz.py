"""Property-based fuzzing of the `falv` command (issue 11): random text, undecodable bytes (as
Python hands them over in sys.argv: lone surrogates) and odd numbers as the arguments of every
command, through the real entry point in-process. The property: never a traceback; a run ends with
0, 1 (verify found a failing citation) or 2 (a clear error on stderr). The HTTP side is fuzzed by
tests/test_api_schema.py (schemathesis over the real server, write endpoints with the token).

Bounded for CI: a fixed number of examples, no deadline (shared cores).
"""

from __future__ import annotations

import os

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from conftest import run_cli

CLI_EXAMPLES = int(os.environ.get("FALV_FUZZ_CLI_EXAMPLES", "60"))


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
