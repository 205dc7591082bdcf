"""Every bound on what comes from outside, in one place, and the checked parsers that apply them.

Why one place: the same limit used to live in three modules with three values; docs/errors.md
("Limits") lists these names. Numbers from outside (counts, amounts, article numbers, `top`, dates,
numerals in questions and files) are checked for length and range here *before* any arithmetic:
Python's int() and Fraction() expand whatever they are given (Fraction("1e99999999") runs for
minutes, int() of 5,000 digits raises), so nothing else may see an unchecked string. Plain
constants and small pure functions only (layer 1: imports nothing but errors).
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import PurePath
from fractions import Fraction

from .errors import InputError

# -- numbers ------------------------------------------------------------------------------------
MAX_NUMERAL_CHARS = 24  # a Chinese or Arabic numeral (一千二百三十四万五千六百七十八 is 15)
MAX_ARTICLE_NUMBER = 99_999  # 第N条 / 之N (the longest law, 民法典, has 1,260 articles)
MAX_COUNT = 10 ** 12  # records per category (severity)
MAX_AMOUNT = 10 ** 15  # yuan (severity gains)
MAX_AMOUNT_CHARS = 40  # the text of an amount, before it is parsed
MAX_EXPONENT = 18  # 1e18 is written so; 1e99999999 is refused before it is expanded
MAX_TOP = 100  # search results asked for
MAX_ENTRY_NUMBER = 10 ** 9 - 1  # a seed-format entry number (1. … 999999999.)

# -- text ---------------------------------------------------------------------------------------
MAX_QUESTION_CHARS = 2000  # a question or search query (ask, search, route; CLI, HTTP, MCP)
MAX_TEXT_BYTES = 10 * 1024 * 1024  # text to verify: `falv verify` reads at most this + 1 bytes
MAX_TEXT_CHARS = MAX_TEXT_BYTES  # the same text decoded (never more characters than bytes)
MAX_REFERENCE_CHARS = 20_000  # an eval item's reference answer, read for the numbers it quotes under
MAX_QUOTE_SOURCES = 200  # mismatched quotes of one text whose source article is looked for
MAX_GENERAL_ENTRIES = 200  # shortest KB questions read for their kind of case (general answers)
MAX_CITATIONS = 100_000  # citations in one text (~0.6 KB each while verified)
# work budgets of one text to verify (issue 22): what a request may cost is bounded by these, not by
# how the text is laid out (one line of 50,000 citations, quotes that overlap)
MAX_SCAN_CHARS = 2 * 10 * 1024 * 1024  # the text once plus every quote compared (quotes may overlap)
MAX_DIFF_CHARS = 500_000  # characters of quotes that differ from their article (and of those
#                           articles) compared character by character (difflib: ~10 µs each)
MAX_DIFF_SPAN = 3000  # characters of a quote and of an article that one comparison reads
VERIFY_BATCH = 256  # citations verified per hold of the engine lock (other requests go between)
MAX_NAME_CHARS = 200  # a law name or file name given as an argument
MAX_ARTICLE_CHARS = 40  # an article number given as an argument (第二百五十三条之一第二款)
MAX_SCENARIO_CHARS = 64  # a scenario id

# -- JSON from outside (HTTP bodies, MCP lines), checked before it is parsed ----------------------
MAX_JSON_DEPTH = 32  # nesting of [ and { (the deepest request falv takes has 3)
MAX_JSON_NUMBER_CHARS = 40  # a number literal (int() refuses 4,300 digits; counts are ≤ 13)
MAX_MCP_LINE_BYTES = 2 * 1024 * 1024  # one JSON-RPC message over stdio (as an HTTP body)

# -- files and uploads --------------------------------------------------------------------------
MAX_FILES = 50  # files in one upload (HTTP import / ingest)
MAX_BODY_BYTES = int(os.environ.get("FALV_MAX_BODY_BYTES", 2 * 1024 * 1024))  # one HTTP request
MAX_STATUTE_FILE_BYTES = 32 * 1024 * 1024  # one statute file to import
MAX_LINE_CHARS = 200_000  # one line of a statute file
MAX_ARTICLES = 20_000  # articles in one imported instrument
MAX_SEED_FILE_BYTES = 64 * 1024 * 1024  # one Q&A source document
MAX_KB_IMPORT_BYTES = 1024 * 1024 * 1024  # a `falv kb export --jsonl` file read by `kb import`
MAX_EVAL_FILE_BYTES = 64 * 1024 * 1024  # an eval set read by `falv eval`

# -- serving ------------------------------------------------------------------------------------
# after SIGTERM/SIGINT, `falv serve` finishes the requests in flight for at most this long, then
# exits anyway (a request's work runs in a thread that uvicorn's graceful shutdown would wait for)
SHUTDOWN_GRACE_S = float(os.environ.get("FALV_SHUTDOWN_GRACE_S", 3))
# threads that run requests in one `falv serve` worker (anyio's default is 40): the quick
# endpoints (ask, search, articles, route, …) and, apart, verify and the imports (seconds each)
SERVE_THREADS = int(os.environ.get("FALV_SERVE_THREADS", 1))
SLOW_THREADS = int(os.environ.get("FALV_SLOW_THREADS", 2))
SLOW_TEXT_CHARS = 20_000  # a text to verify longer than this runs in the pool of slow requests

# -- LawRefBook metadata (db.sqlite3 from outside: data, read under budgets) ---------------------
MAX_META_ROWS = 50_000  # rows of its `law` table (1,595 in 2025)
MAX_META_STEPS = 50_000_000  # SQLite VM instructions to read them (the real table: ~0.2 M)
MAX_META_VALUE_CHARS = 64 * 1024  # one value (a name, a date): longer ones stop the read

# -- store --------------------------------------------------------------------------------------
MAX_QUICK_CHECK_BYTES = 256 * 1024 * 1024  # PRAGMA quick_check on open up to here (~1 ms/MB)


class LimitExceeded(InputError):
    """A number or text past one of the bounds above (still invalid_input, HTTP 422, exit 2);
    a subclass so that a parser which skips unparsable text can still report a limit."""


class Budget:
    """An allowance of work for one request (characters read, rows read): spend() past the limit
    raises LimitExceeded with the message given, so a request's cost is bounded by its budget, not
    by the shape of its input."""

    def __init__(self, limit: int, message: str, hint: str | None = None):
        self.limit = limit
        self.left = limit
        self.message = message
        self.hint = hint

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise LimitExceeded(self.message, hint=self.hint)

_AMOUNT = re.compile(r"(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]+))?")
_ASCII_INT = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_numeral(text: str, what: str = "数字") -> str:
    """A numeral's text is short enough to be turned into an int without unbounded work."""
    if len(text) > MAX_NUMERAL_CHARS:
        raise LimitExceeded(f"{what}过长（{len(text)} 个字符，上限 {MAX_NUMERAL_CHARS}）")
    return text


