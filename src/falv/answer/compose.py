"""Compose a grounded Answer: knowledge-base answers and domain rules give the 法律分析 points,
the store gives the 法律依据 texts, the verifier gives each one's verdict, retrieval adds the
best-ranked articles above a confidence threshold. Nothing here writes analysis of its own:
with no matching entry, rule or confident article the answer says so and lists related articles.
"""

from __future__ import annotations

import time

from ..domain.personal_info import scenarios as scen
from ..domain.personal_info.channels import channel_table
from ..errors import InputError
from ..law.currency import find_outdated
from ..law.models import Ref, passes
from ..law.verify import verify_ref
from ..limits import check_question
from ..search.retrieve import Searcher
from ..text import fold_for_compare, normalize
from .kbmatch import KbMatcher
from .model import AnalysisPoint, Answer, BasisArticle, CitedArticle, Note

SEARCH_TOP = 10
# Ranked (not explicitly cited) articles that may join the basis of a grounded answer.
MAX_SEARCH_BASIS = 3
RELATIVE_SCORE_BAR = 0.8


def validate_question(question) -> str:
    """The question checked (falv.limits, the one check) and normalised; checked again after
    normalising, which may leave nothing (a question of control characters only)."""
    return check_question(normalize(check_question(question)))


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
    """Holds what answering needs (store, searcher, KB matcher); loads each once, on first use,
    unless the caller (the façade's context) hands in the ones it already holds."""

    def __init__(self, store, dense: bool | None = None, searcher=None, kb: KbMatcher | None = None):
        self.store = store
        self.dense = dense  # None: FALV_DENSE decides (the optional dense search stage)
        self._searcher = searcher
        self._kb = kb

    # -- the parts ----------------------------------------------------------------------------

    @property
    def searcher(self):
        if self._searcher is None:
            self._searcher = Searcher(self.store, dense=self.dense)
        return self._searcher

    @property
    def kb(self) -> KbMatcher:
        if self._kb is None:
            self._kb = KbMatcher.load(self.store)
        return self._kb

    # -- answer -------------------------------------------------------------------------------

    def answer(self, question: str) -> Answer:
        timer = _Timer()
        text = validate_question(question)
        ans = Answer(question=text, grounded=False)

        hits = scen.detect(text)
        ans.scenarios = [h.to_dict() for h in hits]
        timer.mark("understand")

        kb_matches = self.kb.match(text)
        ans.kb_entries = [{"id": m.entry_id, "question": m.question, "score": round(m.score, 3)}
                          for m in kb_matches]
        timer.mark("kb")

        points: list[AnalysisPoint] = []
        for m in kb_matches:
            points.extend(m.points)
        if hits:
            points.extend(_rule_points(scen.steps_for(hits, self.store)))
        ans.analysis = _dedupe_points(points)

        search_hits = self.searcher.search(text, top=SEARCH_TOP)
        timer.mark("search")

        basis: dict[tuple[str, str], BasisArticle] = {}
        for p in ans.analysis:
            for c in p.citations:
                if (c.law, c.article) not in basis:
                    b = self._basis(c.law, c.article, origin="analysis")
                    if b is not None:
                        basis[(c.law, c.article)] = b
        for h in self._basis_hits(search_hits, grounded_by_analysis=bool(ans.analysis)):
            key = (h.article.law.title, h.article.article_no)
            if key not in basis:
                b = self._basis(*key, origin="search", score=None if h.direct else h.score)
                if b is not None:
                    basis[key] = b
        ans.basis = list(basis.values())
        timer.mark("verify")

        ans.grounded = bool(ans.analysis) or bool(ans.basis)
        if not ans.analysis:
            ans.related = [self._related(h) for h in search_hits
                           if (h.article.law.title, h.article.article_no) not in basis][:5]
            # the best match of each other kind (司法解释, 行政法规 …) after the laws, never instead
            ans.related += [self._related(members[0]) for _, members
                            in self.searcher.groups(text, per_group=1)]
        ans.notes = self._notes(text, kb_matches, ans)
        ans.timings = timer.total()
        return ans

    @staticmethod
    def _basis_hits(hits, grounded_by_analysis: bool) -> list:
        """Search hits that join the 法律依据: articles the question cites explicitly, always; when
        KB entries or rules ground the answer, also the best-ranked articles whose score is close
        to the best one (retrieval scores are not calibrated, so the bar is relative). Without
        analysis, ranked articles are only listed as 相关法条 — never presented as the answer."""
        direct = [h for h in hits if h.direct]
        ranked = [h for h in hits if not h.direct]
        if not grounded_by_analysis or not ranked:
            return direct
        bar = RELATIVE_SCORE_BAR * ranked[0].score
        return direct + [h for h in ranked[:MAX_SEARCH_BASIS] if h.score >= bar]

    def _basis(self, law: str, article: str, origin: str, score: float | None = None):
        versions = self.store.laws_by_title(law)
        art = None
        for v in versions:
            art = self.store.article(v.law_id, article)
            if art is not None:
                break
        try:
            verdict = verify_ref(self.store, Ref(law, article))
        except InputError:  # not an article number
            return None
        return BasisArticle(
            law=law, article=article, text=art.text if art else "",
            status=art.law.status if art else "未收录", verdict=verdict.kind.value,
            detail=verdict.detail, replacement=verdict.replacement, origin=origin,
            score=round(score, 4) if score is not None else None,
            chapter=art.chapter if art else None)

    def _related(self, hit) -> BasisArticle:
        """A ranked article listed as 相关法条, with the verifier's verdict like any basis."""
        a = hit.article
        verdict = verify_ref(self.store, Ref(a.law.title, a.article_no))
        return BasisArticle(law=a.law.title, article=a.article_no, text=a.text, status=a.law.status,
                            verdict=verdict.kind.value, detail=verdict.detail,
                            replacement=verdict.replacement, origin="search",
                            score=round(hit.score, 4), chapter=a.chapter)

    def _notes(self, text: str, kb_matches, ans: Answer) -> list[Note]:
        notes: list[Note] = []
        seen: set[str] = set()
        sources = [text] + [p.text for p in ans.analysis]
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
        for b in ans.basis:
            if not passes(b.verdict):
                where = f"《{b.law}》{b.article}"
                text = b.detail if b.detail.startswith(f"《{b.law}》") else f"{where}：{b.detail}"
                notes.append(Note(kind="verification", text=text.rstrip("："),
                                  replacement=b.replacement))
        if not ans.grounded:
            notes.append(Note(kind="scope", text="知识库和规则中没有与该问题匹配的内容；相关法条仅供参考，请咨询执业律师。"))
        return notes


