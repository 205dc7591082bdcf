"""LawRefBook-style markdown → one ParsedLaw (see ../shared/data/statutes/*.md).

    ---                      optional front matter: `key: "value"` (YAML scalars)
    title: "…"               title, doc_type, issuing_body, document_number, publish_date,
    status: "现行有效（…）"     effective_date, status, article_count, version, notes, …
    ---
    # 标题
    （题注）
    ## 第一章 总则           chapters (## 第X章 / 第X编), sections (### 第X节)
    第一条 正文              an article starts with 第X条[之Y] + space; the paragraphs that follow
    续段                     belong to it (joined with a newline, as in the base database)
    附：                     an appendix after the last article is not an article (skipped)

A document without any 第X条 line (an NPCSC 决定) numbers its items 一、二、…; they are stored as
第一条, 第二条 …, the way they are cited. A LawRefBook file without front matter has dated lines
before `<!-- INFO END -->`, and one without any numbered article is stored as one article, 全文.
Anything malformed is ImportRejected with file:line; the header's fields are law/headers.py's.
"""

from __future__ import annotations

import re

from .. import limits
from ..errors import ImportRejected, InputError
from ..limits import LimitExceeded
from ..text import CN_NUMERAL_CHARS, cn_to_int, format_article_no, parse_article_no
from .headers import HEADER_FIELDS, build_law, canonical_title
from .lawrefbook import INFO_END, Hints
from .models import FULL_TEXT
from .parsed import ParsedArticle, ParsedLaw

# Resource limits (falv.limits), bound to names here so that a test may lower one for this module.
MAX_LINE_CHARS = limits.MAX_LINE_CHARS
MAX_ARTICLES = limits.MAX_ARTICLES

_NUM = f"[{CN_NUMERAL_CHARS}0-9０-９]+"
_ARTICLE_RE = re.compile(
    rf"^(?:\*\*)?第\s*(?P<num>{_NUM})\s*条(?:之(?P<suf>[一二三四五六七八九十0-9]+))?(?:\*\*)?"
    r"(?:[ \t\u3000]+(?P<rest>.*))?$")
_ITEM_RE = re.compile(r"^(?P<num>[一二三四五六七八九十百]+)、(?P<rest>.*)$")
_DIVISION_RE = re.compile(rf"^第\s*{_NUM}\s*(?P<kind>[编章节])(?:[ \t\u3000]+(?P<name>.*))?$")
# a line that is only an appendix marker ("附：", "附件1", "附录") ends the articles
_APPENDIX_RE = re.compile(r"^(?:附|附件|附录|附表)[一二三四五六七八九十0-9]*[：:]?$")
_WS_RE = re.compile(r"[ \t\u3000]+")


def parse_markdown(lines: list[str], name: str, hints: Hints | None = None) -> ParsedLaw:
    """One markdown file's lines (law/parse.py split them) → its law; `hints` is what its place
    in a LawRefBook layout says."""
    for no, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            raise ImportRejected(f"行过长（{len(line)} 字符，上限 {MAX_LINE_CHARS}）", location=f"{name}:{no}")
    header, start = _front_matter(lines, name)
    body = [(no, _strip(line)) for no, line in enumerate(lines[start:], start + 1)]
    has_info_end = any(s == INFO_END for _, s in body)
    scan = _Body(name, itemised=not any(_ARTICLE_RE.match(s) for _, s in body if s),
                 in_info=has_info_end)
    for no, s in body:
        scan.line(no, s)
    scan.close()
    _check_articles(scan, header, lawrefbook_layout=has_info_end or (hints is not None and hints.lawrefbook))
    raw_title, title, remark = _title(scan, header, name)
    law = build_law(name, header, title, raw_title, remark, scan.articles, _caption(scan), hints,
                    scan.info)
    if scan.appendix:
        law.add_note(f"附件：最后一条之后的附件（{len(scan.appendix)} 段）未作为条文导入")
    return law