def check_article_number(n: int, text: str = "") -> int:
    """An article number (or its 之N suffix) within MAX_ARTICLE_NUMBER."""
    if n > MAX_ARTICLE_NUMBER:
        raise LimitExceeded(f"条号过大：{_clip(text or str(n))}（上限 {MAX_ARTICLE_NUMBER}）")
    return n


def parse_count(value, what: str) -> int:
    """A non-negative whole count (int, integral float or ASCII/full-width digits) ≤ MAX_COUNT.
    Booleans, ², ①, --5 and 5000-digit strings are refused before int() sees them."""
    if isinstance(value, bool):
        raise InputError(f"{what} 的条数必须是整数：{value!r}")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    elif isinstance(value, str):
        text = value.strip()
        negative = text.startswith("-")
        digits = text[1:] if negative else text
        if not _ASCII_INT.fullmatch(digits):
            raise InputError(f"{what} 的条数必须是整数：{_clip(value)!r}")
        if len(digits.lstrip("0")) > len(str(MAX_COUNT)):
            raise LimitExceeded(f"{what} 的条数过大（上限 {MAX_COUNT}）")
        n = -int(digits) if negative else int(digits)
    else:
        raise InputError(f"{what} 的条数必须是整数：{_clip(repr(value))}")
    if n < 0:
        raise InputError(f"{what} 的条数不能为负数：{n}")
    if n > MAX_COUNT:
        raise LimitExceeded(f"{what} 的条数过大（上限 {MAX_COUNT}）")
    return n


