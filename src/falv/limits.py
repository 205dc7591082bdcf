"""Every bound on what comes from outside (sizes, lengths, counts), in one place, and the one
check of a text argument. Why one place: the same limit used to live in three modules with three
values; docs/errors.md ("Limits") lists these names.
"""

from __future__ import annotations

import os

from .errors import InputError

MAX_QUESTION_CHARS = 2000  # a question or search query (ask, search, route; CLI, HTTP, MCP)
MAX_TEXT_BYTES = 10 * 1024 * 1024  # text to verify: `falv verify` reads at most this + 1 bytes
MAX_TEXT_CHARS = MAX_TEXT_BYTES  # the same text decoded (never more characters than bytes)
MAX_CITATIONS = 100_000  # citations in one text (~0.6 KB each while verified)
MAX_TOP = 100  # search results asked for
MAX_NAME_CHARS = 200  # a law name or file name given as an argument
MAX_ARTICLE_CHARS = 40  # an article number given as an argument (第二百五十三条之一第二款)
MAX_SCENARIO_CHARS = 64  # a scenario id
MAX_FILES = 50  # files in one upload (HTTP import / ingest)
MAX_BODY_BYTES = int(os.environ.get("FALV_MAX_BODY_BYTES", 2 * 1024 * 1024))  # one HTTP request
MAX_STATUTE_FILE_BYTES = 32 * 1024 * 1024  # one statute file to import
MAX_LINE_CHARS = 200_000  # one line of a statute file
MAX_ARTICLES = 20_000  # articles in one imported instrument
MAX_SEED_FILE_BYTES = 64 * 1024 * 1024  # one Q&A source document


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
    work on it), no NUL, not blank. Returns the value unchanged."""
    check_length(value, what, limit, long_hint)
    if "\x00" in value:
        raise InputError(f"{what}含有非文本字符（NUL）")
    if not value.strip():
        raise InputError(f"{what}为空", hint=empty_hint)
    return value


QUESTION_HINT = "请用中文描述您遇到的情况，例如：快递信息泄露了怎么办"


def check_question(value, what: str = "问题") -> str:
    """A question (ask, search, route): at most MAX_QUESTION_CHARS characters."""
    return check_text(value, what, MAX_QUESTION_CHARS, empty_hint=QUESTION_HINT,
                      long_hint="请概括后再提问")