def _rule_points(steps) -> list[AnalysisPoint]:
    table = channel_table()
    points = []
    for s in steps:
        points.append(AnalysisPoint(
            text=s.text, source="rule",
            citations=[CitedArticle(law, art) for law, art in s.citations],
            provenance=[{"rule": s.id, "scenarios": list(s.scenarios)}],
            channels=[_card(table[c]) for c in s.channels if c in table]))
    return points


def _card(channel) -> dict:
    """A routing card: who, how to reach them (unconfirmed contacts say so), what they handle."""
    contact = "；".join(c.value + ("（待核实）" if c.unconfirmed else "") for c in channel.contact)
    return {"id": channel.id, "body": channel.body, "contact": contact,
            "handles": channel.handles, "prepare": list(channel.prepare)}


def _dedupe_points(points: list[AnalysisPoint]) -> list[AnalysisPoint]:
    """Identical points (after normalisation) appear once, keeping every provenance."""
    out: dict[str, AnalysisPoint] = {}
    for p in points:
        key = fold_for_compare(p.text)
        if key in out:
            kept = out[key]
            kept.provenance.extend(x for x in p.provenance if x not in kept.provenance)
            kept.citations.extend(c for c in p.citations if c not in kept.citations)
        else:
            out[key] = p
    return list(out.values())