def parse_amount(text: str, what: str = "违法所得", shown: str | None = None) -> Fraction:
    """Decimal text (1234.5, 1,234, 2e4) → an exact Fraction, checked for length and exponent
    before Fraction expands it, and for range after. Sign and other characters are the caller's;
    `shown` is the text as the user gave it (with its sign), quoted in the messages."""
    shown = text if shown is None else shown
    if len(text) > MAX_AMOUNT_CHARS:
        raise LimitExceeded(f"{what}过长（{len(shown)} 个字符，上限 {MAX_AMOUNT_CHARS}）")
    m = _AMOUNT.fullmatch(text)
    if not m or not (m.group("int") or m.group("frac")):
        raise InputError(f"{what}必须是数字（元）：{_clip(shown)!r}")
    exp = m.group("exp")
    if exp is not None and abs(int(exp)) > MAX_EXPONENT:  # ≤ MAX_AMOUNT_CHARS digits: bounded
        raise LimitExceeded(f"{what}的指数超出范围：{_clip(shown)}（上限 {MAX_AMOUNT}）")
    amount = Fraction(text)
    if amount > MAX_AMOUNT:
        raise LimitExceeded(f"{what}过大：{_clip(shown)}（上限 {MAX_AMOUNT}）")
    return amount


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def check_amount_text(value, what: str = "违法所得") -> None:
    """An amount given as text, checked where it comes in (the façade), before the domain reads
    it: an empty text is not 0 (issue 22: "gains": "" was taken as 0), and a negative amount
    refused for its length, exponent or size keeps its minus sign in the message (-1e99999…)."""
    if not isinstance(value, str):
        return
    text = value.translate(_HALFWIDTH).strip().replace(",", "")
    if not text:
        raise InputError(f"{what}为空", hint="没有违法所得时请填 0")
    if text.startswith("-"):
        parse_amount(text[1:], what, shown=text)


def check_top(top) -> int:
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise InputError(f"top 应在 1 到 {MAX_TOP} 之间：{_clip(repr(top))}")
    return top


def parse_date(text, what: str = "日期") -> str:
    """YYYY-MM-DD of a real calendar day (2020-13-45 is refused), returned as given."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise InputError(f"{what}格式应为 YYYY-MM-DD：{_clip(str(text))}")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what}不存在：{text}") from None
    return text


def check_encodable(value: str, what: str, nul: bool = True) -> str:
    """Text that can be encoded: lone surrogates (from JSON "\\ud800" or undecodable command-line
    bytes) and NUL are refused with the position of the first."""
    bad = (_NOT_TEXT if nul else _SURROGATE).search(value)
    if bad:
        ch = bad.group()
        kind = "NUL" if ch == "\x00" else f"U+{ord(ch):04X}"
        raise InputError(f"{what}不是有效的文本：第 {bad.start() + 1} 个字符是 {kind}")
    return value


def _clip(text: str, n: int = 40) -> str:
    """Inputs quoted back in an error message are shortened: a 5,000-digit number is not echoed."""
    return text if len(text) <= n else text[:n] + f"…（共 {len(text)} 个字符）"


def check_length(value, what: str, limit: int, hint: str | None = None) -> str:
    """A text of at most `limit` characters (the length part of check_text, for library entry
    points that accept an empty text or NUL)."""
    if not isinstance(value, str):
        raise InputError(f"{what}必须是文本")
    if len(value) > limit:
        raise InputError(f"{what}过长：{len(value)} 字（上限 {limit} 字）", hint=hint)
    return value


def check_text(value, what: str = "问题", limit: int = MAX_QUESTION_CHARS,
               empty_hint: str | None = None, long_hint: str | None = None) -> str:
    """The one check of a text argument: text, within `limit` characters (checked before any
    work on it), no NUL or lone surrogate, not blank. Returns the value unchanged."""
    check_length(value, what, limit, long_hint)
    if "\x00" in value:
        raise InputError(f"{what}含有非文本字符（NUL）")
    check_encodable(value, what, nul=False)
    if not value.strip():
        raise InputError(f"{what}为空", hint=empty_hint)
    return value


QUESTION_HINT = "请用中文描述您遇到的情况，例如：快递信息泄露了怎么办"


def check_question(value, what: str = "问题") -> str:
    """A question (ask, search, route): at most MAX_QUESTION_CHARS characters."""
    return check_text(value, what, MAX_QUESTION_CHARS, empty_hint=QUESTION_HINT,
                      long_hint="请概括后再提问")


def check_uploads(files: list[tuple[str, str]]) -> list[tuple[str, bytes]]:
    """Uploaded (name, text) pairs checked — a file name of the kinds imported, no directories,
    no NUL or lone surrogate — as (name, UTF-8 bytes)."""
    if not files:
        raise InputError("没有要导入的文件")
    if len(files) > MAX_FILES:
        raise InputError(f"一次最多导入 {MAX_FILES} 个文件")
    out = []
    for i, (name, text) in enumerate(files):
        check_encodable(name or "", f"第 {i + 1} 个文件名")
        base = PurePath(name or f"file{i}.md").name  # no directories from the client
        if not base or base.startswith(".") or not base.endswith((".md", ".jsonl", ".txt")):
            raise InputError(f"文件名不可用：{name!r}", hint="应为 *.md、*.jsonl 或 *.txt")
        if not isinstance(text, str):
            raise InputError(f"文件 {base} 的内容必须是文本")
        check_encodable(text.replace("\x00", " "), f"文件 {base} 的内容")  # NUL: the importer's message
        out.append((base, text.encode("utf-8")))
    return out
