"""Find every statute citation in free text, with its span.

One pass of a few compiled regexes over the text (like eyecite's find step): law names in 《》 (one
level of nested 《》 allowed, for 司法解释 titles), known bare names (民法典, 刑法 …, from the alias
table and the base DB's titles), 本法/同法/该法, and article numbers 第X条[之Y][第Z款][第W项] with
full- or half-width digits and spaces inside. A small state machine then stitches law names to the
article numbers that follow, expands lists (、和及) and ranges (至/–) and pairs a citation that opens
a line of a 法律依据 block with the quoted article text that follows it.
Spans always index the input string as given.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable

from ..errors import FalvError, InputError
from ..limits import MAX_CITATIONS, MAX_TEXT_CHARS, check_length
from ..text import ARABIC_NUMERAL, CN_NUMERAL, cn_to_int
from .models import ArticleRef, Citation
from .names import VERSION_REMARK, load_aliases, repealed_names

HS = r"[ \t\u3000]*"  # horizontal space: citations never run across lines
NUM = rf"(?:{ARABIC_NUMERAL}{{1,5}}|{CN_NUMERAL}{{1,10}})"
SUFFIX = r"(?:[一二三四五六七八九十]{1,3}|[0-9０-９]{1,2})"
ARTICLE = (rf"第{HS}(?P<n>{NUM}){HS}[条條](?:{HS}之{HS}(?P<s>{SUFFIX}))?"
           rf"(?:{HS}第{HS}(?P<k>{NUM}){HS}款)?(?:{HS}第{HS}(?P<x>{NUM}){HS}[项項])?")
_ARTICLE_RE = re.compile(ARTICLE)
BRACKETED = r"《(?:[^《》\n]|《[^《》\n]{0,80}》){1,160}》|〈(?:[^〈〉\n]){1,160}〉"
SELF = r"本(?:法|条例|规定|解释|决定|办法|细则)"
SAME = r"(?:同法|该法|同条例|该条例|该解释|该规定|该决定)"
# 版本说明 between a name and its article: 《网络安全法》（2016年）第四十条
VERSION = VERSION_REMARK
_VERSION_RE = re.compile(HS + VERSION)
LIST_SEP = re.compile(rf"{HS}(?:、|，|,|和|及|以及|与|或者|或){HS}\Z")
RANGE_SEP = re.compile(rf"{HS}(?:至|到|—|–|－|-|～|~|—{{2}}){HS}\Z")
GAP = re.compile(HS + r"\Z")
# 《…决定》 八、 — NPCSC decisions number their items 一、二、…
DECISION_ITEM = re.compile(rf"{HS}(?P<item>[一二三四五六七八九十]{{1,3}})、")
# 引号引文: 《民法典》第1038条规定：“……”
MAX_QUOTE_CHARS = 4000
QUOTE_OPEN = re.compile(rf"{HS}(?:规定|明确规定|指出)?{HS}[:：，,]?{HS}[“\"「]")
_CLOSE_QUOTE = re.compile(r'[”"」]')
_NEWLINE = re.compile(r"\n")
# what may open a line before a citation of a 法律依据 block (matched once per line, greedily:
# a citation opens the line when it starts where this ends)
HEAD_LEAD = re.compile(rf"{HS}(?:【?(?:法律依据|相关法条|法条|依据)】?{HS}[:：]?{HS})?")
# a 法律依据 label inside a line, right before the citation: 回答：…。法律依据：《治安管理处罚法》第四十二条有下列…
# (【法律依据】 / 法律依据：, read backwards from the citation over the blanks between)
INLINE_LABELS = ("法律依据", "相关法条")
_BLANK = " \t\u3000"
# lines where a quoted article ends: next entry ㈠, a 【label】, an analysis label, a blank line
BLOCK_END = re.compile(r"\n(?=[ \t\u3000\r]*(?:[㈠-㈩]|【|法律分析|法律依据|问题[:：]|\n|\Z"
                       r"|[0-9０-９]{1,2}、))")
# names that are instruments even without an article (so 《侵权责任法》 in analysis is caught)
INSTRUMENT_SUFFIX = re.compile(
    r"(?:法|法典|条例|规定|解释|决定|办法|细则|规则|通则|总则|准则|意见|批复|答复|通知|纪要|修正案|[）)])$")
MAX_RANGE = 300  # a range wider than this keeps only its endpoints


@dataclass
class _Law:
    text: str  # the name as written, without 《》
    start: int
    end: int
    kind: str  # bracketed · bare · self · same
    version: str | None = None

    @property
    def written(self) -> str:
        """The name every citation of this law carries: with its version remark, which verify
        uses to pick the version (网络安全法（2016年）)."""
        return f"{self.text}（{self.version}）" if self.version else self.text


def extract(text: str, names: Iterable[str], quotes: bool = False) -> list[Citation]:
    """Every citation in `text`, in order of position.

    `names` are the bare law names to recognise without 《》 (a store's: Resolver.names(); the
    caller gives them, so finding citations never opens a database). With quotes=True, a citation that opens a
    line of a 法律依据 block (or is followed by “…”) carries the quoted text in `quoted_text`.
    """
    if not isinstance(text, str):
        raise InputError("要查找引用的文本必须是字符串")
    check_length(text, "文本", MAX_TEXT_CHARS)
    if not text:
        return []
    master = _master_regex(frozenset(names))
    return _Scanner(text, quotes).run(master)


class _Scanner:
    def __init__(self, text: str, quotes: bool):
        self.text = text
        self.quotes = quotes
        self.out: list[Citation] = []
        self.heads: list[int] = []  # indexes in out of citations that open a quote block
        self.stops: list[int] = []  # starts of citations that end a quote (《》-named ones, heads)
        self.pending: _Law | None = None  # a law name waiting for its article
        self.last_named: _Law | None = None  # most recent explicitly named law (同法/该法)
        self.chain_law: _Law | None = None  # law of the article chain in progress
        self.chain_end = -1  # end of the last article of that chain
        self.chain_ref: ArticleRef | None = None
        self.chain_start = -1
        self.block_ends = [m.start() for m in BLOCK_END.finditer(text)]
        # every test below looks at a bounded stretch of text, or at one found through these
        # positions (bisect), never at a whole line prefix per citation: one line holding
        # thousands of citations costs what thousands of lines do (issue 22)
        self.newlines = [m.start() for m in _NEWLINE.finditer(text)]
        self.lead_end: dict[int, int] = {}  # line start → end of its HEAD_LEAD
        self.closers = [m.start() for m in _CLOSE_QUOTE.finditer(text)] if quotes else []
        self.quote_law: _Law | None = None  # law of the article being quoted
        self.quote_until = -1

    def run(self, master: re.Pattern) -> list[Citation]:
        for m in master.finditer(self.text):
            if len(self.out) > MAX_CITATIONS:
                raise InputError(f"引用过多（超过 {MAX_CITATIONS} 处）", hint="请分段核验")
            kind = m.lastgroup
            if kind == "art":
                self._article(m)
                continue
            if kind in ("rng", "lst"):
                self._compact_range(m)
                continue
            self._flush_pending()
            law = self._law_at(m)
            if law is not None:
                self._named(law)
        self._flush_pending()
        if self.quotes:
            self._attach_quotes()
        return self.out

    # -- pieces ---------------------------------------------------------------------------------

    def _law_at(self, m: re.Match) -> _Law | None:
        """The law a match names: 《name》, a bare name, 本法 (the law quoted or last named) or
        该法/同法 (the last named); None where 本法/该法 has nothing to refer to."""
        kind = m.lastgroup
        if kind == "br":
            return _Law(m.group()[1:-1], m.start(), m.end(), "bracketed")
        if kind == "bare":
            return _Law(m.group(), m.start(), m.end(), "bare")
        if kind == "self":
            ref_law = self._self_law(m.start())
            if ref_law is None:
                return None
            return _Law(ref_law.text, m.start(), m.end(), "self", ref_law.version)
        if self.last_named is None:  # same
            return None
        return _Law(self.last_named.text, m.start(), m.end(), "same", self.last_named.version)

    def _named(self, law: _Law) -> None:
        """A law named: its version (（2018年修正）) read, the last named and the quote bounds
        updated, and it pending for the articles that follow (a 决定's item emitted at once)."""
        text = self.text
        v = _VERSION_RE.match(text, law.end)
        if v and law.kind in ("bracketed", "bare") and _ARTICLE_AT.match(text, v.end()):
            law.version = v.group().strip()[1:-1]
            law.end = v.end()
        if law.kind in ("bracketed", "bare"):
            self.last_named = law
        if law.kind == "bracketed" and self._is_head(law.start):
            # a line that opens with a 《》 name ends the article quoted above it
            self.stops.append(law.start)
            if self.quote_until > law.start:
                self.quote_until = law.start
        self.pending = law
        if law.kind == "bracketed" and law.text.endswith("决定"):
            item = DECISION_ITEM.match(text, law.end)
            if item:
                ref = ArticleRef(cn_to_int(item.group("item")))
                self._emit(law, ref, law.start, item.end())
                self.pending = None

    def _self_law(self, pos: int) -> _Law | None:
        if self.quote_law is not None and pos < self.quote_until:
            return self.quote_law
        return self.last_named

    def _flush_pending(self) -> None:
        law = self.pending
        self.pending = None
        if law is None or law.kind != "bracketed":
            return
        name = law.text
        if INSTRUMENT_SUFFIX.search(name) or name in _alias_keys():
            self.out.append(Citation(name, None, (law.start, law.end), self.text[law.start:law.end]))

    def _article(self, m: re.Match) -> None:
        text = self.text
        ref = _ref(m)
        if ref is None:
            return
        law = self.pending
        if law is not None and GAP.match(text, law.end, m.start()):
            self.pending = None
            self._emit(law, ref, law.start, m.end())
            return
        self._flush_pending()
        unknown = UNKNOWN_NAME.search(text, max(0, m.start() - 40), m.start())
        if unknown:
            name = LEADING_VERB.sub("", unknown.group("name"))
            if len(name) >= 3:
                law = _Law(name, unknown.start("name") + len(unknown.group("name")) - len(name),
                           unknown.end("name"), "bare")
                self.last_named = law
                self._emit(law, ref, law.start, m.end())
                return
        if self.chain_law is not None and m.start() - self.chain_end <= 8:
            gap = text[self.chain_end:m.start()]
            if LIST_SEP.match(gap):
                self._emit(self.chain_law, ref, m.start(), m.end(), chained=True)
                return
            if RANGE_SEP.match(gap) and self.chain_ref is not None:
                self._expand_range(m, ref)
                return
        if self.quote_law is not None and m.start() < self.quote_until:
            # a bare 第X条 inside a quoted article refers to that article's law
            self._emit(self.quote_law, ref, m.start(), m.end(), chained=True)
            return
        if self.chain_law is not None and self._line_start(self.chain_end) == self._line_start(m.start()):
            self._emit(self.chain_law, ref, m.start(), m.end(), chained=True)

    def _compact_range(self, m: re.Match) -> None:
        """第44-50条 / 第四十四至五十条 / 第44、45条: one citation per article, all with the span of
        the whole expression."""
        try:
            if m.lastgroup == "lst":
                numbers = [cn_to_int(x) for x in _LIST_NUM.findall(m.group("lb"))]
            else:
                lo, hi = cn_to_int(m.group("ra")), cn_to_int(m.group("rb"))
                numbers = list(range(lo, hi + 1)) if 0 < lo < hi and hi - lo <= MAX_RANGE else []
        except FalvError:
            return
        law = self.pending
        if law is not None and GAP.match(self.text, law.end, m.start()):
            self.pending = None
            start = law.start
        elif self.quote_law is not None and m.start() < self.quote_until:
            law, start = self.quote_law, m.start()
        else:
            self._flush_pending()
            return
        numbers = [n for n in numbers if n > 0]
        if not numbers:
            return
        for n in numbers:
            self.out.append(Citation(law.written, ArticleRef(n), (start, m.end()), self.text[start:m.end()]))
        self.chain_law, self.chain_end, self.chain_ref, self.chain_start = \
            law, m.end(), ArticleRef(numbers[-1]), start

    def _expand_range(self, m: re.Match, ref: ArticleRef) -> None:
        first = self.chain_ref
        law = self.chain_law
        lo, hi = first.number, ref.number
        if hi > lo and not first.suffix and not ref.suffix and hi - lo <= MAX_RANGE:
            span_start = self.chain_start
            for n in range(lo + 1, hi):
                self.out.append(Citation(law.written, ArticleRef(n), (span_start, m.end()),
                                         self.text[span_start:m.end()]))
        self._emit(law, ref, m.start(), m.end(), chained=True)

    def _emit(self, law: _Law, ref: ArticleRef, start: int, end: int, *, chained: bool = False
              ) -> None:
        self.out.append(Citation(law.written, ref, (start, end), self.text[start:end]))
        self.chain_law, self.chain_end, self.chain_ref, self.chain_start = law, end, ref, start
        if not chained and law.kind in ("bracketed", "bare") and self._is_head(start) \
                and not NOT_QUOTE.match(self.text, end):
            self.heads.append(len(self.out) - 1)
            self.quote_law = law
            self.quote_until = self._block_end(end)

    def _line_start(self, pos: int) -> int:
        i = bisect.bisect_left(self.newlines, pos)
        return self.newlines[i - 1] + 1 if i else 0

    def _is_head(self, start: int) -> bool:
        """The citation at `start` opens its line (after blanks and a 法律依据 label) or follows a
        法律依据 label inside it."""
        line_start = self._line_start(start)
        lead = self.lead_end.get(line_start)
        if lead is None:
            lead = self.lead_end[line_start] = HEAD_LEAD.match(self.text, line_start).end()
        return start == lead or self._after_inline_label(line_start, start)

    def _after_inline_label(self, line_start: int, start: int) -> bool:
        """【法律依据】 / 法律依据： right before `start` (blanks between), within the line."""
        text = self.text
        p = _skip_blanks_back(text, start, line_start)
        if p > line_start and text[p - 1] == "】":
            return any(text.startswith("【" + label + "】", p - len(label) - 2) and p - len(label) - 2 >= line_start
                       for label in INLINE_LABELS)
        if p > line_start and text[p - 1] in ":：":
            q = _skip_blanks_back(text, p - 1, line_start)
            return any(q - len(label) >= line_start and text.startswith(label, q - len(label))
                       for label in INLINE_LABELS)
        return False

    def _block_end(self, pos: int) -> int:
        i = bisect.bisect_right(self.block_ends, pos)
        return self.block_ends[i] if i < len(self.block_ends) else len(self.text)

    def _attach_quotes(self) -> None:
        text = self.text
        head_set = set(self.heads)
        head_starts = sorted(set(self.stops) | {self.out[i].span[0] for i in self.heads})
        for i, cit in enumerate(self.out):
            if cit.ref is None:
                continue
            end = cit.span[1]
            # only the last article of a list or range carries a quote
            nxt = self.out[i + 1] if i + 1 < len(self.out) else None
            if nxt is not None and nxt.span[0] <= end + 8 and nxt.law_text == cit.law_text:
                continue
            quoted = self._quote_after(end)
            if quoted is None and i in head_set:
                j = bisect.bisect_right(head_starts, cit.span[0])
                stop = min(self._block_end(end), head_starts[j] if j < len(head_starts) else len(text))
                quoted = text[end:stop].strip(" \t\u3000\r\n:：")
            if quoted and _WORDS.search(quoted):  # punctuation alone is not a quote
                self.out[i] = replace(cit, quoted_text=quoted)


    def _quote_after(self, end: int) -> str | None:
        """The “…” quote right after a citation (规定：“…”): up to the first closing mark, found
        through the closers' positions rather than by scanning (2 to MAX_QUOTE_CHARS long)."""
        m = QUOTE_OPEN.match(self.text, end)
        if not m:
            return None
        i = bisect.bisect_left(self.closers, m.end())
        if i == len(self.closers):
            return None
        close = self.closers[i]
        return self.text[m.end():close] if 2 <= close - m.end() <= MAX_QUOTE_CHARS else None


def _skip_blanks_back(text: str, pos: int, floor: int) -> int:
    """The position after the last non-blank character before `pos` (not below `floor`)."""
    while pos > floor and text[pos - 1] in _BLANK:
        pos -= 1
    return pos


# what follows a citation that is not a quote of it: a connector, punctuation, 规定…
NOT_QUOTE = re.compile(HS + r"(?:[、，,；;。.．和及与等或至到–—\-~～)）]|规定|的|中|之)")
_LIST_NUM = re.compile(NUM)
_WORDS = re.compile(r"[^\W_]{2}")
_ARTICLE_AT = re.compile(HS + r"第" + HS + NUM)
# an instrument name the tables do not know, right before 第X条 (消费者权益保护法实施条例第五条):
# it must not be taken for the previous citation's law
UNKNOWN_NAME = re.compile(r"(?P<name>[\u4e00-\u9fff]{1,30}(?:法|法典|条例|解释|办法|细则))" + HS + r"\Z")
LEADING_VERB = re.compile(r"^(?:(?:依据|根据|按照|依照|违反|适用|参照|对照|结合|依|据|按|见|和|及|与|或|即|如)+)")


def _ref(m: re.Match) -> ArticleRef | None:
    try:
        number = cn_to_int(m.group("n"))
        suffix = cn_to_int(m.group("s")) if m.group("s") else 0
        paragraph = cn_to_int(m.group("k")) if m.group("k") else None
        item = cn_to_int(m.group("x")) if m.group("x") else None
    except FalvError:
        return None
    if number <= 0:
        return None
    return ArticleRef(number, suffix, paragraph, item)


# -- compiled patterns ------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _master_regex(names: frozenset[str]) -> re.Pattern:
    bare_names = [n for n in names if len(n) >= 2]
    bare = _trie_regex(bare_names)
    parts = [rf"(?P<br>{BRACKETED})", rf"(?P<self>{SELF})(?={HS}第)", rf"(?P<same>{SAME})(?={HS}第)"]
    if bare:
        # one character-class test before the trie's hundreds of first-character branches, which
        # the regex engine would otherwise try in turn at every position of the text
        first = "".join(sorted({re.escape(n[0]) for n in bare_names}))
        parts.append(rf"(?P<bare>(?=[{first}]){bare})(?={HS}(?:{VERSION}{HS})?第{HS}{NUM})")
    parts.append(rf"(?P<rng>第{HS}(?P<ra>{NUM}){HS}(?:至|到|-|–|—|～|~){HS}(?P<rb>{NUM}){HS}[条條])")
    parts.append(rf"(?P<lst>第{HS}(?P<lb>{NUM}(?:{HS}[、，,]{HS}{NUM})+){HS}[条條])")
    parts.append(rf"(?P<art>{ARTICLE})")
    # the characters a match can start with: keep in step with the alternatives above
    starts = "《〈本同该第" + (first if bare else "")
    return re.compile(f"(?=[{starts}])(?:" + "|".join(parts) + ")")


def _trie_regex(words: Iterable[str]) -> str:
    """An alternation of many words as a trie, so the regex engine does not try each in turn."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    if not trie:
        return ""

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        # longer branches first; the end marker last makes the group optional (greedy)
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


@lru_cache(maxsize=1)
def _alias_keys() -> frozenset[str]:
    return frozenset(load_aliases()) | frozenset(repealed_names())
