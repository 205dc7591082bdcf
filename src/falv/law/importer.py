"""Statute importer: LawRefBook-style markdown and JSONL → falv's own store, in one transaction.

Why one transaction for the whole batch: `falv statutes import a.md b.md` must never leave half a
batch behind (a killed import, a rejected second file). Every file is parsed and validated first;
only then is one `db.write_transaction` opened, so by default a malformed file writes nothing at
all. With keep_going (real corpora are messy) the files that parse are written, still in one
transaction, and each rejected one is reported with file:line and reason.

What is read: files, folders and archives (law/sources.py); what LawRefBook's layout says about a
file without front matter — category, dates, expired, versions — comes from law/lawrefbook.py.

Markdown shape (see ../shared/data/statutes/*.md):

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
第一条, 第二条 …, the way they are cited.

JSONL shape: one law per line —
    {"title", "doc_type", "status", "issuing_body"?, "document_number"?, "publish_date"?,
     "effective_date"?, "version"?, "note"?, "article_count"?,
     "articles": [{"article_no": "第一条" | 1, "text": "…", "chapter"?, "section"?}, …]}

Identity: law_id = "imp-" + hash(canonical title, version). Re-importing an unchanged law is a
no-op; changed content replaces the stored version. The db revision is bumped on every change.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import db, limits
from ..errors import ImportRejected, InputError, NotFoundError
from ..files import read_bounded
from ..limits import LimitExceeded
from ..text import CN_NUMERAL_CHARS, cn_to_int, format_article_no, parse_article_no, to_halfwidth
from . import load_data
from . import lawrefbook
from .lawrefbook import INFO_END, Hints, iso_dates
from .names import base_versions
from .sources import Collected, Source, check_paths, collect
from .models import FULL_TEXT, HISTORICAL, IN_FORCE

# Resource limits (falv.limits): a statute file is at most a few hundred KB; these bound time
# and memory. Bound to names here so that a test may lower one for this module.
MAX_FILE_BYTES = limits.MAX_STATUTE_FILE_BYTES
MAX_LINE_CHARS = limits.MAX_LINE_CHARS
MAX_ARTICLES = limits.MAX_ARTICLES

_HEADER_FIELDS = ("title", "doc_type", "status", "issuing_body", "document_number", "publish_date",
                  "effective_date", "version", "article_count", "notes", "note",
                  "adoption_and_revisions")
_JSONL_FIELDS = {*_HEADER_FIELDS, "articles"}

_NUM = f"[{CN_NUMERAL_CHARS}0-9０-９]+"
_ARTICLE_RE = re.compile(
    rf"^(?:\*\*)?第\s*(?P<num>{_NUM})\s*条(?:之(?P<suf>[一二三四五六七八九十0-9]+))?(?:\*\*)?"
    r"(?:[ \t\u3000]+(?P<rest>.*))?$")
_ITEM_RE = re.compile(r"^(?P<num>[一二三四五六七八九十百]+)、(?P<rest>.*)$")
_DIVISION_RE = re.compile(rf"^第\s*{_NUM}\s*(?P<kind>[编章节])(?:[ \t\u3000]+(?P<name>.*))?$")
# a line that is only an appendix marker ("附：", "附件1", "附录") ends the articles
_APPENDIX_RE = re.compile(r"^(?:附|附件|附录|附表)[一二三四五六七八九十0-9]*[：:]?$")
_CJK_SPACE_RE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])")
_TRAILING_REMARK_RE = re.compile(r"^(?P<title>.+?)\s*[（(](?P<remark>[^（）()]*)[）)]\s*$")
_WS_RE = re.compile(r"[ \t\u3000]+")


# -- report types ---------------------------------------------------------------------------------

@dataclass
class ParsedArticle:
    article_no: str
    number: int
    suffix: int
    text: str
    chapter: str | None = None
    section: str | None = None
    line: int = 0


@dataclass
class ParsedLaw:
    """One law as read from a file, before it is written."""

    title: str
    doc_type: str
    status: str
    issuing_body: str | None
    document_number: str | None
    publish_date: str | None
    effective_date: str | None
    version: str | None
    note: str | None
    source_file: str
    articles: list[ParsedArticle] = field(default_factory=list)
    hints: Hints | None = None  # what the LawRefBook layout said (versions decided per batch)
    explicit_status: bool = False  # the file's own header named the status

    def add_note(self, text: str) -> None:
        self.note = f"{self.note}\n{text}" if self.note else text

    @property
    def text_hash(self) -> str:
        """Hash of the title and article texts only: two files with the same one are duplicates."""
        payload = [self.title, [[a.article_no, a.text] for a in self.articles]]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:32]

    @property
    def law_id(self) -> str:
        return law_id_for(self.title, self.version)

    @property
    def content_hash(self) -> str:
        """Hash of everything stored except provenance (file path, import time)."""
        payload = [self.title, self.doc_type, self.status, self.issuing_body, self.document_number,
                   self.publish_date, self.effective_date, self.version, self.note,
                   [[a.article_no, a.chapter, a.section, a.text] for a in self.articles]]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:32]


@dataclass
class ImportedLaw:
    file: str
    law_id: str
    title: str
    version: str | None
    status: str
    doc_type: str
    articles: int
    action: str  # added · replaced · unchanged
    issuing_body: str | None = None
    document_number: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    chapters: int = 0
    note: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ImportReport:
    laws: list[ImportedLaw]
    dry_run: bool = False
    rejected: list[dict] = field(default_factory=list)  # {location, reason, hint} (--keep-going)
    duplicates: list[dict] = field(default_factory=list)  # {file, duplicate_of, title}: skipped
    skipped: list[dict] = field(default_factory=list)  # {file, reason}: not statute files
    warnings: list[str] = field(default_factory=list)  # metadata not read, or read in part

    @property
    def changed(self) -> bool:
        return any(l.action != "unchanged" for l in self.laws)

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "changed": self.changed,
                "laws": [l.to_dict() for l in self.laws], "rejected": self.rejected,
                "duplicates": self.duplicates, "skipped": self.skipped, "warnings": self.warnings}


def law_id_for(title: str, version: str | None) -> str:
    return "imp-" + hashlib.sha256(f"{title}\x1f{version or ''}".encode()).hexdigest()[:12]


# -- vocabulary -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _vocab() -> dict:
    return load_data("import_vocab.toml")


def _leading(value: str, known: list[str], synonyms: dict[str, str]) -> tuple[str, str] | None:
    """'现行有效（2020年修正本）' → ('现行有效', '（2020年修正本）'); longest known value first."""
    value = value.strip()
    candidates = [(k, k) for k in known] + list(synonyms.items())
    for spelled, canonical in sorted(candidates, key=lambda kv: -len(kv[0])):
        if value.startswith(spelled):
            return canonical, value[len(spelled):].strip()
    return None


def parse_status(value: str) -> tuple[str, str] | None:
    v = _vocab()["status"]
    return _leading(value, v["known"], v.get("synonyms", {}))


def parse_doc_type(value: str) -> tuple[str, str] | None:
    v = _vocab()["doc_type"]
    found = _leading(value, v["known"], {})
    if found is None:
        return None
    doc_type, rest = found
    for phrase, refined in v.get("refine", {}).items():
        if phrase in rest:
            return refined, rest
    return doc_type, rest


def infer_doc_type(title: str) -> str | None:
    """For files without a doc_type header: 解释/规定 of the courts → 司法解释, 条例 → 行政法规 …"""
    for rule in _vocab()["doc_type"].get("infer", []):
        if all(word in title for word in rule["contains"]) and title.endswith(tuple(rule.get("ends", [""]))):
            return rule["doc_type"]
    return None


def canonical_title(raw: str) -> tuple[str, str | None]:
    """'快递暂行条例（2019年修订本，历史文本）' → ('快递暂行条例', '2019年修订本，历史文本');
    '最高人民法院 最高人民检察院关于…' → '最高人民法院、最高人民检察院关于…' (the official spelling
    joins issuing bodies with 、); '…修正案（十一）' keeps its parenthesis."""
    title = raw.strip().strip("《》").strip()
    remark = None
    m = _TRAILING_REMARK_RE.match(title)
    if m and any(w in m.group("remark") for w in _vocab()["title"]["version_remark_words"]):
        title, remark = m.group("title").strip(), m.group("remark").strip()
    title = _CJK_SPACE_RE.sub("、", title)
    return _WS_RE.sub("", title), remark


# -- parsing --------------------------------------------------------------------------------------

def parse_file(path: str | Path) -> list[ParsedLaw]:
    """Read and validate one file; raises ImportRejected (with file:line) on anything malformed."""
    path = Path(path)
    return parse_bytes(read_bounded(path, MAX_FILE_BYTES, error=ImportRejected), str(path),
                       path.suffix, None)


def parse_bytes(data: bytes, name: str, suffix: str, hints: Hints | None) -> list[ParsedLaw]:
    """Parse one file's bytes; `hints` is what its place in a LawRefBook layout says."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(f"文件过大（{len(data)} 字节，上限 {MAX_FILE_BYTES} 字节）", location=name)
    text = _decode(data, name)
    if suffix.lower() in (".jsonl", ".ndjson"):
        return _parse_jsonl(text, name)
    return [_parse_markdown(text, name, hints)]


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportRejected(
            f"不是有效的 UTF-8 文本：第 {col} 个字节起无法解码（0x{data[exc.start]:02x}）",
            location=f"{name}:{line}", hint="请先转换为 UTF-8 编码") from exc
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRejected("文件含有 NUL 字符，不是文本文件", location=f"{name}:{line}")
    return text.removeprefix("\ufeff")


