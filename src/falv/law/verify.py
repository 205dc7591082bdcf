"""Verify citations against the store: one Verdict per citation.

ok · partial_quote (a faithful excerpt) · mismatch (with a character diff) · not_found (with the
nearest articles) · repealed (with the replacement from repealed.toml) · superseded_version (the
number belongs to an older version; names the current number) · unverifiable (the instrument is
not in the store — said plainly, never guessed). How a quote compares with the stored text:
law/quotes.py.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import InputError
from ..limits import (MAX_DIFF_CHARS, MAX_DIFF_SPAN, MAX_QUOTE_SOURCES, MAX_SCAN_CHARS, MAX_TEXT_CHARS,
                      Budget, check_length, parse_date)
from ..text import parse_article_no
from .find import extract
from .models import (AMENDED, FULL_TEXT, IN_FORCE, QUOTED, REPEALED, Article, ArticleRef,
                     Citation, Law, Ref, Verdict, VerdictKind)
from .amendments import renumberings
from .clauses import clause_text, missing_clause
from .names import fold_name, repealed_law, repealed_tables, split_version, version_year
from .quotes import char_diff, compare_quote, quote_source
from .resolve import Resolver, resolver_for


@dataclass(frozen=True)
class _Named:
    """What the verifier reads of a citation: the law as written, its title once resolved, and
    the article. A Citation found in text has these too; a Ref given by a caller becomes one."""

    law_text: str | None
    ref: ArticleRef | None
    law_title: str | None = None


@dataclass(frozen=True)
class CheckedCitation:
    citation: Citation
    verdict: Verdict

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    def to_dict(self) -> dict:
        c, v = self.citation, self.verdict
        return {
            "law": v.law or c.law_title or c.law_text,
            "article": v.article if v.article is not None else (c.ref.article_no if c.ref else None),
            "span": list(c.span),
            "verdict": v.kind.value,
            "replacement": v.replacement,
            "detail": v.detail,
            "raw": c.raw,
            "law_text": c.law_text,
            "diff": v.diff,
            "notes": list(v.notes),
        }


# -- verdicts ---------------------------------------------------------------------------------

class Verifier:
    def __init__(self, store, as_of: str | None = None, diff_budget: Budget | None = None):
        self.store = store
        self.resolver: Resolver = resolver_for(store)
        # searches for a mismatched quote's source left in this text (each reads the whole law)
        self.source_budget = MAX_QUOTE_SOURCES
        self.as_of = as_of
        # characters of differing quotes compared character by character (None: unbounded, for
        # the KB pipeline, whose documents are bounded per file)
        self.diff_budget = diff_budget

    def _compare(self, quote: str, stored: str) -> tuple[str, float]:
        """compare_quote, charged to the diff budget when the quote differs (difflib ran)."""
        result = compare_quote(quote, stored)
        if result[0] == "differs" and self.diff_budget is not None:
            self.diff_budget.spend(min(len(quote), MAX_DIFF_SPAN) + min(len(stored), MAX_DIFF_SPAN))
        return result

    def verify(self, citation: Citation | _Named, quoted_text: str | None = None) -> Verdict:
        found = self._law(citation)
        if isinstance(found, Verdict):
            return found
        title, law = found
        current = self.store.is_current(law)
        notes = []
        if current and law.note and law.status != IN_FORCE:
            notes.append(law.note.splitlines()[0])
        if citation.ref is None:
            whole = self.store.article(law.law_id, FULL_TEXT)  # a one-paragraph instrument
            if whole is not None and quoted_text and current:
                return self._quote_verdict(title, whole, quoted_text, citation, notes)
            return Verdict(VerdictKind.OK, title, FULL_TEXT if whole else None,
                           f"引用整部法规：{_status(law)}", notes=tuple(notes))
        if not current:
            return self._old_version_citation(citation, law, quoted_text)
        return self._article_verdict(citation, title, law, quoted_text, notes)

    def _law(self, citation: Citation | _Named) -> tuple[str, Law] | Verdict:
        """(title, stored law) the citation names, or the verdict that ends there: no law named,
        a repealed law, one the store lacks, one only a Q&A source quoted."""
        if citation.law_text is None:
            return Verdict(VerdictKind.UNVERIFIABLE, None, _art(citation),
                           "引用未指明法规名称，无法核验")
        written = citation.law_text
        title = citation.law_title or self.resolver.resolve_title(written)
        entry = repealed_law(written) if title is None or self._is_repealed(title) else None
        if entry is not None:
            return self._repealed(citation, entry.title, entry)
        if title is None:
            return self._unknown_law(citation)
        law = self.resolver.law_for(title, written)
        if law.status == REPEALED:
            return self._repealed(citation, title, None)
        if law.source == QUOTED:
            return Verdict(VerdictKind.UNVERIFIABLE, title, _art(citation),
                           f"《{title}》仅有问答来源引用的文本，未经官方文本核验")
        return title, law

    def _article_verdict(self, citation: Citation | _Named, title: str, law: Law, quote: str | None,
                         notes: list[str]) -> Verdict:
        """The cited article of the current version: an older numbering's, not there, a 款/项 it
        lacks, or there (with the quote compared)."""
        article_no = citation.ref.article_no
        article = self.store.article(law.law_id, article_no)
        matches_current = bool(quote) and article is not None \
            and self._compare(quote, article.text)[0] != "differs"
        year = version_year(split_version(citation.law_text)[1])  # 《网络安全法》（2016年）第四十条
        if not matches_current and (quote or self.as_of or year):
            superseded = self._superseded(title, article_no, article, quote, year)
            if superseded is not None:
                return superseded
        if article is None:
            near = self._nearest_articles(law.law_id, article_no)
            hint = f"；最接近的条文：{'、'.join(near)}" if near else ""
            return Verdict(VerdictKind.NOT_FOUND, title, article_no,
                           f"《{title}》没有{article_no}（共 {len(self.store.articles(law.law_id))} 条）{hint}",
                           notes=tuple(notes))
        missing = _missing_clause(article, citation.ref)
        if missing:
            return Verdict(VerdictKind.NOT_FOUND, title, article_no,
                           f"《{title}》{article_no}{missing}", notes=tuple(notes))
        if self.as_of:  # a text dated before an amendment of this article took effect
            notes += [f"本条经{a['amendment'].removeprefix('中华人民共和国')}{a['item']}{a['change']}，"
                      f"{a['effective']}起施行，晚于文本日期 {self.as_of}：文本所指为修改前的条文"
                      for a in article.amended_by if a["effective"] and a["effective"] > self.as_of]
        if not quote:
            return Verdict(VerdictKind.OK, title, article_no, _article_status(article),
                           notes=tuple(notes))
        return self._quote_verdict(title, article, quote, citation, notes)

    # -- pieces ---------------------------------------------------------------------------------

    def _is_repealed(self, title: str) -> bool:
        law = self.store.current_law(title)
        return law is not None and law.status == REPEALED

    def _repealed(self, citation: Citation, title: str, entry) -> Verdict:
        laws, articles = repealed_tables()
        entry = entry or laws.get(fold_name(title))
        article_no = citation.ref.article_no if citation.ref else None
        if entry is None:
            return Verdict(VerdictKind.REPEALED, title, article_no,
                           f"《{title}》已废止，法规库未载明替代规定")
        art_entry = articles.get((entry.title, article_no)) if article_no else None
        stored = self.store.current_law(entry.title)
        where = "（法规库存有其历史文本）" if stored is not None else ""
        if art_entry is not None:
            replacement = art_entry.replacement
            detail = (f"《{entry.title}》已于{entry.repealed_on}废止{where}；{article_no}的内容"
                      f"现见{replacement}（{art_entry.note}）")
        else:
            replacement = f"《{entry.replacement_law}》{entry.replacement_part}".strip()
            detail = f"《{entry.title}》已于{entry.repealed_on}废止{where}，相应规定见{replacement}"
        if entry.basis:
            detail += f"；依据：{entry.basis}"
        return Verdict(VerdictKind.REPEALED, entry.title, article_no, detail, replacement)

    def _unknown_law(self, citation: Citation) -> Verdict:
        written = citation.law_text
        intended = self.resolver.intended_title(written)
        name = f"《{split_version(written)[0]}》"
        if intended:
            name += f"（即《{intended}》）"
        near = self.resolver.nearest_titles(written) if not intended else []
        hint = f"；相近的法规：{'、'.join('《' + t + '》' for t in near)}" if near else ""
        return Verdict(VerdictKind.UNVERIFIABLE, intended or split_version(written)[0], _art(citation),
                       f"法规库中没有{name}，无法核验（导入其文本后可核验）{hint}")

    def _nearest_articles(self, law_id: str, article_no: str) -> list[str]:
        numbers = [a.article_no for a in self.store.articles(law_id)]
        return difflib.get_close_matches(article_no, numbers, n=3, cutoff=0.5)

    def _quote_verdict(self, title: str, article: Article, quote: str, citation: Citation,
                       notes: list[str]) -> Verdict:
        stored = _paragraph(article, citation.ref.paragraph) if citation.ref else article.text
        kind, ratio = self._compare(quote, stored)
        if kind != "equal" and stored is not article.text:
            kind, ratio = self._compare(quote, article.text)
        no = article.article_no
        if kind == "equal":
            return Verdict(VerdictKind.OK, title, no, f"{_article_status(article)} · 原文核验一致",
                           notes=tuple(notes))
        if kind == "excerpt":
            return Verdict(VerdictKind.PARTIAL_QUOTE, title, no,
                           f"{_article_status(article)} · 引文为原文节录（各句均见于原文，顺序一致）",
                           notes=tuple(notes))
        for renum in renumberings(self.store, title):
            news = renum.changed(no)
            if news:
                notes.append(f"按{renum.old_label}的条号，{no}现为{'、'.join(news)}；请核对所引版本")
        detail = f"引文与{no}原文不符（相似度 {ratio:.0%}）"
        source = None
        if not notes and self.source_budget > 0:
            self.source_budget -= 1
            source = quote_source(self.store, article, quote)
        if source is not None:
            other, share = source
            detail += (f"；引文与{other}最接近（{share:.0%} 的原文见于引文），"
                       f"可能按旧版本条号或误写条号引用，请核对")
        return Verdict(VerdictKind.MISMATCH, title, no, detail, diff=char_diff(quote, article.text),
                       replacement=f"《{title}》{source[0]}" if source else None, notes=tuple(notes))

    def _superseded(self, title: str, article_no: str, article: Article | None,
                    quote: str | None, year: str | None = None) -> Verdict | None:
        """The citation's number belongs to an older numbering of this law."""
        renums = renumberings(self.store, title)
        if not renums:
            return None
        if quote:
            return self._superseded_by_quote(title, article_no, article, quote, renums)
        for renum in renums:
            news = renum.changed(article_no)
            if not news:
                continue
            if self.as_of and renum.effective_date and self.as_of < renum.effective_date:
                return self._superseded_verdict(title, article_no, renum, news, None)
            if year and renum.published and year < renum.published[:4]:
                return self._superseded_verdict(title, article_no, renum, news, None,
                                                why=f"引用注明{year}年版本")
        return None

    def _superseded_by_quote(self, title: str, article_no: str, article: Article | None, quote: str,
                             renums) -> Verdict | None:
        """The quote differs from the current article and matches the older version's text
        under this number, or the current text of the number the article has now."""
        current = self._compare(quote, article.text) if article is not None else ("differs", 0.0)
        if current[0] != "differs":
            return None
        current_ratio = current[1]
        for renum in renums:
            news = renum.changed(article_no)
            old_match = None
            if renum.old_law is not None:
                old_art = self.store.article(renum.old_law.law_id, article_no)
                if old_art is not None:
                    old_match = self._compare(quote, old_art.text)
            if news is None:
                if old_match and old_match[0] != "differs" and renum.old_to_new.get(article_no):
                    return self._superseded_verdict(title, article_no, renum,
                                                    renum.old_to_new[article_no], quote)
                continue
            texts = [t for t in (self._text(title, n) for n in news) if t]
            best = max((self._compare(quote, t) for t in texts), default=("differs", 0.0))
            if old_match and old_match[0] != "differs" or best[0] != "differs" \
                    or best[1] > max(current_ratio, 0.5):
                return self._superseded_verdict(title, article_no, renum, news, quote)
        return None

    def _text(self, title: str, article_no: str) -> str:
        art = self.store.get_article(title, article_no)
        return art.text if art else ""

    def _superseded_verdict(self, title, article_no, renum, news, quote, why: str | None = None
                            ) -> Verdict:
        current = "、".join(news)
        replacement = f"《{title}》{current}"
        why = why or ("引文与旧版本条文相符" if quote else f"文本日期早于{renum.effective_date}")
        if news == [article_no]:
            detail = f"{article_no}引用的是{renum.old_label}的文本（{why}）；现行文本条号未变，内容已修改"
        else:
            detail = f"{article_no}是{renum.old_label}的条号（{why}），现行条号为{current}"
        detail += f"；依据：{renum.source}"
        return Verdict(VerdictKind.SUPERSEDED_VERSION, title, article_no, detail, replacement)

    def _old_version_citation(self, citation: Citation, law, quote: str | None) -> Verdict:
        """A citation that names an older version explicitly (快递暂行条例（2019年修订）第三十四条)."""
        article_no = citation.ref.article_no
        for renum in renumberings(self.store, law.title):
            if renum.old_law is not None and renum.old_law.law_id == law.law_id:
                news = renum.old_to_new.get(article_no)
                if news == [article_no]:
                    old_art = self.store.article(law.law_id, article_no)
                    new_art = self.store.get_article(law.title, article_no)
                    if old_art and new_art and compare_quote(old_art.text, new_art.text)[0] == "equal":
                        return Verdict(VerdictKind.OK, law.title, article_no,
                                       f"引用注明{law.version}版本；现行文本{article_no}与之相同",
                                       notes=(f"现行版本：{new_art.law.version}",))
                if news:
                    return self._superseded_verdict(law.title, article_no, renum, news, quote,
                                                    why=f"引用注明{law.version}版本")
        return Verdict(VerdictKind.SUPERSEDED_VERSION, law.title, article_no,
                       f"引用的是《{law.title}》{law.version or ''}版本（{law.status}），现行文本中无对应条文")


