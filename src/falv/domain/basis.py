"""Legal basis of a domain rule: (law title, article[, 款, 项]) → the article quoted from the store.

Why here and not in the data files: statute text is data of the store. Our tables only name the
article; this module looks it up at run time, says 未导入 when the instrument is not in the store
(e.g. the 两高解释 before it is imported), and asks falv's verifier for a verdict.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from importlib import resources

from ..errors import FalvError, InputError
from ..law.clauses import clause_text
from ..law.find import ARTICLE
from ..law.models import Article, Ref, Verdict, VerdictKind
from ..law.resolve import resolver_for
from ..law.verify import verify_ref
from ..text import canonical_article_no, cn_to_int

NOT_IMPORTED = "未导入"
QUOTED = "quoted"
MISSING = "条文缺失"

_CLAUSE_RE = re.compile(ARTICLE)  # falv's one grammar of 第X条[之Y][第Z款][第W项] (law.find)


Basis = Ref  # one article a rule rests on, as named in our data files (falv's one reference type)


def parse_clause(law: str, ref: str) -> Basis:
    """'第五条第一款第三项' → Basis(law, 第五条, 1, 3)."""
    m = _CLAUSE_RE.fullmatch(ref.strip())
    if not m:
        raise InputError(f"无法识别的条款引用：{ref}")
    article = canonical_article_no(m["n"] + (f"之{m['s']}" if m["s"] else ""))
    return Basis(law, article, cn_to_int(m["k"]) if m["k"] else None,
                 cn_to_int(m["x"]) if m["x"] else None)


def parse_basis(entry) -> Basis:
    """A data-file entry: ["law", "第X条"] or ["law", "第X条第Y款第Z项"] or {law, article}."""
    if isinstance(entry, dict):
        return parse_clause(entry["law"], entry["article"])
    if isinstance(entry, (list, tuple)) and len(entry) == 2:
        return parse_clause(entry[0], entry[1])
    raise InputError(f"数据文件中的法律依据格式不对：{entry!r}")


def load_toml(name: str, package: str = __package__) -> dict:
    """A data file of a domain package (`package`/data/`name`)."""
    return tomllib.loads(resources.files(package).joinpath("data", name).read_text("utf-8"))


def resolve_title(store, law: str) -> str | None:
    """The title under which the store keeps this law: falv's resolver (exact titles, short
    titles, aliases such as 两高解释; its name folding already equates the space and 、 spellings
    of joint interpretations)."""
    return resolver_for(store).resolve_title(law)


def find_article(store, basis: Basis) -> Article | None:
    title = resolve_title(store, basis.law)
    return store.get_article(title, basis.article) if title else None


def check_basis(store, basis: Basis, title: str) -> Verdict:
    """falv's verifier on this reference (law.verify.verify_ref), so a rule's basis gets the same
    verdict as any citation (unverifiable when the reference cannot be checked). The one adapter
    between our rules and law.verify."""
    try:
        return verify_ref(store, replace(basis, law=title))
    except FalvError as exc:
        return Verdict(VerdictKind.UNVERIFIABLE, detail=str(exc))


def verdict_of(store, basis: Basis, title: str) -> dict:
    """check_basis as JSON: {verdict, detail, replacement}."""
    verdict = check_basis(store, basis, title)
    return {"verdict": verdict.kind.value, "detail": verdict.detail,
            "replacement": verdict.replacement}


def quote(store, basis: Basis) -> dict:
    """JSON-ready: law, article, clause, text (from the store, or None), status and verdict."""
    out = {"law": basis.law, "article": basis.article, "clause": basis.clause, "text": None}
    title = resolve_title(store, basis.law) if store is not None else None
    if title is None:
        out.update(status=NOT_IMPORTED, verdict=None,
                   detail="法规库未收录该法规：导入其文本后才能核验原文")
        return out
    out["law"] = title
    art = store.get_article(title, basis.article)
    if art is None:
        out.update(status=MISSING, verdict="not_found", detail="法规库中该法规没有此条")
        return out
    out["text"] = art.text
    if basis.paragraph:
        out["clause_text"] = clause_text(art.text, basis.paragraph, basis.item)
    check = verdict_of(store, basis, title)
    out.update(status=QUOTED, verdict=check.get("verdict"), detail=check.get("detail"))
    if check.get("replacement"):
        out["replacement"] = check["replacement"]
    return out


def quote_all(store, bases) -> list[dict]:
    """Quote each distinct article once, in order."""
    seen, out = set(), []
    for b in bases:
        if b.clause + b.law in seen:
            continue
        seen.add(b.clause + b.law)
        out.append(quote(store, b))
    return out
