"""Statutes as JSONL → ParsedLaws: one law per line —

    {"title", "doc_type", "status", "issuing_body"?, "document_number"?, "publish_date"?,
     "effective_date"?, "version"?, "note"?, "article_count"?,
     "articles": [{"article_no": "第一条" | 1, "text": "…", "chapter"?, "section"?}, …]}

The header fields mean what they mean in markdown (law/headers.py); anything malformed is
ImportRejected at file:line.
"""

from __future__ import annotations

import json

from .. import limits
from ..errors import ImportRejected, InputError
from ..text import format_article_no, parse_article_no
from .headers import HEADER_FIELDS, build_law, canonical_title
from .parsed import ParsedArticle, ParsedLaw

# Resource limits (falv.limits), bound to names here so that a test may lower one for this module.
MAX_LINE_BYTES = limits.MAX_STATUTE_FILE_BYTES
MAX_ARTICLES = limits.MAX_ARTICLES

FIELDS = {*HEADER_FIELDS, "articles"}


def parse_jsonl(lines: list[str], name: str) -> list[ParsedLaw]:
    """One JSONL file's lines (law/parse.py split them) → its laws, in order."""
    laws = []
    for no, line in enumerate(lines, 1):
        if line.strip():
            laws.append(_law(_object(line, f"{name}:{no}"), name, no))
    if not laws:
        raise ImportRejected("文件中没有任何法规（空的 JSONL）", location=f"{name}:1")
    return laws


def _object(line: str, location: str) -> dict:
    if len(line) > MAX_LINE_BYTES:
        raise ImportRejected("行过长", location=location)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）", location=location) from exc
    if not isinstance(obj, dict):
        raise ImportRejected("每行必须是一个 JSON 对象（一部法规）", location=location)
    unknown = sorted(set(obj) - FIELDS)
    if unknown:
        raise ImportRejected(f"未知字段：{', '.join(unknown)}", location=location,
                             hint="允许的字段：" + ", ".join(sorted(FIELDS)))
    return obj


def _law(obj: dict, name: str, no: int) -> ParsedLaw:
    location = f"{name}:{no}"
    header: dict[str, tuple[str, int]] = {}
    for key in FIELDS - {"articles"}:
        v = obj.get(key)
        if v is None:
            continue
        if not isinstance(v, (str, int)) or isinstance(v, bool):
            raise ImportRejected(f"字段 {key} 必须是字符串", location=location)
        header[key] = (str(v).strip(), no)
    if not header.get("title", ("", 0))[0]:
        raise ImportRejected("缺少 title", location=location)
    raw_articles = obj.get("articles")
    if not isinstance(raw_articles, list) or not raw_articles:
        raise ImportRejected("没有条文（articles 为空或缺失）", location=location)
    if len(raw_articles) > MAX_ARTICLES:
        raise ImportRejected(f"条文过多（上限 {MAX_ARTICLES} 条）", location=location)
    articles: list[ParsedArticle] = []
    seen: set[str] = set()
    for i, item in enumerate(raw_articles):
        article = _article(item, f"articles[{i}]", location, no)
        if article.article_no in seen:
            raise ImportRejected(f"条号重复：{article.article_no}", location=location)
        seen.add(article.article_no)
        articles.append(article)
    raw_title = header["title"][0]
    title, remark = canonical_title(raw_title)
    return build_law(name, header, title, raw_title, remark, articles, None)


def _article(item, where: str, location: str, no: int) -> ParsedArticle:
    if not isinstance(item, dict):
        raise ImportRejected(f"{where} 必须是对象", location=location)
    no_value, text = item.get("article_no"), item.get("text")
    if isinstance(no_value, bool) or not isinstance(no_value, (str, int)):
        raise ImportRejected(f"{where} 缺少 article_no", location=location)
    try:
        number, suffix = parse_article_no(str(no_value))
    except InputError as exc:
        raise ImportRejected(f"{where}：{exc.message}", location=location) from exc
    if not isinstance(text, str) or not text.strip():
        raise ImportRejected(f"{where} 没有正文（text）", location=location)
    chapter, section = item.get("chapter"), item.get("section")
    return ParsedArticle(format_article_no(number, suffix), number, suffix, text.strip(),
                         chapter if isinstance(chapter, str) and chapter else None,
                         section if isinstance(section, str) and section else None, no)