def _paragraph(article: Article, paragraph: int | None) -> str:
    """The text of the cited 款 (all of it when the article has no such 款)."""
    return clause_text(article.text, paragraph) or article.text


def _missing_clause(article: Article, ref) -> str | None:
    return missing_clause(article.text, ref.paragraph, ref.item) if ref is not None else None


def _art(citation: Citation) -> str | None:
    return citation.ref.article_no if citation.ref else None


def _status(law) -> str:
    text = law.status
    if law.status == AMENDED:
        text = "现行文本（基础库整体标注“已被修改”）"
    if law.effective_date:
        text += f"（施行日期 {law.effective_date}）"
    return text


def _article_status(article: Article) -> str:
    """The law's status, and the amendment that gave the article its wording (经刑法修正案（十二）
    第一条修改，2024-03-01起施行) where falv applied one."""
    amended = article.amendment_note()
    return f"{_status(article.law)} · {amended}" if amended else _status(article.law)


# -- public API -------------------------------------------------------------------------------

def verify(store, citation: Citation, quoted_text: str | None = None, as_of: str | None = None
           ) -> Verdict:
    """The verdict on one citation; quoted_text (or citation.quoted_text) is compared verbatim."""
    quote = quoted_text if quoted_text is not None else citation.quoted_text
    return Verifier(store, as_of).verify(citation, quote)


