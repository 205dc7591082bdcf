"""Compose a grounded Answer: knowledge-base answers and domain rules give the 法律分析 points,
the store gives the 法律依据 texts, the verifier gives each one's verdict, retrieval adds articles
the question cites and lists the ranking as 相关法条. Nothing here writes analysis of its own:
with no matching entry or rule the answer says so (a floor) and lists related articles.

The composer is handed its parts (store, searcher, KB matcher) by its caller — the façade's
context, or tests/factories.py — and loads none itself. It trusts its question: the façade
(falv.engine) checked it once against falv.limits.
"""

from __future__ import annotations

import time

from ..domain.basis import Basis, check_basis, resolve_title
from ..domain.channels import channel_table
from ..domain.kinds import floor_scope, label
from ..errors import InputError
from ..kb.similar import bigrams
from ..law.currency import find_outdated
from ..law.models import passes
from ..search.retrieve import Searcher
from ..text import fold_for_compare, normalize, parse_article_no
from .analysis import CaseAnalysis, analyse
from .kbmatch import KbMatcher
from ..results.answer import AnalysisPoint, Answer, BasisArticle, ChannelCard, CitedArticle, Note

SEARCH_TOP = 10
# Steps of URGENT or more urgent (safety, money, stopping the spread, and what to demand of
# whoever holds the information) come before the knowledge base's points; complaints, police
# reports for a sale, compensation and evidence (rules.toml urgency 3–5) after them.
MAX_RELATED = 5
MAX_POINTS = 6  # 【法律分析】 of a one-line question: the most urgent six
MAX_BASIS = 7  # 【法律依据】: the articles the steps rest on, at most this many
NEAR_DUPLICATE = 0.85  # share of the shorter point's bigrams found in the other
PART_OF = 0.3  # a point that restates several: the share of its bigrams each of them holds
NOT_IN_STORE = "未收录"
IMPORT_HINT = ("该法规不在法规库中：取得其文本（如 LawRefBook 的 Markdown 文件）后导入法规库，"
               "即可核验并引用原文")


class _Timer:
    """Milliseconds per stage of one answer (Answer.timings)."""

    def __init__(self):
        self.marks = {}
        self.t0 = self.last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.marks[f"{name}_ms"] = round((now - self.last) * 1000, 2)
        self.last = now

    def total(self) -> dict:
        self.marks["total_ms"] = round((time.perf_counter() - self.t0) * 1000, 2)
        return self.marks


