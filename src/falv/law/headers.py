"""A statute file's header → the fields falv stores: status, category, dates, version, note.

Header values are free text ("现行有效（2020年修正本）"); the leading known value is taken and the
rest kept in the law's note, and a value that starts with none is rejected with file:line. What
a file without a header says is filled from its LawRefBook layout (law/lawrefbook.py Hints) or
inferred from its title. The vocabulary is data: law/data/import_vocab.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import ImportRejected
from ..text import to_halfwidth
from . import lawrefbook, load_data
from .lawrefbook import Hints, iso_dates
from .models import IN_FORCE
from .parsed import ParsedArticle, ParsedLaw

_CJK_SPACE_RE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])")
_TRAILING_REMARK_RE = re.compile(r"^(?P<title>.+?)\s*[（(](?P<remark>[^（）()]*)[）)]\s*$")
_WS_RE = re.compile(r"[ \t\u3000]+")
_EMPTY = ("—", "-", "无")  # a header value that says "none"
# the fields a header may give (each one value; a file's front matter may hold others, ignored)
HEADER_FIELDS = ("title", "doc_type", "status", "issuing_body", "document_number", "publish_date",
                 "effective_date", "version", "article_count", "notes", "note",
                 "adoption_and_revisions")


# -- vocabulary -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def vocab() -> dict:
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
    v = vocab()["status"]
    return _leading(value, v["known"], v.get("synonyms", {}))


def parse_doc_type(value: str) -> tuple[str, str] | None:
    v = vocab()["doc_type"]
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
    for rule in vocab()["doc_type"].get("infer", []):
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
    if m and any(w in m.group("remark") for w in vocab()["title"]["version_remark_words"]):
        title, remark = m.group("title").strip(), m.group("remark").strip()
    title = _CJK_SPACE_RE.sub("、", title)
    return _WS_RE.sub("", title), remark


# -- header fields → a ParsedLaw ------------------------------------------------------------------

@dataclass(frozen=True)
class _Header:
    """The file's header: key → (value text, line number); `name` is the file, for locations."""

    name: str
    fields: dict[str, tuple[str, int]]

    def value(self, key: str) -> str | None:
        v = self.fields.get(key, ("", 0))[0]
        return v if v and v not in _EMPTY else None

    def loc(self, key: str) -> str:
        return f"{self.name}:{self.fields.get(key, ('', 1))[1]}"


def build_law(name: str, header: dict[str, tuple[str, int]], title: str, raw_title: str,
              remark: str | None, articles: list[ParsedArticle], caption: str | None,
              hints: Hints | None = None, info: list[str] | None = None) -> ParsedLaw:
    """Header free text → stored fields; the remarks go to the note, unknown values are rejected.
    `info`: LawRefBook's dated lines before <!-- INFO END --> (dates when the header has none)."""
    h = _Header(name, header)
    hints = hints or Hints()
    notes = _title_notes(title, raw_title, remark)
    status = _status(h, hints, notes)
    doc_type = _doc_type(h, hints, title, notes)
    _check_count(h, len(articles))
    info_dates = lawrefbook.info_dates(info or [])
    publish_date, effective_date = _dates(h, hints, info_dates, notes)
    version = _version(h, hints, info_dates[0])
    notes += _remarks(h, caption)
    return ParsedLaw(title=title, doc_type=doc_type, status=status,
                     issuing_body=h.value("issuing_body"), document_number=h.value("document_number"),
                     publish_date=publish_date, effective_date=effective_date,
                     version=version, note="\n".join(notes) or None, source_file=name,
                     articles=articles, hints=hints, explicit_status=h.value("status") is not None)


def _title_notes(title: str, raw_title: str, remark: str | None) -> list[str]:
    notes = []
    if raw_title.strip() != title:
        notes.append(f"原标题：{raw_title.strip()}")
    if remark:
        notes.append(f"版本说明：{remark}")
    return notes


def _status(h: _Header, hints: Hints, notes: list[str]) -> str:
    status_text = h.value("status")
    if status_text is None:
        if not hints.lawrefbook:  # LawRefBook's files: settled per batch by lawrefbook.assign_versions
            notes.append("时效性：来源未标注，按现行有效导入")
        return IN_FORCE
    parsed = parse_status(status_text)
    if parsed is None:
        raise ImportRejected(f"未知的时效性：“{status_text}”",
                             location=h.loc("status"), hint="应为 现行有效、已被修改、已废止 或 历史版本")
    status, rest = parsed
    if rest:
        notes.append(f"时效性：{status_text}")
    return status


def _doc_type(h: _Header, hints: Hints, title: str, notes: list[str]) -> str:
    doc_text = h.value("doc_type")
    if doc_text is None and hints.doc_type:
        notes.append(f"类别：据 LawRefBook {hints.origin}为{hints.doc_type}")
        return hints.doc_type
    if doc_text is None:
        doc_type = infer_doc_type(title)
        if doc_type is None:
            raise ImportRejected("缺少类别（doc_type），且无法由标题推定", location=f"{h.name}:1",
                                 hint="在文件头写 doc_type: 法律 / 司法解释 / 行政法规 / 部门规章 / 决定")
        notes.append(f"类别：据标题推定为{doc_type}")
        return doc_type
    parsed = parse_doc_type(doc_text)
    if parsed is None:
        raise ImportRejected(f"未知的类别：“{doc_text}”", location=h.loc("doc_type"),
                             hint="应为 " + "、".join(vocab()["doc_type"]["known"]) + " 之一")
    doc_type, rest = parsed
    if rest:
        notes.append(f"类别：{doc_text}")
    return doc_type


def _check_count(h: _Header, parsed: int) -> None:
    """A header article_count must be the number of articles parsed."""
    count_text = h.value("article_count")
    if count_text is None:
        return
    m = re.match(r"^\s*(\d+)", to_halfwidth(count_text))
    if not m:
        raise ImportRejected(f"article_count 不是数字：“{count_text}”", location=h.loc("article_count"))
    if int(m.group(1)) != parsed:
        raise ImportRejected(f"条文数不符：文件头 article_count 为 {m.group(1)}，解析出 {parsed} 条",
                             location=h.loc("article_count"))


def _dates(h: _Header, hints: Hints, info_dates: tuple, notes: list[str]) -> tuple[str | None, str | None]:
    """(publish_date, effective_date): the header's ISO date (free text beside it goes to the
    note), else the layout's, else LawRefBook's dated info lines."""
    dates = {}
    for key, label in (("publish_date", "公布日期"), ("effective_date", "施行日期")):
        text = h.value(key)
        found = iso_dates(text)
        dates[key] = found[0] if found else None
        if text and (not found or text.strip() != found[0]):
            notes.append(f"{label}：{text}")
    info_published, info_effective = info_dates
    return (dates["publish_date"] or hints.publish_date or info_published,
            dates["effective_date"] or hints.effective_date or info_effective)


def _version(h: _Header, hints: Hints, info_published: str | None) -> str | None:
    version = h.value("version")
    if version is None:
        found = iso_dates(h.value("publish_date"))
        version = max(found) if found else (hints.version or info_published)
    return version


def _remarks(h: _Header, caption: str | None) -> list[str]:
    notes = [f"{label}：{h.value(key)}" for key, label in
             (("adoption_and_revisions", "制定及修订"), ("notes", "说明"), ("note", "说明")) if h.value(key)]
    if caption and not h.value("adoption_and_revisions"):
        notes.append(f"题注：{caption}")
    return notes