class _Body:
    """The body, read line by line: headings (the title, 编/章/节), articles and the paragraphs
    that follow each, the preamble before the first article, LawRefBook's dated info lines and
    an appendix after the last article (lines after an appendix marker, until proven otherwise)."""

    def __init__(self, name: str, itemised: bool, in_info: bool):
        self.name = name
        self.itemised = itemised  # no 第X条 anywhere: the articles are 一、二、…
        self.in_info = in_info  # before <!-- INFO END -->
        self.info: list[str] = []
        self.heading: tuple[str, int] | None = None  # "# 标题" and its line
        self.part = self.chapter = self.section = None
        self.articles: list[ParsedArticle] = []
        self.seen: dict[str, int] = {}  # article number → line
        self.preamble: list[str] = []
        self.preamble_line = 0
        self.paragraphs: list[str] = []  # of the article being read
        self.appendix: list[str] | None = None

    def line(self, no: int, s: str) -> None:
        if s == INFO_END:
            self.in_info = False
        elif not s or s.startswith("<!--"):  # other HTML comments
            pass
        elif self.in_info and not s.startswith("#"):
            self.info.append(s)
        elif s.startswith("#"):
            self._heading(no, s)
        elif not self._article(no, s):
            self._text(no, s)

    def close(self) -> None:
        if self.articles and self.paragraphs:
            self.articles[-1].text = "\n".join(self.paragraphs)

    def _not_an_appendix(self) -> None:
        """More articles follow: what looked like an appendix was part of the previous article."""
        if self.appendix is not None:
            self.paragraphs.extend(self.appendix)
            self.appendix = None

    def _heading(self, no: int, s: str) -> None:
        level = len(s) - len(s.lstrip("#"))
        title_text = s[level:].strip()
        if level == 1 and self.heading is None:
            self.heading = (title_text, no)
            return
        m = _DIVISION_RE.match(title_text)
        if not m:
            if self.articles:  # an unnumbered heading after the articles starts an appendix
                self.appendix = (self.appendix or []) + [title_text]
            return
        self._not_an_appendix()
        label = _division_label(m)
        kind = m.group("kind")
        if kind == "编":
            self.part, self.chapter, self.section = label, None, None
        elif kind == "章":
            self.chapter, self.section = label, None
        else:
            self.section = label

    def _article(self, no: int, s: str) -> bool:
        """Whether the line starts an article (and if so, start it)."""
        try:
            new = _match_article(s, self.itemised, len(self.articles))
        except LimitExceeded as exc:  # 第<5000 digits>条: an article heading past the bounds
            raise ImportRejected(exc.message, location=f"{self.name}:{no}") from None
        if new is None:
            return False
        number, suffix, rest = new
        article_no = format_article_no(number, suffix)
        if article_no in self.seen:
            raise ImportRejected(f"条号重复：{article_no}（第 {self.seen[article_no]} 行已有）",
                                 location=f"{self.name}:{no}")
        if len(self.articles) >= MAX_ARTICLES:
            raise ImportRejected(f"条文过多（上限 {MAX_ARTICLES} 条）", location=f"{self.name}:{no}")
        self._not_an_appendix()
        self.close()
        self.seen[article_no] = no
        self.paragraphs = [rest] if rest else []
        full_chapter = " ".join(x for x in (self.part, self.chapter) if x) or None
        self.articles.append(ParsedArticle(article_no, number, suffix, "", full_chapter, self.section, no))
        return True

    def _text(self, no: int, s: str) -> None:
        if self.appendix is not None:
            self.appendix.append(s)
        elif self.articles and _APPENDIX_RE.match(s):
            self.appendix = [s]
        elif self.articles:
            self.paragraphs.append(s)
        else:
            self.preamble_line = self.preamble_line or no
            self.preamble.append(s)


def _check_articles(scan: _Body, header: dict, lawrefbook_layout: bool) -> None:
    """Every article has text; a one-paragraph LawRefBook instrument (批复, 决定 …) becomes one
    article, 全文; a file with no article at all is rejected."""
    name = scan.name
    for art in scan.articles:
        if not art.text:
            raise ImportRejected(f"{art.article_no} 没有正文", location=f"{name}:{art.line}")
    if not scan.articles and lawrefbook_layout and not header and scan.preamble:
        scan.articles.append(ParsedArticle(FULL_TEXT, 0, 0, "\n".join(scan.preamble), None, None,
                                           scan.preamble_line))
        scan.preamble = []
    if not scan.articles:
        title_loc = header.get("title", (None, 1))[1]
        raise ImportRejected("没有找到任何条文（第X条 或 一、二、… 分项）",
                             location=f"{name}:{scan.heading[1] if scan.heading else title_loc}",
                             hint="条号后须有空格，如“第一条 ……”")