class Composer:
    """Answers questions from the parts it is handed: the store, the searcher of the store's
    content and the KB matcher of its knowledge base."""

    def __init__(self, store, searcher: Searcher, kb: KbMatcher):
        self.store = store
        self.searcher = searcher
        self.kb = kb

    def answer(self, question: str, analysis: CaseAnalysis | None = None) -> Answer:
        """The answer to a question the façade has checked; `analysis`: its case analysis when
        the caller holds it."""
        timer = _Timer()
        text = normalize(question)
        case = analysis if analysis is not None else analyse(question, self.kb, self.store)
        timer.mark("understand")

        points: list[AnalysisPoint] = _frame_points(case.urgent, case.floor)
        for m in case.kb:
            points.extend(m.points)
        points.extend(_frame_points(case.later, case.floor))
        analysis_points = _focus(_dedupe_points(points))

        search_hits = self.searcher.search(text, top=SEARCH_TOP)
        timer.mark("search")
        basis, missing = self._grounds(case, analysis_points, search_hits)
        timer.mark("verify")

        # grounded: a domain's rules or a stored answer fit the question (a floor does not)
        grounded = any(p.source != "floor" for p in analysis_points) or any(
            b.origin == "question" for b in basis.values())
        scope = floor_scope(case.reading, case.text) if case.floor and case.reading else ()
        related = (self._scoped(text, scope, basis) if scope else []) or self._related_list(
            text, search_hits, basis, grounded)
        # the person's own words (not the normalised text) go into the letters
        letters = (case.domain.letters(case.frame, question.strip(), self.store, case.steps)
                   if case.steps and not case.floor else [])
        notes = self._notes(text, case, analysis_points, list(basis.values()), grounded)
        ans = Answer(
            question=text, grounded=grounded, reading=case.reading.to_dict(), floor=case.floor,
            analysis=analysis_points, basis=list(basis.values()), notes=notes, related=related,
            kb_entries=[{"id": m.entry_id, "question": m.question, "score": round(m.score, 3)}
                        for m in case.kb],
            timings=timer.total(), frame=case.frame.to_dict(), missing=list(case.missing),
            missing_instruments=[dict(m, hint=m.get("hint", IMPORT_HINT)) for m in missing.values()],
            severity=case.severity, letters=letters)
        ans._asked = question.strip()  # echoed as typed by the text outputs
        return ans

    def _grounds(self, case: CaseAnalysis, points: list[AnalysisPoint], hits):
        """(法律依据 by (law, article), instruments the store lacks by law): the articles the points
        cite, then those the question cites itself (direct hits); an article of a law the store
        lacks, or whose stored version lacks the meant text (case.unplaced), is listed as missing."""
        basis: dict[tuple[str, str], BasisArticle] = {}
        missing: dict[str, dict] = {}
        for c in (c for p in points for c in p.citations):
            if (c.law, c.article) in basis:
                continue
            b = self._basis(c.law, c.article, origin="analysis")
            if b is None:
                continue
            if b.status == NOT_IN_STORE:  # the store lacks the instrument
                _add_missing(missing, c.law, c.article)
            else:
                basis[(c.law, c.article)] = b
        for h in hits:  # articles the question itself cites
            key = (h.article.law.title, h.article.article_no)
            if h.direct and key not in basis:
                b = self._basis(*key, origin="question")
                if b is not None:
                    basis[key] = b
        for b, why in case.unplaced:  # the store's version of the law lacks the meant text
            _add_missing(missing, resolve_title(self.store, b.law) or b.law, b.article)["hint"] = why
        return basis, missing

    def _related_list(self, text: str, hits, basis: dict, grounded: bool) -> list[BasisArticle]:
        """相关法条: the ranking, without the basis; in an answer that rules or stored answers
        ground, only articles next to the basis (same law and chapter): a revenge-porn question's
        ranking also holds 法官法's 人身安全 article and 刑法's 妨害公务, which no reader of it
        needs. Ungrounded: the best match of each other kind (司法解释, 行政法规 …) after the laws."""
        near = {(b.law, b.chapter) for b in basis.values()} if grounded else None
        related = [self._related(h) for h in hits
                   if (h.article.law.title, h.article.article_no) not in basis
                   and (near is None or (h.article.law.title, h.article.chapter) in near)
                   ][:MAX_RELATED]
        if not grounded:
            related += [self._related(members[0]) for _, members
                        in self.searcher.groups(text, per_group=1)]
        return related

    def _scoped(self, text: str, scope, basis: dict) -> list[BasisArticle]:
        """相关法条 of a floor answer whose kind (or topic) names where its law is (data/kinds.toml
        `scope`): the best matches within those laws and article ranges — a tenancy question's
        ranking over the whole store holds 海商法's 光船租赁 and 融资租赁, which no tenant needs. Laws
        by score, then the best match of each other instrument (司法解释, 行政法规 …); [] when the
        store holds none of them (the caller lists the whole ranking)."""
        scopes = [(title, sc.lo, sc.hi) for sc in scope
                  if (title := resolve_title(self.store, sc.law)) is not None]
        if not scopes:
            return []
        laws, others, instruments = [], [], set()
        for h in self.searcher.search_within(text, scopes, top=MAX_RELATED + len(basis)):
            key = (h.article.law.title, h.article.article_no)
            if key in basis:
                continue
            if h.article.law.doc_type == "法律":  # the laws' own index: ranked together
                laws.append(h)
            elif key[0] not in instruments:  # the best match of each other instrument
                instruments.add(key[0])
                others.append(h)
        return [self._related(h) for h in laws[:MAX_RELATED] + others]

    def _basis(self, law: str, article: str, origin: str, score: float | None = None):
        law = resolve_title(self.store, law) or law
        versions = self.store.laws_by_title(law)
        art = None
        for v in versions:
            art = self.store.article(v.law_id, article)
            if art is not None:
                break
        try:
            parse_article_no(article)
        except InputError:
            return None
        return BasisArticle.checked(
            law, article, art.text if art else "", art.law.status if art else "未收录",
            check_basis(self.store, Basis(law, article), law), origin=origin,
            score=round(score, 4) if score is not None else None,
            chapter=art.chapter if art else None)

    def _related(self, hit) -> BasisArticle:
        """A ranked article listed as 相关法条, with the verifier's verdict like any basis."""
        a = hit.article
        return BasisArticle.checked(
            a.law.title, a.article_no, a.text, a.law.status,
            check_basis(self.store, Basis(a.law.title, a.article_no), a.law.title), origin="search",
            score=None if hit.direct else round(hit.score, 4), chapter=a.chapter)

    def _notes(self, text: str, case: CaseAnalysis, analysis: list[AnalysisPoint],
               basis: list[BasisArticle], grounded: bool) -> list[Note]:
        notes: list[Note] = []
        seen: set[str] = set()
        sources = [text] + [p.text for p in analysis]
        for src in sources:
            for hit in find_outdated(src):
                entry = hit.entry
                if entry.term in seen:
                    continue
                seen.add(entry.term)
                since = f"（{entry.since}）" if entry.since else ""
                notes.append(Note(kind="outdated",
                                  text=f"原文所称“{hit.text}”已不再适用{since}：现为{entry.replacement}。{entry.note}".rstrip(),
                                  term=entry.term, replacement=entry.replacement))
        for b, why in case.placed:
            if why not in {n.text for n in notes}:
                notes.append(Note(kind="version", text=why))
        for b in basis:
            if not passes(b.verdict):
                where = f"《{b.law}》{b.article}"
                text = b.detail if b.detail.startswith(f"《{b.law}》") else f"{where}：{b.detail}"
                note = Note(kind="verification", text=text.rstrip("："), replacement=b.replacement)
                if note not in notes:  # two articles of one quote-only law: one note (issue 21)
                    notes.append(note)
        if not grounded:
            notes.append(Note(kind="scope", text=_scope_note(case)))
        return notes


