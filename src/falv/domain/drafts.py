"""Rights requests and letters: fill-in Markdown templates (each domain's templates/*.md) rendered with the
articles they cite quoted from the store.

A template has TOML front matter between `+++` lines (title, aliases, cites, fields) and a body
with placeholders: {{字段}} for the user's facts, {{cite:N}} for the N-th citation's label,
{{cite:extra}} / {{cite:also}} for the articles a case adds (以及… / 本案还涉及…; empty without)
and {{citations}} for the quoted articles. `[defaults]` gives a field's value when none is filled
(every letter says by when a reply is expected: 答复期限). Templates name articles; they never contain article text.
Unfilled fields stay visible as 【字段】 so the user sees what to complete.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import InputError
from ..text import md_text
from .basis import NOT_IMPORTED, Basis, parse_basis, quote

FORMATS = ("markdown", "text")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_ORDER = ("access", "correct", "delete", "explain", "complaint", "police")


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    aliases: tuple[str, ...]
    cites: tuple[Basis, ...]
    fields: dict
    body: str
    defaults: dict = None  # field → value used when the user gives none

    def placeholders(self) -> list[str]:
        names = []
        for m in _PLACEHOLDER.finditer(self.body):
            name = m.group(1)
            if name != "citations" and not name.startswith("cite:") and name not in names:
                names.append(name)
        return names


def _parse(kind: str, raw: str) -> Template:
    if not raw.startswith("+++"):
        raise InputError(f"模板 {kind} 缺少 +++ 头部")
    _, head, body = raw.split("+++", 2)
    meta = tomllib.loads(head)
    return Template(kind, meta["title"], tuple(meta.get("aliases", [])),
                    tuple(parse_basis(c) for c in meta.get("cites", [])), dict(meta.get("fields", {})),
                    body.strip() + "\n", dict(meta.get("defaults", {})))


@lru_cache(maxsize=1)
def templates() -> dict[str, Template]:
    """Every domain's letters (domain/<area>/templates/*.md), one table: a kind names one letter."""
    found: dict[str, Template] = {}
    for area in sorted(resources.files(__package__).iterdir(), key=lambda p: p.name):
        folder = area.joinpath("templates")
        if not area.is_dir() or not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.name.endswith(".md"):
                kind = p.name[:-3]
                if kind in found:
                    raise ValueError(f"{area.name}/templates/{p.name}: 文书类型 {kind} 重复")
                found[kind] = _parse(kind, p.read_text("utf-8"))
    return {k: found[k] for k in sorted(found, key=lambda k: (_ORDER.index(k) if k in _ORDER else 99, k))}


def draft_kinds() -> list[dict]:
    return [{"kind": t.kind, "title": t.title, "aliases": list(t.aliases),
             "fields": t.fields, "cites": [{"law": b.law, "article": b.clause} for b in t.cites]}
            for t in templates().values()]


def template(kind: str) -> Template:
    table = templates()
    if kind in table:
        return table[kind]
    for t in table.values():
        if kind in t.aliases or kind == t.title:
            return t
    listing = "；".join(f"{t.kind}（{'/'.join(t.aliases[:2])}）" for t in table.values())
    raise InputError(f"未知的文书类型：{kind}", hint=f"可用类型：{listing}")


# radon D (22): input checks, then three closures (label, block, sub) sharing the cites and quotes
def render_draft(kind: str, fill: dict | None = None, store=None, fmt: str = "markdown",
                 extra: tuple[Basis, ...] = ()) -> dict:
    """Render a draft. Returns {kind, title, format, text, fields, missing, citations}: the text
    with the user's values filled in and the cited articles quoted from the store. `extra`: the
    articles this case adds to the template's own (a 快递 complaint cites the 快递 provisions)."""
    if fmt not in FORMATS:
        raise InputError(f"未知的输出格式：{fmt}", hint="可用格式：markdown、text")
    if not isinstance(kind, str):
        raise InputError("文书类型必须是文本")
    t = template(kind)
    if fill is not None and not isinstance(fill, dict):
        raise InputError("填写内容应为 字段→内容 的映射")
    fill = {str(k): "" if v is None else str(v) for k, v in (fill or {}).items()}
    unknown = [k for k in fill if k not in t.fields]  # defaults are fields too
    if unknown:
        raise InputError(f"文书“{t.title}”没有字段：{'、'.join(unknown)}",
                         hint="可填字段：" + "、".join(t.fields))
    fill = {**(t.defaults or {}), **{k: v for k, v in fill.items() if v}}
    seen = {(b.law, b.clause) for b in t.cites}
    extra = tuple(b for b in extra if (b.law, b.clause) not in seen)
    cites = t.cites + extra
    quotes = [quote(store, b) for b in cites]

    def label(n: int) -> str:
        if not 1 <= n <= len(cites):
            raise InputError(f"模板 {t.kind} 引用了不存在的第 {n} 条依据")
        q = quotes[n - 1]
        return f"《{q['law']}》{cites[n - 1].clause}"

    def block() -> str:
        parts = []
        for b, q in zip(cites, quotes):
            head = f"**《{q['law']}》{b.clause}**"
            if q["text"] is None:
                parts.append(f"{head}\n\n> （{NOT_IMPORTED}：{q['detail']}）")
            else:
                esc = md_text if fmt == "markdown" else str
                quoted = "\n".join(f"> {esc(line)}" for line in q["text"].splitlines() if line.strip())
                parts.append(f"{head}\n\n{quoted}")
        return "\n\n".join(parts)

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name == "citations":
            return block()
        if name in ("cite:extra", "cite:also"):
            labels = "、".join(label(len(t.cites) + i) for i in range(1, len(extra) + 1))
            if not labels:
                return ""
            return f"以及{labels}" if name == "cite:extra" else f"本案还涉及{labels}。"
        if name.startswith("cite:"):
            return label(int(name[5:]))
        value = fill.get(name)
        if not value:
            return f"【{name}】"
        return md_text(value) if fmt == "markdown" else value

    text = _PLACEHOLDER.sub(sub, t.body)
    if fmt == "text":
        text = to_plain(text)
    missing = [f for f in t.placeholders() if not fill.get(f)]  # a default counts as filled
    return {"kind": t.kind, "title": t.title, "format": fmt, "text": text,
            "fields": t.fields, "missing": missing,
            "citations": [dict(q, clause=b.clause) for b, q in zip(cites, quotes)]}


def to_plain(markdown: str) -> str:
    """The few Markdown marks our templates use → plain text (headings, bold, quotes)."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"^#{1,6}\s*", "", line)
        line = line.replace("**", "")
        if line.startswith("> "):
            line = "    " + line[2:]
        elif line.startswith("- "):
            line = "· " + line[2:]
        lines.append(line)
    return "\n".join(lines).strip() + "\n"