def _title(scan: _Body, header: dict, name: str) -> tuple[str, str, str | None]:
    """(title as written, canonical title, version remark): the header's, which must agree with
    the "# 标题" line where both are given."""
    heading = scan.heading
    raw_title = header["title"][0] if "title" in header else (heading[0] if heading else None)
    if not raw_title:
        raise ImportRejected("缺少标题：既无文件头 title，也无“# 标题”行", location=f"{name}:1")
    title, remark = canonical_title(raw_title)
    if heading and "title" in header:
        heading_title, _ = canonical_title(heading[0])
        if heading_title != title:
            raise ImportRejected(f"标题不一致：文件头为“{raw_title}”，正文标题为“{heading[0]}”",
                                 location=f"{name}:{heading[1]}")
    return raw_title, title, remark


def _caption(scan: _Body) -> str | None:
    """The 题注 under the title, else LawRefBook's info lines."""
    caption = scan.preamble[0] if scan.preamble and scan.preamble[0][:1] in "（(" else None
    if scan.info and not caption:
        caption = "；".join(scan.info)
    return caption


def _strip(line: str) -> str:
    return line.strip().strip("\u3000").strip()


def _division_label(m: re.Match) -> str:
    """'第一章 总 则' / '第 一 章 总则' → '第一章 总则' (the base database's spelling)."""
    head = _WS_RE.sub("", m.string[m.start():m.end("kind")])
    name = _WS_RE.sub("", m.group("name") or "")
    return f"{head} {name}" if name else head


def _match_article(s: str, itemised: bool, count: int) -> tuple[int, int, str] | None:
    """(number, suffix, text after the number) when the line starts an article, else None."""
    if not itemised:
        m = _ARTICLE_RE.match(s)
        if not m:
            return None
        try:
            number, suffix = parse_article_no(f"第{m.group('num')}条" +
                                              (f"之{m.group('suf')}" if m.group("suf") else ""))
        except LimitExceeded:
            raise
        except InputError:
            return None
        return number, suffix, (m.group("rest") or "").strip()
    m = _ITEM_RE.match(s)
    if not m:
        return None
    try:
        number = cn_to_int(m.group("num"))
    except LimitExceeded:
        raise
    except InputError:
        return None
    # items run 一、二、三…; a 一、 inside an item's text is a list, not the next item
    if number != count + 1:
        return None
    return number, 0, m.group("rest").strip()


def _front_matter(lines: list[str], name: str) -> tuple[dict[str, tuple[str, int]], int]:
    """(header, index of the first body line): the `---` block at the top, if any."""
    if not (lines and lines[0].strip() == "---"):
        return {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise ImportRejected("文件头（---）没有结束行", location=f"{name}:1")
    return _parse_front_matter(lines[1:end], name, first_line=2), end + 1


def _parse_front_matter(lines: list[str], name: str, first_line: int) -> dict[str, tuple[str, int]]:
    """YAML scalars only (key: "value"); returns key → (value text, line number)."""
    import yaml

    try:
        node = yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise ImportRejected(f"文件头不是有效的 YAML：{exc.problem or exc}", location=f"{name}:{line}") from exc
    except yaml.YAMLError as exc:
        raise ImportRejected(f"文件头不是有效的 YAML：{exc}", location=f"{name}:{first_line}") from exc
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise ImportRejected("文件头必须是“键: 值”形式", location=f"{name}:{first_line}")
    header: dict[str, tuple[str, int]] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        key = str(key_node.value)
        if key in header:
            raise ImportRejected(f"文件头字段重复：{key}", location=f"{name}:{line}")
        if not isinstance(value_node, yaml.ScalarNode):
            if key in HEADER_FIELDS:
                raise ImportRejected(f"文件头字段 {key} 必须是单个值", location=f"{name}:{line}")
            continue
        value = value_node.value
        if value_node.tag.endswith(":null") and not value_node.style:
            value = ""
        header[key] = (str(value).strip(), line)
    return header