def verify_ref(store, ref: Ref, quote: str | None = None, as_of: str | None = None) -> Verdict:
    """The verdict on one reference (a rule's basis, an answer's article): the same verifier as
    for a citation found in text. An unparseable article number is an InputError."""
    number, suffix = parse_article_no(ref.article)
    named = _Named(ref.law, ArticleRef(number, suffix, ref.paragraph, ref.item))
    return Verifier(store, as_of).verify(named, quote)



SPLIT_HINT = "请分段核验"


class TextCheck:
    """verify_text in steps, so that a caller holding a lock can let others go between them:
    `extract()` reads no store (the names were taken when the check was made), `check(batch)`
    verifies some of the citations. The text's work budgets (limits: MAX_SCAN_CHARS for the text
    and every quote compared, MAX_DIFF_CHARS for quotes that differ, MAX_QUOTE_SOURCES) hold over
    all the batches together."""

    def __init__(self, store, text: str, quotes: bool = False, as_of: str | None = None):
        if not isinstance(text, str):
            raise InputError("要核验的文本必须是字符串")
        check_length(text, "文本", MAX_TEXT_CHARS)
        if as_of is not None:
            parse_date(as_of)  # YYYY-MM-DD of a calendar day: 2020-13-45 is refused
        self.text, self.quotes = text, quotes
        self.scan = Budget(MAX_SCAN_CHARS, f"核验工作量超出上限：文本与所比对的引文合计超过 {MAX_SCAN_CHARS} 字"
                           "（引文相互重叠）", hint=SPLIT_HINT)
        self.scan.spend(len(text))
        diff = Budget(MAX_DIFF_CHARS, f"核验工作量超出上限：与原文不符、需逐字比对的引文超过 {MAX_DIFF_CHARS} 字",
                      hint=SPLIT_HINT)
        self.verifier = Verifier(store, as_of, diff_budget=diff)
        self.names = self.verifier.resolver.names()

    def extract(self) -> list[Citation]:
        return extract(self.text, names=self.names, quotes=self.quotes)

    def check(self, citations: list[Citation]) -> list[CheckedCitation]:
        out = []
        for cit in citations:
            cit = self.verifier.resolver.resolve(cit)
            quote = cit.quoted_text if self.quotes else None
            if quote:
                self.scan.spend(len(quote))
            out.append(CheckedCitation(cit, self.verifier.verify(cit, quote)))
        return out


def verify_text(store, text: str, quotes: bool = False, as_of: str | None = None
                ) -> list[CheckedCitation]:
    """Every citation in `text` with its verdict. quotes=True pairs each citation that opens a
    法律依据 line with the text after it (or a “…” quote) and checks that text; as_of (YYYY-MM-DD)
    dates the text, so numbers of a later renumbering are reported as superseded_version.
    Past a work budget (TextCheck) a LimitExceeded, never unbounded time."""
    job = TextCheck(store, text, quotes, as_of)
    return job.check(job.extract())


__all__ = ["verify", "verify_ref", "verify_text", "TextCheck", "CheckedCitation", "Verifier",
           "compare_quote", "char_diff"]