def _parse_markdown(text: str, name: str, hints: Hints | None = None) -> ParsedLaw:
    lines = _lines(text)
    for no, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            raise ImportRejected(f"行过长（{len(line)} 字符，上限 {MAX_LINE_CHARS}）", location=f"{name}:{no}")
    header: dict[str, tuple[str, int]] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            raise ImportRejected("文件头（---）没有结束行", location=f"{name}:1")
        header = _parse_front_matter(lines[1:end], name, first_line=2)
        start = end + 1

    body = [(no, _strip(line)) for no, line in enumerate(lines[start:], start + 1)]
    has_info_end = any(s == INFO_END for _, s in body)
    info: list[str] = []  # LawRefBook's dated event lines before <!-- INFO END -->
    in_info = has_info_end
    itemised = not any(_ARTICLE_RE.match(s) for _, s in body if s)
    heading: tuple[str, int] | None = None
    part = chapter = section = None
    articles: list[ParsedArticle] = []
    seen: dict[str, int] = {}
    preamble: list[str] = []
    preamble_line = 0
    paragraphs: list[str] = []
    appendix: list[str] | None = None  # lines after an appendix marker, until proven otherwise

    def close_article() -> None:
        if articles and paragraphs:
            articles[-1].text = "\n".join(paragraphs)

    def not_an_appendix() -> None:
        # more articles follow: what looked like an appendix was part of the previous article
        nonlocal appendix
        if appendix is not None:
            paragraphs.extend(appendix)
            appendix = None

    for no, s in body:
        if s == INFO_END:
            in_info = False
            continue
        if not s or s.startswith("<!--"):  # other HTML comments
            continue
        if in_info and not s.startswith("#"):
            info.append(s)
            continue
        if s.startswith("#"):
            level = len(s) - len(s.lstrip("#"))
            title_text = s[level:].strip()
            if level == 1 and heading is None:
                heading = (title_text, no)
                continue
            m = _DIVISION_RE.match(title_text)
            if not m:
                if articles:  # an unnumbered heading after the articles starts an appendix
                    appendix = (appendix or []) + [title_text]
                continue
            not_an_appendix()
            label = _division_label(m)
            kind = m.group("kind")
            if kind == "编":
                part, chapter, section = label, None, None
            elif kind == "章":
                chapter, section = label, None
            else:
                section = label
            continue
        try:
            new = _match_article(s, itemised, len(articles))
        except LimitExceeded as exc:  # 第<5000 digits>条: an article heading past the bounds
            raise ImportRejected(exc.message, location=f"{name}:{no}") from None
        if new is not None:
            number, suffix, rest = new
            article_no = format_article_no(number, suffix)
            if article_no in seen:
                raise ImportRejected(f"条号重复：{article_no}（第 {seen[article_no]} 行已有）",
                                     location=f"{name}:{no}")
            if len(articles) >= MAX_ARTICLES:
                raise ImportRejected(f"条文过多（上限 {MAX_ARTICLES} 条）", location=f"{name}:{no}")
            not_an_appendix()
            close_article()
            seen[article_no] = no
            paragraphs = [rest] if rest else []
            full_chapter = " ".join(x for x in (part, chapter) if x) or None
            articles.append(ParsedArticle(article_no, number, suffix, "", full_chapter, section, no))
            continue
        if appendix is not None:
            appendix.append(s)
        elif articles and _APPENDIX_RE.match(s):
            appendix = [s]
        elif articles:
            paragraphs.append(s)
        else:
            preamble_line = preamble_line or no
            preamble.append(s)
    close_article()

    for art in articles:
        if not art.text:
            raise ImportRejected(f"{art.article_no} 没有正文", location=f"{name}:{art.line}")
    title_loc = header.get("title", (None, 1))[1]
    lawrefbook_layout = has_info_end or (hints is not None and hints.lawrefbook)
    if not articles and lawrefbook_layout and not header and preamble:
        # a one-paragraph instrument (批复, 决定 …): the whole text is one article, 全文
        articles.append(ParsedArticle(FULL_TEXT, 0, 0, "\n".join(preamble), None, None,
                                      preamble_line))
        preamble = []
    if not articles:
        raise ImportRejected("没有找到任何条文（第X条 或 一、二、… 分项）",
                             location=f"{name}:{heading[1] if heading else title_loc}",
                             hint="条号后须有空格，如“第一条 ……”")

    raw_title = header["title"][0] if "title" in header else (heading[0] if heading else None)
    if not raw_title:
        raise ImportRejected("缺少标题：既无文件头 title，也无“# 标题”行", location=f"{name}:1")
    title, remark = canonical_title(raw_title)
    if heading and "title" in header:
        heading_title, _ = canonical_title(heading[0])
        if heading_title != title:
            raise ImportRejected(f"标题不一致：文件头为“{raw_title}”，正文标题为“{heading[0]}”",
                                 location=f"{name}:{heading[1]}")
    caption = preamble[0] if preamble and preamble[0][:1] in "（(" else None
    if info and not caption:
        caption = "；".join(info)
    law = _build_law(name, header, title, raw_title, remark, articles, caption, hints, info)
    if appendix:
        law.note = (law.note + "\n" if law.note else "") + f"附件：最后一条之后的附件（{len(appendix)} 段）未作为条文导入"
    return law


