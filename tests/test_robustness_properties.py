"""Property-based robustness (issue 7) for what the per-module tests do not already cover:

* citation finding is idempotent on its own canonical output (《title》第X条…), before and after
  resolution; spans of extract and verify_text always index the input;
* numerals and article numbers: every 1…9999 exhaustively, and 之一…之十, through the citation
  finder as well (tests/test_text.py samples the round trip);
* the seed-format parser on structured random documents: only FalvError, entries and their line
  ranges inside the file, GB18030 and UTF-8 bytes of one text parse alike;
* `falv severity` / `falv route` / `falv draft` argument parsing at the CLI: exit 0 or 2, never a
  traceback.

Budgets are sized for 2 shared cores (max_examples 100–200, no deadline); each test prints the
number of examples it ran.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from falv.errors import FalvError
from falv.law.models import ArticleRef
from falv.text import canonical_article_no, cn_to_int, format_article_no, int_to_cn, parse_article_no

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])
COUNTS: dict[str, int] = {}


def counted(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    print("\nexamples per property:", ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items())))


@pytest.fixture(scope="module")
def base_store(tmp_path_factory):
    from falv.law.store import StatuteStore

    s = StatuteStore(store_path=tmp_path_factory.mktemp("props") / "falv.db")
    yield s
    s.close()


@pytest.fixture(scope="module")
def resolver(base_store):
    from falv.law.resolve import resolver_for

    return resolver_for(base_store)


@pytest.fixture(scope="module")
def names(resolver):
    return resolver.names()


# -- citation text strategies ------------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def article_text(draw, number: int, suffix: int) -> str:
    style = draw(st.sampled_from(["cn", "arabic", "full"]))
    n = {"cn": int_to_cn(number), "arabic": str(number),
         "full": str(number).translate(FULLWIDTH)}[style]
    sp = draw(st.sampled_from(["", "", " ", "\u3000"]))
    out = f"第{sp}{n}{sp}条"
    if suffix:
        out += f"{sp}之{int_to_cn(suffix)}"
    if draw(st.integers(0, 4)) == 0:
        out += f"第{int_to_cn(draw(st.integers(1, 9)))}款"
        if draw(st.booleans()):
            out += f"第{int_to_cn(draw(st.integers(1, 12)))}项"
    return out


FILLER = st.text(alphabet=st.sampled_from(list("的了是在有人和规定依照根据本案。，；：（）\n 甲乙丙个人信息")),
                 max_size=12)


@st.composite
def citation_text(draw, law_names):
    """Free text with citations in the forms people write: 《》 or bare names, lists, ranges,
    同法/本法, Chinese/arabic/full-width numbers, spaces, 之N, 款/项, prose in between."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        parts.append(draw(FILLER))
        name = draw(st.sampled_from(law_names))
        form = draw(st.sampled_from(["bracket", "bracket", "bare", "same"]))
        parts.append({"bracket": f"《{name}》", "bare": name, "same": "同法"}[form])
        for k in range(draw(st.integers(1, 3))):
            if k:
                parts.append(draw(st.sampled_from(["、", "，", "和", "至", "及"])))
            parts.append(article_text(draw, draw(st.integers(1, 1300)), draw(st.integers(0, 3))))
    parts.append(draw(FILLER))
    return "".join(parts)


