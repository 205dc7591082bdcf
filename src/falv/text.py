"""Text normalisation and Chinese numerals.

Everything that compares Chinese legal text goes through here, so that full-width and half-width
forms, traditional characters and whitespace never make two equal texts look different.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import InputError
from .limits import check_article_number, check_numeral

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3,
           "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
           "九": 9, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10000}
_CN_DIGITS = "零一二三四五六七八九"
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)
# The one numeral grammar of article/clause numbers, as regex pieces (cn_to_int reads both):
# Arabic digits of either width, or Chinese digits and units. A caller scanning untrusted text
# bounds the repetition.
ARABIC_NUMERAL = "[0-9０-９]"
CN_NUMERAL = f"[{CN_NUMERAL_CHARS}]"

# Punctuation folded to one form before texts are compared (quotes in Q&A use either width).
_PUNCT_FOLD = str.maketrans({
    "，": ",", "。": ".", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?",
    "“": '"', "”": '"', "‘": "'", "’": "'", "、": ",", "【": "[", "】": "]", "《": "<", "》": ">",
    "—": "-", "–": "-", "－": "-", "～": "~", "·": ".", "．": ".",
})
# str.translate with a dict looks up every character of a CJK text in Python objects (a quarter
# of a KB ingest's CPU time, issue 11): fold only the runs/characters that occur instead.
_PUNCT_PAIRS = tuple((chr(k), v) for k, v in _PUNCT_FOLD.items())
_WS = re.compile(r"\s+")


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULLWIDTH_RUN = re.compile("[\uff01-\uff5e\u3000]+")


def _fold_run(m: re.Match) -> str:
    return m.group().translate(_HALFWIDTH)


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (U+FF01–FF5E) and the ideographic space become half-width."""
    return _FULLWIDTH_RUN.sub(_fold_run, text)


def _fold_punct(text: str) -> str:
    """text.translate(_PUNCT_FOLD), one C-level replace per punctuation mark that occurs."""
    for mark, plain in _PUNCT_PAIRS:
        if mark in text:
            text = text.replace(mark, plain)
    return text


@lru_cache(maxsize=2)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str, phrases: bool = False) -> str:
    """Traditional → simplified characters (OpenCC t2s). With phrases=True, text that contains
    traditional characters is also converted phrase by phrase (tw2sp: 資訊→信息, 軟體→软件)."""
    if not text or text.isascii():
        return text
    simplified = _opencc("t2s").convert(text)
    if phrases and simplified != text:
        return _opencc("tw2sp").convert(text)
    return simplified


# Lines, points and quotes repeat a great deal in a Q&A corpus (the same article quoted under many
# questions): short texts are memoised; long ones (whole documents) are not kept alive.
MEMO_MAX_LEN = 512


def normalize(text: str) -> str:
    """The form in which questions and documents are processed: half-width digits and letters,
    simplified characters, single spaces; Chinese punctuation is kept."""
    return _normalize_short(text) if len(text) <= MEMO_MAX_LEN else _normalize(text)


def _normalize(text: str) -> str:
    text = to_simplified(to_halfwidth(text), phrases=True)
    return _WS.sub(" ", text).strip()


def fold_for_compare(text: str) -> str:
    """Canonical form for equality of quoted and stored text: punctuation width, whitespace,
    traditional characters and letter case do not count."""
    return _fold_short(text) if len(text) <= MEMO_MAX_LEN else _fold(text)


def _fold(text: str) -> str:
    text = to_simplified(to_halfwidth(text))
    return _WS.sub("", _fold_punct(text)).lower()


_normalize_short = lru_cache(maxsize=1 << 16)(_normalize)
_fold_short = lru_cache(maxsize=1 << 16)(_fold)


def cn_to_int(numeral: str) -> int:
    """一千零三十八 → 1038; also accepts Arabic digits (full- or half-width) and 两/〇."""
    s = check_numeral(to_halfwidth(numeral).strip())  # int() of 5,000 digits raises, of 4,000 is slow
    if not s:
        raise InputError("空的数字")
    if s.isdecimal():  # not isdigit: ² and ① are digits that int() refuses
        return int(s)
    total = 0
    section = 0  # value below 万
    digit = None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch] if digit is None else digit * 10 + _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit == 10000:
                section += digit or 0
                total += (section or 1) * 10000
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            raise InputError(f"无法识别的数字：{numeral}")
    return total + section + (digit or 0)


def int_to_cn(n: int) -> str:
    """1038 → 一千零三十八, 10 → 十, 110 → 一百一十 (the form statutes use for article numbers)."""
    if not isinstance(n, int) or n < 0:
        raise InputError(f"无法转换的数字：{n!r}")
    if n == 0:
        return "零"
    if n >= 100000000:
        raise InputError(f"数字过大：{n}")
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = _below_10000(low, leading=False) if low else ""
        if low and low < 1000:
            rest = "零" + rest
        return _below_10000(high, leading=True) + "万" + rest
    return _below_10000(n, leading=True)


def _below_10000(n: int, leading: bool) -> str:
    parts = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            if unit == "十" and d == 1 and not parts and leading:
                parts.append("十")
            else:
                parts.append(_CN_DIGITS[d] + unit)
        elif parts:
            zero_pending = True
    return "".join(parts)


_ARTICLE_RE = re.compile(
    r"^\s*第?\s*(?P<num>[0-9０-９]+|[" + CN_NUMERAL_CHARS + r"]+)\s*条?\s*(?:之\s*(?P<suffix>[0-9０-９]+|[一二三四五六七八九十]+))?\s*$"
)


def parse_article_no(text: str) -> tuple[int, int]:
    """'第二百五十三条之一' / '253之一' / '第1038条' / '1038' → (number, suffix); suffix 0 = none."""
    m = _ARTICLE_RE.match(to_halfwidth(text or ""))
    if not m:
        raise InputError(f"无法识别的条号：{text}", hint="例如 第一千零三十八条、1038、第二百五十三条之一")
    num = check_article_number(cn_to_int(check_numeral(m.group("num"), "条号")), m.group("num"))
    suffix = cn_to_int(m.group("suffix")) if m.group("suffix") else 0
    check_article_number(suffix, m.group("suffix") or "")
    if num <= 0:
        raise InputError(f"条号必须大于零：{text}")
    return num, suffix


def format_article_no(num: int, suffix: int = 0) -> str:
    """(253, 1) → 第二百五十三条之一."""
    text = f"第{int_to_cn(num)}条"
    if suffix:
        text += f"之{int_to_cn(suffix)}"
    return text


def canonical_article_no(text: str) -> str:
    """Any spelling of an article number → the statute's own spelling (第X条[之Y])."""
    return format_article_no(*parse_article_no(text))


def md_text(text: str) -> str:
    """Text placed into Markdown output (a KB answer, a --fill value, a stored article): HTML in it
    is escaped, so whoever renders the Markdown shows the markup instead of running it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