def _lines(text: str) -> list[str]:
    """Lines split on \n only (str.splitlines also splits on \x1c-\x1e, \x85, \u2028 …, which
    would make the reported line numbers disagree with an editor's)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _strip(line: str) -> str:
    return line.strip().strip("\u3000").strip()


def _division_label(m: re.Match) -> str:
    """'第一章 总 则' / '第 一 章 总则' → '第一章 总则' (the base database's spelling)."""
    head = _WS_RE.sub("", m.string[m.start():m.end("kind")])
    name = _WS_RE.sub("", m.group("name") or "")
    return f"{head} {name}" if name else head


def _match_article(s: str, itemised: bool, count: int) -> tuple[int, int, str] | None:
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


def _parse_front_matter(lines: list[str], name: str, first_line: int) -> dict[str, tuple[str, int]]:
    """YAML scalars only (key: "value"); returns key → (value text, line number)."""
    import yaml

    source = "\n".join(lines)
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
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
            if key in _HEADER_FIELDS:
                raise ImportRejected(f"文件头字段 {key} 必须是单个值", location=f"{name}:{line}")
            continue
        value = value_node.value
        if value_node.tag.endswith(":null") and not value_node.style:
            value = ""
        header[key] = (str(value).strip(), line)
    return header


def _build_law(name: str, header: dict[str, tuple[str, int]], title: str, raw_title: str,
               remark: str | None, articles: list[ParsedArticle], caption: str | None,
               hints: Hints | None = None, info: list[str] | None = None) -> ParsedLaw:
    """Header free text → stored fields; the remarks go to the note, unknown values are rejected."""
    notes: list[str] = []
    if raw_title.strip() != title:
        notes.append(f"原标题：{raw_title.strip()}")
    if remark:
        notes.append(f"版本说明：{remark}")

    def value(key: str) -> str | None:
        v = header.get(key, ("", 0))[0]
        return v if v and v not in ("—", "-", "无") else None

    def loc(key: str) -> str:
        return f"{name}:{header.get(key, ('', 1))[1]}"

    hints = hints or Hints()
    status_text = value("status")
    if status_text is None and hints.lawrefbook:
        status = IN_FORCE  # settled per batch by lawrefbook.assign_versions
    elif status_text is None:
        status = IN_FORCE
        notes.append("时效性：来源未标注，按现行有效导入")
    else:
        parsed = parse_status(status_text)
        if parsed is None:
            raise ImportRejected(f"未知的时效性：“{status_text}”",
                                 location=loc("status"), hint="应为 现行有效、已被修改、已废止 或 历史版本")
        status, rest = parsed
        if rest:
            notes.append(f"时效性：{status_text}")

    doc_text = value("doc_type")
    if doc_text is None and hints.doc_type:
        doc_type = hints.doc_type
        notes.append(f"类别：据 LawRefBook {hints.origin}为{doc_type}")
    elif doc_text is None:
        doc_type = infer_doc_type(title)
        if doc_type is None:
            raise ImportRejected("缺少类别（doc_type），且无法由标题推定", location=f"{name}:1",
                                 hint="在文件头写 doc_type: 法律 / 司法解释 / 行政法规 / 部门规章 / 决定")
        notes.append(f"类别：据标题推定为{doc_type}")
    else:
        parsed = parse_doc_type(doc_text)
        if parsed is None:
            raise ImportRejected(f"未知的类别：“{doc_text}”", location=loc("doc_type"),
                                 hint="应为 " + "、".join(_vocab()["doc_type"]["known"]) + " 之一")
        doc_type, rest = parsed
        if rest:
            notes.append(f"类别：{doc_text}")

    count_text = value("article_count")
    if count_text is not None:
        m = re.match(r"^\s*(\d+)", to_halfwidth(count_text))
        if not m:
            raise ImportRejected(f"article_count 不是数字：“{count_text}”", location=loc("article_count"))
        if int(m.group(1)) != len(articles):
            raise ImportRejected(f"条文数不符：文件头 article_count 为 {m.group(1)}，解析出 {len(articles)} 条",
                                 location=loc("article_count"))

    dates = {}
    for key, label in (("publish_date", "公布日期"), ("effective_date", "施行日期")):
        text = value(key)
        found = iso_dates(text)
        dates[key] = found[0] if found else None
        if text and (not found or text.strip() != found[0]):
            notes.append(f"{label}：{text}")
    info_published, info_effective = lawrefbook.info_dates(info or [])
    if dates["publish_date"] is None:
        dates["publish_date"] = hints.publish_date or info_published
    if dates["effective_date"] is None:
        dates["effective_date"] = hints.effective_date or info_effective
    version = value("version")
    if version is None:
        found = iso_dates(value("publish_date"))
        version = max(found) if found else (hints.version or info_published)

    for key, label in (("adoption_and_revisions", "制定及修订"), ("notes", "说明"), ("note", "说明")):
        if value(key):
            notes.append(f"{label}：{value(key)}")
    if caption and not value("adoption_and_revisions"):
        notes.append(f"题注：{caption}")

    return ParsedLaw(title=title, doc_type=doc_type, status=status,
                     issuing_body=value("issuing_body"), document_number=value("document_number"),
                     publish_date=dates["publish_date"], effective_date=dates["effective_date"],
                     version=version, note="\n".join(notes) or None, source_file=name,
                     articles=articles, hints=hints, explicit_status=status_text is not None)


def _parse_jsonl(text: str, name: str) -> list[ParsedLaw]:
    laws = []
    for no, line in enumerate(_lines(text), 1):
        if not line.strip():
            continue
        location = f"{name}:{no}"
        if len(line) > MAX_FILE_BYTES:
            raise ImportRejected("行过长", location=location)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportRejected(f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）", location=location) from exc
        if not isinstance(obj, dict):
            raise ImportRejected("每行必须是一个 JSON 对象（一部法规）", location=location)
        unknown = sorted(set(obj) - _JSONL_FIELDS)
        if unknown:
            raise ImportRejected(f"未知字段：{', '.join(unknown)}", location=location,
                                 hint="允许的字段：" + ", ".join(sorted(_JSONL_FIELDS)))
        header: dict[str, tuple[str, int]] = {}
        for key in _JSONL_FIELDS - {"articles"}:
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
        for i, item in enumerate(raw_articles, 1):
            where = f"articles[{i - 1}]"
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
            article_no = format_article_no(number, suffix)
            if article_no in seen:
                raise ImportRejected(f"条号重复：{article_no}", location=location)
            seen.add(article_no)
            chapter, section = item.get("chapter"), item.get("section")
            articles.append(ParsedArticle(article_no, number, suffix, text.strip(),
                                          chapter if isinstance(chapter, str) and chapter else None,
                                          section if isinstance(section, str) and section else None, no))
        raw_title = header["title"][0]
        title, remark = canonical_title(raw_title)
        laws.append(_build_law(name, header, title, raw_title, remark, articles, None))
    if not laws:
        raise ImportRejected("文件中没有任何法规（空的 JSONL）", location=f"{name}:1")
    return laws


# -- writing --------------------------------------------------------------------------------------

def import_files(store_or_path=None, paths=(), dry_run: bool = False, keep_going: bool = False,
                 progress=None, metadata: str | Path | None = None) -> ImportReport:
    """Import files, folders (recursively) and archives as ONE transaction.

    Default: all or nothing — ImportRejected before anything is written if any file is
    malformed. keep_going: every file that parses is stored (still one transaction) and each
    rejected file is reported with file:line and reason. True duplicates (same title, same
    article texts) are skipped and named in both modes.

    store_or_path: a StatuteStore (reloaded afterwards), a path to falv's own store, or None (the
    configured store). progress: optional callable(done, total, name) called per file read.
    metadata: a LawRefBook db.sqlite3 to read for every file (by default only the one inside each
    folder or archive given is read: law/sources.py).
    """

    vocab = _vocab().get("lawrefbook", {})
    collected = collect(check_paths(paths), frozenset(vocab.get("skip_files", ())),
                        frozenset(vocab.get("skip_folders", ())), metadata)
    return _import(store_or_path, collected, dry_run, keep_going, progress,
                   location=", ".join(str(p) for p in paths)[:200])


def import_texts(store_or_path=None, files=(), dry_run: bool = False) -> ImportReport:
    """import_files of files given as (name, bytes) pairs — uploads, never written to disk, so
    no temporary folder is left and no metadata database is looked for around them."""
    if not files:
        raise InputError("没有指定要导入的文件")
    collected = Collected([Source(name, (), (lambda data=data: data), len(data)) for name, data in files])
    return _import(store_or_path, collected, dry_run, False, None, location=files[0][0])


def _import(store_or_path, collected: Collected, dry_run: bool, keep_going: bool, progress,
            location: str) -> ImportReport:
    known = tuple(_vocab()["doc_type"]["known"])
    parsed: list[ParsedLaw] = []
    rejected: list[dict] = []
    warnings = list(collected.notes)
    metas: dict = {}  # MetaSource → its rows (None: unusable), read once per import
    try:
        total = len(collected.sources)
        for done, src in enumerate(collected.sources, 1):
            try:
                rows = None
                if src.meta_db is not None:
                    if src.meta_db not in metas:
                        metas[src.meta_db], warning = lawrefbook.read_metadata(src.meta_db)
                        if warning:
                            warnings.append(warning)
                    rows = metas[src.meta_db]
                hints = lawrefbook.hints_for(src.filename, src.parts, rows, known)
                parsed.extend(parse_bytes(src.read(), src.name, src.suffix, hints))
            except ImportRejected as exc:
                if not keep_going:
                    raise
                rejected.append({"location": exc.location or src.name, "reason": exc.message,
                                 "hint": exc.hint})
            if progress is not None:
                progress(done, total, src.name)
    finally:
        collected.close()
    if not parsed and not rejected:
        raise ImportRejected("没有找到可导入的法规文件（.md / .jsonl）", location=location)

    laws, duplicates = _dedupe(parsed, keep_going, rejected)
    laws, in_base = _without_base_laws(laws)

    conn, store, owned = _open(store_or_path)
    try:
        batch_ids = {law.law_id for law in laws}

        def newer_stored(title: str, version: str) -> str | None:
            """The version in force the store already holds that this one does not replace:
            a newer import, or a base text at least as new (the base DB stays the version of
            record unless a newer text comes)."""
            base = base_versions().get(title)
            if base and base >= version:
                return base
            for law_id, v in conn.execute(
                    "SELECT law_id, coalesce(version, publish_date, '') FROM laws WHERE title = ?"
                    " AND status = ? AND source = 'import'", (title, IN_FORCE)):
                if law_id not in batch_ids and v > version:
                    return v
            return None

        currents = lawrefbook.assign_versions(laws, newer_stored)
        _older_are_historical(laws, newer_stored)
        if dry_run:
            results = [_result(law, _action(conn, law)) for law in laws]
        else:
            results = []
            with db.write_transaction(conn):
                for law in laws:
                    action = _action(conn, law)
                    if action != "unchanged":
                        _write(conn, law)
                    results.append(_result(law, action))
                superseded = _supersede_older(conn, currents, batch_ids)
                if superseded or any(r.action != "unchanged" for r in results):
                    db.bump_revision(conn)
    finally:
        if owned:
            conn.close()
    if store is not None and not dry_run:
        store.reload()
    return ImportReport(results, dry_run=dry_run, rejected=rejected, duplicates=duplicates,
                        skipped=[{"file": n, "reason": why} for n, why in collected.skipped]
                        + in_base, warnings=warnings)


def _supersede_older(conn, currents: dict[str, str], batch_ids: set[str]) -> int:
    """Stored versions in force that a newer version of this batch replaces become 历史版本
    (an instrument imported one version at a time)."""
    changed = 0
    for title, version in currents.items():
        rows = conn.execute("SELECT law_id, coalesce(version, publish_date, '') FROM laws WHERE"
                            " title = ? AND status = ? AND source = 'import'", (title, IN_FORCE)).fetchall()
        for law_id, v in rows:
            if law_id not in batch_ids and v < version:
                conn.execute("UPDATE laws SET status = ?, note = coalesce(note || char(10), '') || ?"
                             " WHERE law_id = ?",
                             (HISTORICAL, f"时效性：已有新版本（{version}），本版本为历史版本", law_id))
                changed += 1
    return changed


def _older_are_historical(laws: list[ParsedLaw], newer_stored) -> None:
    """A text in force older than the version the store holds never replaces it: it is stored
    as a historical version (reachable with --version), whatever its own header says."""
    for law in laws:
        if law.status != IN_FORCE:
            continue
        newer = newer_stored(law.title, law.version or law.publish_date or "")
        if newer is not None:
            law.status = HISTORICAL
            law.add_note(f"时效性：库中已有现行版本（{newer}），本版本作为历史版本导入")


def _without_base_laws(laws: list[ParsedLaw]) -> tuple[list[ParsedLaw], list[dict]]:
    """LawRefBook's own copies of laws the base database holds (its 法律 folders, when the whole
    repository is imported) are skipped unless newer than the base text: the base text stays
    the version of record until a newer text comes (which then becomes current)."""

    base = base_versions()
    keep, skipped = [], []
    for law in laws:
        stored = base.get(law.title)
        if law.hints is not None and law.hints.lawrefbook and not law.explicit_status \
                and law.doc_type in ("宪法", "法律") and stored is not None \
                and (law.version or law.publish_date or "") <= stored:
            skipped.append({"file": law.source_file,
                            "reason": f"基础法规库已收录《{law.title}》（{stored} 版本，不早于此文件）"})
        else:
            keep.append(law)
    return keep, skipped


def _dedupe(parsed: list[ParsedLaw], keep_going: bool, rejected: list[dict]
            ) -> tuple[list[ParsedLaw], list[dict]]:
    """Drop true duplicates (same title and article texts: skipped and named); two different
    texts claiming the same version of one law are rejected (the later file under keep_going)."""
    by_text: dict[tuple[str, str], ParsedLaw] = {}
    by_id: dict[str, ParsedLaw] = {}
    laws, duplicates = [], []
    # a dated file wins over an undated copy of it: LawRefBook keeps both for a few instruments
    for law in sorted(parsed, key=lambda l: l.version is None):
        key = (law.title, law.text_hash)
        twin = by_text.get(key)
        if twin is not None:
            duplicates.append({"file": law.source_file, "duplicate_of": twin.source_file,
                               "title": law.title})
            continue
        other = by_id.get(law.law_id)
        if other is not None:
            exc = ImportRejected(
                f"与 {other.source_file} 是同一法规的同一版本（{law.title} {law.version or ''}），"
                "但条文不同", location=law.source_file)
            if not keep_going:
                raise exc
            rejected.append({"location": exc.location, "reason": exc.message, "hint": None})
            continue
        by_text[key] = by_id[law.law_id] = law
        laws.append(law)
    order = {id(l): i for i, l in enumerate(parsed)}
    laws.sort(key=lambda l: order[id(l)])
    return laws, duplicates


def remove_law(store_or_path, title: str, version: str | None = None) -> list[str]:
    """Delete imported versions of a law (all versions, or the one with this version label)."""
    conn, store, owned = _open(store_or_path)
    try:
        with db.write_transaction(conn):
            sql, args = "SELECT law_id FROM laws WHERE title = ?", [title]
            if version:
                sql, args = sql + " AND version = ?", args + [version]
            ids = [r[0] for r in conn.execute(sql, args)]
            if not ids:
                what = f"{title}（{version}）" if version else title
                raise NotFoundError(f"导入的法规中没有：{what}", hint="用 falv statutes list --imported 查看")
            for law_id in ids:
                conn.execute("DELETE FROM articles WHERE law_id = ?", (law_id,))
                conn.execute("DELETE FROM laws WHERE law_id = ?", (law_id,))
            db.bump_revision(conn)
    finally:
        if owned:
            conn.close()
    if store is not None:
        store.reload()
    return ids


def _open(store_or_path):
    if store_or_path is None or isinstance(store_or_path, (str, Path)):
        return db.connect(Path(store_or_path) if store_or_path else None), None, True
    return store_or_path.own, store_or_path, False


def _action(conn, law: ParsedLaw) -> str:
    row = conn.execute("SELECT content_hash FROM laws WHERE law_id = ?", (law.law_id,)).fetchone()
    if row is None:
        return "added"
    return "unchanged" if row[0] == law.content_hash else "replaced"


def _write(conn, law: ParsedLaw) -> None:
    conn.execute("DELETE FROM articles WHERE law_id = ?", (law.law_id,))
    conn.execute("DELETE FROM laws WHERE law_id = ?", (law.law_id,))
    conn.execute(
        "INSERT INTO laws(law_id, title, doc_type, status, issuing_body, document_number,"
        " publish_date, effective_date, version, source, note, source_file, content_hash, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?, ?, ?, ?)",
        (law.law_id, law.title, law.doc_type, law.status, law.issuing_body, law.document_number,
         law.publish_date, law.effective_date, law.version, law.note, law.source_file,
         law.content_hash, _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")))
    conn.executemany(
        "INSERT INTO articles(law_id, ordinal, article_no, number, suffix, chapter, section, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(law.law_id, i, a.article_no, a.number, a.suffix, a.chapter, a.section, a.text)
         for i, a in enumerate(law.articles, 1)])


def _result(law: ParsedLaw, action: str) -> ImportedLaw:
    return ImportedLaw(law.source_file, law.law_id, law.title, law.version, law.status,
                       law.doc_type, len(law.articles), action, law.issuing_body,
                       law.document_number, law.publish_date, law.effective_date,
                       len({a.chapter for a in law.articles if a.chapter}), law.note)


__all__ = ["import_files", "remove_law", "parse_file", "ImportReport", "ImportedLaw", "ParsedLaw",
           "canonical_title"]