@pytest.fixture(scope="module")
def law_names(names):
    sample = sorted(names)
    # every alias and a spread of base titles; sorted so the strategy is reproducible
    return sample[:: max(1, len(sample) // 300)] + ["民法典", "刑法", "个人信息保护法", "个保法",
                                                    "网络安全法", "侵权责任法", "不存在的某某法"]


def canonical(c) -> str:
    ref: ArticleRef = c.ref
    out = f"《{c.law_text}》{format_article_no(ref.number, ref.suffix)}"
    if ref.paragraph:
        out += f"第{int_to_cn(ref.paragraph)}款"
    if ref.item:
        out += f"第{int_to_cn(ref.item)}项"
    return out


def key(c):
    return (c.law_text, c.ref)


def test_find_is_idempotent_on_its_formatted_output(law_names, names):
    from falv.law.find import extract

    @PROPERTY
    @given(st.data())
    def prop(data):
        counted("find idempotent on canonical output")
        text = data.draw(citation_text(law_names) | st.text(max_size=60))
        cits = [c for c in extract(text, names=names) if c.law_text and c.ref]
        COUNTS["  citations re-extracted"] = COUNTS.get("  citations re-extracted", 0) + len(cits)
        for c in cits:
            assert 0 <= c.span[0] < c.span[1] <= len(text) and text[c.span[0]:c.span[1]] == c.raw
        formatted = "\n".join(canonical(c) for c in cits)
        again = extract(formatted, names=names)
        assert [key(c) for c in again] == [key(c) for c in cits], formatted
        assert "\n".join(canonical(c) for c in again) == formatted  # a fixed point

    prop()


def test_resolution_is_idempotent(law_names, names, resolver):
    """Resolve, write the canonical title, find and resolve again: the same law and article."""
    from falv.law.find import extract

    @PROPERTY
    @given(st.data())
    def prop(data):
        counted("resolution idempotent")
        text = data.draw(citation_text(law_names))
        resolved = [resolver.resolve(c) for c in extract(text, names=names) if c.law_text and c.ref]
        resolved = [c for c in resolved if c.law_title]
        formatted = "\n".join(f"《{c.law_title}》{c.ref.article_no}" for c in resolved)
        again = [resolver.resolve(c) for c in extract(formatted, names=names)]
        assert [(c.law_title, c.ref.number, c.ref.suffix) for c in again] == \
            [(c.law_title, c.ref.number, c.ref.suffix) for c in resolved], formatted

    prop()


def test_verify_text_spans_index_the_input(base_store, law_names):
    from falv.law.verify import verify_text

    @settings(PROPERTY, max_examples=100)
    @given(st.data())
    def prop(data):
        counted("verify_text spans/only FalvError")
        text = data.draw(citation_text(law_names) | st.text(max_size=80))
        quotes = data.draw(st.booleans())
        if quotes and data.draw(st.booleans()):
            text += "规定：“" + data.draw(FILLER) + "”"
        try:
            checked = verify_text(base_store, text, quotes=quotes)
        except FalvError:
            return
        for c in checked:
            d = c.to_dict()
            start, end = d["span"]
            assert 0 <= start < end <= len(text)
            assert d["verdict"] in {"ok", "partial_quote", "mismatch", "not_found", "repealed",
                                    "superseded_version", "unverifiable"}

    prop()


# -- numerals and article numbers ----------------------------------------------------------------

def test_every_numeral_1_to_9999_round_trips():
    seen = set()
    for n in range(1, 10000):
        cn = int_to_cn(n)
        assert cn_to_int(cn) == n
        seen.add(cn)
    assert len(seen) == 9999  # injective: no two numbers share a spelling
    COUNTS["numerals 1…9999 (exhaustive)"] = 9999


def test_every_article_number_with_zhi_1_to_10_round_trips():
    """All 9,999 × 11 article numbers: text → (n, suffix) → text; arabic and full-width forms
    normalise to the same canonical text."""
    for n in range(1, 10000):
        for suffix in range(0, 11):
            text = format_article_no(n, suffix)
            assert parse_article_no(text) == (n, suffix)
            if n % 97 == 0:  # the other spellings on a spread of numbers
                arabic = f"第{n}条" + (f"之{int_to_cn(suffix)}" if suffix else "")
                assert canonical_article_no(arabic) == text
                assert canonical_article_no(arabic.translate(FULLWIDTH)) == text
    COUNTS["article numbers 1…9999 × 之一…之十 (exhaustive)"] = 9999 * 11


@settings(PROPERTY, max_examples=200)
@given(st.integers(1, 9999), st.integers(0, 10), st.sampled_from(["cn", "arabic", "full"]))
def test_finder_reads_every_article_number(n, suffix, style):
    from falv.law.find import extract

    counted("finder reads 第N条之K")
    num = {"cn": int_to_cn(n), "arabic": str(n), "full": str(n).translate(FULLWIDTH)}[style]
    text = f"《民法典》第{num}条" + (f"之{int_to_cn(suffix)}" if suffix else "")
    (c,) = extract(text, names=())
    assert (c.ref.number, c.ref.suffix) == (n, suffix) and c.span == (0, len(text))


# -- seed-format parser --------------------------------------------------------------------------

MARKERS = {"circled": "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩", "roman": "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"}


@st.composite
def seed_document(draw):
    """A seed-format document, well-formed or broken in the ways people break them."""
    style = draw(st.sampled_from(["circled", "roman", "cn", "digit"]))
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["个人信息问答汇编", "", "# 标题"])))
    for i in range(draw(st.integers(0, 5))):
        n = i + 1 if draw(st.integers(0, 9)) else draw(st.integers(1, 12))
        marker = {"circled": MARKERS["circled"][(n - 1) % 10] + " ",
                  "roman": MARKERS["roman"][(n - 1) % 10] + " ",
                  "cn": int_to_cn(n) + "、", "digit": f"{n}. "}[style]
        question = draw(st.sampled_from(["", "问题甲怎么办", "信息泄露找谁", "问：被骚扰怎么办",
                                         "问题乙是什么"]))
        lines.append(marker + question)
        for _ in range(draw(st.integers(0 if draw(st.integers(0, 9)) == 0 else 1, 4))):
            if draw(st.integers(0, 25)) == 0:
                lines.append("【未知标签】")
            lines.append(draw(st.sampled_from([
                "【法律分析】", "法律分析：", "【法律依据】", "法律依据：", "",
                "一、分析第一点。", "二、分析第二点。", "1、要点。", "2、要点。", "分析段落。",
                "《中华人民共和国民法典》第一千零三十四条 引文甲", "《刑法》第二百五十三条之一 引文乙",
                "（一）项目甲；", "\u3000\u3000缩进段落"])))
            if draw(st.integers(0, 30)) == 0:
                lines.append(draw(st.text(max_size=20)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


def check_document(doc, text: str) -> None:
    nlines = text.count("\n") + 1
    prev_end = 0
    for e in doc.entries:
        assert prev_end < e.line_start <= e.line_end <= nlines
        prev_end = e.line_end
        assert e.question and e.has_answer
        for p in e.points:
            assert e.line_start <= p.line_start <= p.line_end <= e.line_end
        if e.basis is not None:
            assert all(e.line_start <= ln <= e.line_end for ln in e.basis.lines)
            assert e.basis.line_at(len(e.basis.text)) in e.basis.lines


def test_seed_parser_structured_documents():
    from falv.kb.seedfmt import parse_bytes, parse_text

    stats = {"parsed": 0, "rejected": 0}

    @PROPERTY
    @given(seed_document())
    def prop(text):
        counted("seedfmt structured docs")
        try:
            doc = parse_text(text, "g.txt")
        except FalvError as exc:
            stats["rejected"] += 1
            assert re.fullmatch(r"g\.txt:\d+", exc.location or ""), exc.location
            assert 1 <= int(exc.location.split(":")[1]) <= text.count("\n") + 1
            return
        stats["parsed"] += 1
        check_document(doc, text)
        gb = text.encode("gb18030")
        try:
            gb.decode("utf-8")
            return  # the same bytes are valid UTF-8 (plain ASCII): nothing to compare
        except UnicodeDecodeError:
            pass
        doc_gb = parse_bytes(gb, "g.txt")
        assert doc_gb.encoding == "gb18030"
        assert [(e.question, e.line_start, e.line_end, len(e.points)) for e in doc_gb.entries] == \
            [(e.question, e.line_start, e.line_end, len(e.points)) for e in doc.entries]

    prop()
    print(f"\nseedfmt structured: {stats}")
    assert stats["parsed"] > 3 and stats["rejected"] > 3  # both sides were exercised


# -- CLI argument parsing ------------------------------------------------------------------------

def cli_exit(argv: list[str]) -> int:
    from falv.cli import main

    try:
        main(argv)
    except SystemExit as exc:
        code = exc.code
        return 0 if code is None else code if isinstance(code, int) else 1
    return 0


COUNT_KEY = st.sampled_from(["行踪轨迹", "通信内容", "征信信息", "财产信息", "住宿信息", "健康生理信息",
                             "交易信息", "其他", "车辆", "", "=", "行踪轨迹 "]) | st.text(max_size=6)
COUNT_VALUE = st.sampled_from(["60", "0", "-5", "5000", "1e3", "１２", "abc", "", "9" * 30, "3.5",
                               "nan", " 7 "]) | st.text(max_size=6)


@settings(PROPERTY, max_examples=150)
@given(st.lists(st.tuples(COUNT_KEY, st.sampled_from(["=", "＝", ":", ""]), COUNT_VALUE), max_size=4),
       st.sampled_from([None, "0", "5000", "-1", "abc", "inf", "nan", "1e400", "１０００", "3.5", ""]),
       st.sampled_from([None, "criminal", "admin", "sometimes", ""]),
       st.lists(st.sampled_from(["--insider", "--used-for-crime", "--knowing", "--grave-harm",
                                 "--major-loss", "--business", "--json", "--nope"]), max_size=3))
def test_severity_cli_arguments_exit_0_or_2(capsys, counts, gains, prior, flags):
    counted("severity CLI args")
    argv = ["severity"]
    for k, sep, v in counts:
        argv += ["--count", f"{k}{sep}{v}"]
    if gains is not None:
        argv += ["--gains", gains]
    if prior is not None:
        argv += ["--prior", prior]
    argv += flags
    code = cli_exit(argv)
    out, err = capsys.readouterr()
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err
    if code == 2:
        assert err.strip(), argv  # a message, not silence


@settings(PROPERTY, max_examples=100)
@given(st.one_of(st.text(max_size=40),
                 st.sampled_from(["快递信息泄露了怎么办", "被人肉搜索", "卖了60条行踪轨迹", "", " ", "-",
                                  "--json", "有人卖了我5000条通信记录获利3万元"])),
       st.sampled_from([None, "express_leak", "no_such_scenario", ""]),
       st.booleans())
def test_route_cli_arguments_exit_0_or_2(capsys, question, scenario, as_json):
    counted("route CLI args")
    argv = ["route"]
    if question:
        argv.append(question)
    if scenario is not None:
        argv += ["--scenario", scenario]
    if as_json:
        argv.append("--json")
    code = cli_exit(argv)
    out, err = capsys.readouterr()
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err


@settings(PROPERTY, max_examples=100)
@given(st.sampled_from([None, "access", "delete", "correct", "nosuch", ""]),
       st.lists(st.text(max_size=8) | st.sampled_from(["姓名=张三", "=x", "姓名", "不存在=1"]), max_size=3),
       st.sampled_from(["markdown", "text", "pdf"]))
def test_draft_cli_arguments_exit_0_or_2(capsys, kind, fills, fmt):
    counted("draft CLI args")
    argv = ["draft"] + ([kind] if kind is not None else [])
    for f in fills:
        argv += ["--fill", f]
    argv += ["--format", fmt]
    code = cli_exit(argv)
    out, err = capsys.readouterr()
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err


# -- more parsers: currency terms, gold normalisation, `falv verify --json` spans ----------------

@settings(PROPERTY, max_examples=150)
@given(st.one_of(st.text(max_size=80),
                 st.lists(st.sampled_from(["侵权责任法", "合同法", "工商部门", "工商行政管理部门", "民法总则",
                                           "婚姻法", "网信办", "消协", "的", "，", "\n", "公安机关"]),
                          max_size=12).map("".join)))
def test_outdated_term_spans_index_the_text(text):
    from falv.law.currency import find_outdated

    counted("outdated-term spans")
    for m in find_outdated(text):
        assert 0 <= m.span[0] < m.span[1] <= len(text)
        assert text[m.span[0]:m.span[1]] == m.text


@settings(PROPERTY, max_examples=150)
@given(st.sampled_from(["民法典", "中华人民共和国刑法", "个保法", "不存在的法", "", "《民法典》"]),
       st.one_of(st.integers(-5, 20000), st.text(max_size=12), st.none(),
                 st.sampled_from(["第一千零三十八条第二款", "1038-1039", "第44、45条", "第二百五十三条之一"])))
def test_gold_normalisation_raises_only_falv_errors(base_store, law, article):
    from falv.law.resolve import normalize_gold

    counted("normalize_gold / canonical_article_no")
    try:
        normalize_gold(base_store, law, article)
    except FalvError:
        pass
    if isinstance(article, str):
        try:
            canonical_article_no(article)
        except FalvError:
            pass


def test_verify_cli_json_spans_index_the_file(law_names, tmp_path, capsys):
    """`falv verify --json` on files written with BOM / CRLF / full-width text: every span indexes
    the decoded text, and the command exits 0 (all pass) or 1 (some fail), never anything else."""
    import json

    path = tmp_path / "doc.txt"

    @settings(PROPERTY, max_examples=60)
    @given(st.data())
    def prop(data):
        counted("verify --json CLI spans")
        text = data.draw(citation_text(law_names))
        if not text.strip():
            return
        newline, bom = data.draw(st.sampled_from(["\n", "\r\n"])), data.draw(st.booleans())
        text = text.replace("\n", newline)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        code = cli_exit(["verify", "--json", str(path)])
        out, err = capsys.readouterr()
        assert code in (0, 1), err
        for item in json.loads(out)["citations"]:
            start, end = item["span"]
            assert 0 <= start < end <= len(text)

    from falv.commands.common import store

    store.cache_clear()
    try:
        prop()
    finally:
        store.cache_clear()
