"""Legal basis of a domain rule: (law title, article[, 款, 项]) → the article quoted from the store.

Why here and not in the data files: statute text is data of the store. Our tables only name the
article; this module looks it up at run time, says 未导入 when the instrument is not in the store
(e.g. the 两高解释 before it is imported), and asks falv's verifier for a verdict.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from importlib import resources

from ..errors import FalvError, InputError
from ..law.clauses import clause_text
from ..law.find import ARTICLE
from ..law.models import QUOTED as QUOTED_SOURCE
from ..law.models import Article, Ref, Verdict, VerdictKind
from ..law.resolve import resolver_for
from ..law.verify import verify_ref
from ..text import canonical_article_no, cn_to_int, fold_for_compare

NOT_IMPORTED = "未导入"
QUOTED = "quoted"
MISSING = "条文缺失"
OTHER_VERSION = "版本不符"  # the store's version of the law does not hold the text a rule means

_CLAUSE_RE = re.compile(ARTICLE)  # falv's one grammar of 第X条[之Y][第Z款][第W项] (law.find)


Basis = Ref  # one article a rule rests on, as named in our data files (falv's one reference type)


def parse_clause(law: str, ref: str, anchor: str | None = None) -> Basis:
    """'第五条第一款第三项' → Basis(law, 第五条, 1, 3); `anchor`: words of the meant text."""
    m = _CLAUSE_RE.fullmatch(ref.strip())
    if not m:
        raise InputError(f"无法识别的条款引用：{ref}")
    article = canonical_article_no(m["n"] + (f"之{m['s']}" if m["s"] else ""))
    return Basis(law, article, cn_to_int(m["k"]) if m["k"] else None,
                 cn_to_int(m["x"]) if m["x"] else None, anchor=anchor or None)


def parse_basis(entry) -> Basis:
    """A data-file entry: ["law", "第X条"], ["law", "第X条第Y款第Z项"] or {law, article}, each
    optionally with the words of the text it means: ["law", "第X条", "anchor"] / {…, anchor}."""
    if isinstance(entry, dict):
        return parse_clause(entry["law"], entry["article"], entry.get("anchor"))
    if isinstance(entry, (list, tuple)) and len(entry) in (2, 3):
        return parse_clause(*entry)
    raise InputError(f"数据文件中的法律依据格式不对：{entry!r}")


def load_toml(name: str, package: str = __package__) -> dict:
    """A data file of a domain package (`package`/data/`name`)."""
    return tomllib.loads(resources.files(package).joinpath("data", name).read_text("utf-8"))


def resolve_title(store, law: str) -> str | None:
    """The title under which the store keeps this law: falv's resolver (exact titles, short
    titles, aliases such as 两高解释; its name folding already equates the space and 、 spellings
    of joint interpretations)."""
    return resolver_for(store).resolve_title(law)


@dataclass(frozen=True)
class Placed:
    """Where the store holds the text a basis means: `basis` (its own number, or the number the
    store's version gives that text), or None with `note` saying which version the store holds."""

    basis: Basis | None
    note: str | None = None


def place(store, basis: Basis) -> Placed:
    """The basis checked against the words of the text it means (its anchor): the store may hold
    another version of the law, where the same number is another article (快递暂行条例 2019 第三十五条
    is 安全生产, the 2025 text's 第三十五条 is user information — 2019 第三十四条)."""
    if store is None or not basis.anchor:
        return Placed(basis)
    title = resolve_title(store, basis.law)
    if title is None:
        return Placed(basis)  # not in the store at all: 未收录, said elsewhere
    anchor = fold_for_compare(basis.anchor)
    art = store.get_article(title, basis.article)
    if art is not None and anchor in fold_for_compare(art.text):
        return Placed(basis)
    law = art.law if art is not None else store.current_law(title)
    if law is None or law.source == QUOTED_SOURCE:
        return Placed(basis)  # a partial instrument quoted by Q&A sources: nothing to compare
    version = law.version or law.publish_date or "?"
    for other in store.articles(law.law_id):
        if anchor in fold_for_compare(other.text):
            return Placed(replace(basis, article=other.article_no),
                          f"法规库中的《{title}》是 {version} 版本：规则所指的条文在该版本中是"
                          f"{other.article_no}（规则按其他版本的{basis.article}编写）")
    return Placed(None, f"法规库中的《{title}》是 {version} 版本，其中{basis.article}不是规则所指的"
                        "条文，该版本也没有相应条文：导入该法规的现行文本后即可引用")


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
    """JSON-ready: law, article, clause, text (from the store, or None), status and verdict. A
    basis whose meant text the store holds under another number is quoted under that number
    (`placed`: why); one whose meant text the store lacks is not quoted (status 版本不符)."""
    placed = place(store, basis)
    if placed.basis is None:
        return {"law": resolve_title(store, basis.law) or basis.law, "article": basis.article,
                "clause": basis.clause, "text": None, "status": OTHER_VERSION,
                "verdict": VerdictKind.UNVERIFIABLE.value, "detail": placed.note}
    out = _quote(store, placed.basis)
    if placed.note:
        out["placed"] = placed.note
    return out


def _quote(store, basis: Basis) -> dict:
    out = {"law": basis.law, "article": basis.article, "clause": basis.clause, "text": None}
    title = resolve_title(store, basis.law) if store is not None else None
    if title is None:
        out.update(status=NOT_IMPORTED, verdict=None,
                   detail="法规库未收录该法规：导入其文本后才能核验原文")
        return out
    out["law"] = title
    art = store.get_article(title, basis.article)
    if art is None:
        if _only_quoted(store, title):  # known from Q&A quotes only: the store lacks its text
            out.update(status=NOT_IMPORTED, verdict=VerdictKind.UNVERIFIABLE.value,
                       detail="法规库只有问答来源引用的部分条文：导入其官方文本后才能核验")
            return out
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


def _only_quoted(store, title: str) -> bool:
    """Whether every stored version of the instrument is a partial one quoted by Q&A sources."""
    versions = store.laws_by_title(title)
    return bool(versions) and all(v.source == QUOTED_SOURCE for v in versions)


def quote_all(store, bases) -> list[dict]:
    """Quote each distinct article once, in order."""
    seen, out = set(), []
    for b in bases:
        if b.clause + b.law in seen:
            continue
        seen.add(b.clause + b.law)
        out.append(quote(store, b))
    return out