def _add_missing(missing: dict[str, dict], law: str, article: str) -> dict:
    """The article listed under its law among the instruments the store lacks (once); the law's entry."""
    entry = missing.setdefault(law, {"law": law, "articles": []})
    if article not in entry["articles"]:
        entry["articles"].append(article)
    return entry


def _focus(points: list[AnalysisPoint]) -> list[AnalysisPoint]:
    """At most MAX_BASIS distinct articles over the points: where the rules' steps together name
    more, the last-named article of the step that names most (latest first) gives way, unless
    another step rests on it too; stored answers keep their citations as their sources wrote."""
    def distinct() -> list:
        return list(dict.fromkeys(c for p in points for c in p.citations))

    while len(distinct()) > MAX_BASIS:
        shared = {c for c in distinct() if sum(c in p.citations for p in points) > 1}
        rules = [p for p in points if p.source != "kb" and len(p.citations) > 1
                 and any(c not in shared for c in p.citations)]
        if not rules:
            break
        p = max(reversed(rules), key=lambda p: len(p.citations))
        drop = next(c for c in reversed(p.citations) if c not in shared)
        p.citations = [c for c in p.citations if c != drop]
    return points


def _scope_note(case: CaseAnalysis) -> str:
    """What a floor answer is: the kind it seems to be, and that no rule fits the case itself."""
    reading = case.reading
    kind = (reading.topic or label(reading.kind)) if reading is not None else ""
    if kind and kind != label("other"):
        return (f"这看起来是{kind}问题，但没有找到与具体情形完全对应的规则：下面是这类问题通常的"
                "处理途径（不是对本案的分析），相关法条是检索结果、仅供参考。")
    return ("没有看出这是哪一类法律问题，也没有找到与具体情形对应的规则：下面是通常的求助途径，"
            "相关法条是检索结果、仅供参考。")


def _frame_points(steps, floor: bool = False) -> list[AnalysisPoint]:
    """Steps → analysis points; each cites exactly the articles its rule (or floor) names."""
    table = channel_table()
    return [AnalysisPoint(text=s.text, source="floor" if floor else "rule",
                          citations=[CitedArticle(law=b.law, article=b.article) for b in s.basis],
                          provenance=[{"rule": s.id, "domain": s.domain} if s.domain else {"rule": s.id}],
                          channels=[_card(table[c]) for c in s.channels if c in table])
            for s in steps]


def _card(channel) -> ChannelCard:
    """A routing card: who, how to reach them (unconfirmed contacts say so), what they handle."""
    contact = "；".join(c.value + ("（待核实）" if c.unconfirmed else "") for c in channel.contact)
    return ChannelCard(id=channel.id, body=channel.body, contact=contact, handles=channel.handles,
                       prepare=list(channel.prepare))


def _dedupe_points(points: list[AnalysisPoint]) -> list[AnalysisPoint]:
    """Identical or near-identical points (one's wording almost wholly inside the other's) appear
    once, keeping the fuller wording, every provenance and every citation. A stored answer's point
    that only restates points above it together (㈤'s 删除…或者投诉举报 = ㈠'s 删除 + ㈠'s 投诉举报)
    goes into those points too."""
    out: list[AnalysisPoint] = []
    grams: list[frozenset] = []
    for p in points:
        g = bigrams(fold_for_compare(p.text))
        twin = next((i for i, h in enumerate(grams) if _near(g, h)), None)
        if twin is not None:
            kept = out[twin]
            if len(p.text) > len(kept.text) and p.source == kept.source:
                kept.text, grams[twin] = p.text, g
            _absorb(kept, p)
            continue
        parts = [i for i, h in enumerate(grams) if g and len(g & h) / len(g) >= PART_OF]
        covered = frozenset().union(*(grams[i] for i in parts)) & g
        if p.source == "kb" and len(parts) > 1 and len(covered) / len(g) >= NEAR_DUPLICATE:
            for i in parts:
                _absorb(out[i], p)
            continue
        out.append(p)
        grams.append(g)
    return _shorten(out)


def _absorb(kept: AnalysisPoint, p: AnalysisPoint) -> None:
    """kept also stands for p: its provenance, citations and channels."""
    kept.provenance.extend(x for x in p.provenance if x not in kept.provenance)
    kept.citations.extend(c for c in p.citations if c not in kept.citations)
    kept.channels.extend(c for c in p.channels if c not in kept.channels)


def _shorten(points: list[AnalysisPoint]) -> list[AnalysisPoint]:
    """At most MAX_POINTS points. The last points that route nowhere go first, so that every
    channel the frame's steps name stays (`falv route` names the same ones, in the same order)."""
    points = list(points)
    while len(points) > MAX_POINTS:
        spare = [i for i, p in enumerate(points) if not p.channels]
        points.pop(spare[-1] if spare else len(points) - 1)
    return points


def _near(a: frozenset, b: frozenset) -> bool:
    small = min(len(a), len(b))
    return small > 0 and len(a & b) / small >= NEAR_DUPLICATE

