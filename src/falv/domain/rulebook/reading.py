"""Reading a question into slots: each dimension's entries fired by their words (as typed, or
with one character wrong), negated words and the asker's own acts dropped, the actors put in the
order an answer takes them (agents.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...text import normalize
from .agents import by_the_asker, names_no_actor, order_agents
from .clauses import SENTENCE_END, inside, spans_of
from .vocabulary import Entry, Vocabulary

FUZZY_MIN_LEN = 3  # terms this long also match with one character wrong (nouns only)
MAX_FUZZY_TEXT = 400  # fuzzy matching only on question-sized text
NEAR = 16  # characters within which a `near` entry must meet one of the dimensions it names

Hit = tuple[str, int, int]  # (words, start, end)


def _fuzzy_find(term: str, text: str) -> str | None:
    """The window of `text` that equals `term` but for one character (same length), if any. The
    first and last characters must agree (快第员 is 快递员, 第三员 is not)."""
    n = len(term)
    i = text.find(term[0])
    while i != -1 and i + n <= len(text):
        window = text[i:i + n]
        if window[-1] == term[-1] and sum(a != b for a, b in zip(term, window)) == 1:
            return window
        i = text.find(term[0], i + 1)
    return None


def _spans(term: str, text: str, ordered: bool) -> list[tuple[int, int]]:
    """Where `term` occurs in `text`; in the ordered (actor) dimension not where it names no actor
    (agents.names_no_actor: 我的单位被公开, 发到物业群里, 自称京东客服)."""
    out = []
    start = text.find(term)
    while start != -1:
        end = start + len(term)
        if not ordered or not names_no_actor(text, start, end):
            out.append((start, end))
        start = text.find(term, start + 1)
    return out


# a question (是不是被骗了, 有没有泄露) asks; it does not deny
_NEGATED = re.compile(r"(?<![是有])(没有|并没有|没|未曾|并未|未|不是|从没|从来没有|从未|并非)$")


# words quoted as someone's accusation or claim (投诉我'辱骂司机', 说我"家暴"): not facts of the case
_CLAIMED = re.compile(r"((投诉|举报|诬告|指责|污蔑|定性|通报)(我|他|她|我们)?|(说|称|告)(我|他|她|我们))(是|为|说|了)?"
                      r"[“‘'\"「『](?P<said>[^“”‘’'\"「」『』]{1,30})[”’'\"」』]")


@lru_cache(maxsize=64)
def _claims(text: str) -> tuple[tuple[int, int], ...]:
    """Where the text quotes an accusation: found once per text, not once per entry read."""
    return tuple(m.span("said") for m in _CLAIMED.finditer(text))


def _claimed(text: str, start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in _claims(text))


def _negated(text: str, start: int) -> bool:
    """Whether the words at `start` are negated (快递员没有泄露: no leak was said)."""
    return bool(_NEGATED.search(text[max(0, start - 4):start]))


def _fired(entry: Entry, text: str, fuzzy: bool, ordered: bool, negatable: bool = False,
           avoid: tuple[tuple[int, int], ...] = ()) -> list[Hit]:
    """(words, start, end) of every occurrence that fires the entry; [] when an exclude vetoes it.
    In a `negatable` dimension (acts, issues) a negated occurrence does not count, nor one quoted as
    someone's accusation (投诉我'辱骂司机'). A fuzzy
    occurrence never overlaps an `avoid` span (an actor's words: 银行客户 is no 银行账户)."""
    if any(p.search(text) for p in entry.exclude):
        return []
    hits = [(t, s, e) for t in entry.terms for s, e in _spans(t, text, ordered)]
    hits += [(m.group(0), m.start(), m.end()) for p in entry.patterns for m in p.finditer(text)]
    # a longer term with one character wrong (培训几构), where it was not found as typed — never
    # for sensitive information, which a step then names as a fact (开卡记录 is no 开房记录)
    if fuzzy and not entry.get("sensitive"):
        for t in entry.terms:
            if len(t) >= FUZZY_MIN_LEN and t not in text and (w := _fuzzy_find(t, text)):
                i = text.find(w)
                if not any(a < i + len(w) and i < b for a, b in avoid):
                    hits.append((w, i, i + len(w)))
    if negatable:
        hits = [h for h in hits if not _negated(text, h[1]) and not _claimed(text, h[1], h[2])]
    return hits


def prepare(vocab: Vocabulary, question: str) -> str:
    """The text a vocabulary reads: normalised (繁→简, 全角→半角), lower case."""
    return normalize(question).lower()


def _close(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans are within NEAR characters of each other in the same sentence."""
    lo, hi = (a, b) if a[0] <= b[0] else (b, a)
    gap = max(0, hi[0] - lo[1])
    return gap <= NEAR and not SENTENCE_END.search(text, lo[1], hi[0])


def _longest(hits: dict[str, list]) -> dict[str, list]:
    """The hits with every occurrence inside another entry's longer occurrence dropped."""
    spans = [(h[1], h[2], eid) for eid, hs in hits.items() for h in hs]
    out = {}
    for eid, hs in hits.items():
        keep = [h for h in hs if not any(o[2] != eid and o[0] <= h[1] and h[2] <= o[1]
                                         and o[1] - o[0] > h[2] - h[1] for o in spans)]
        if keep:
            out[eid] = keep
    return out


@dataclass(frozen=True)
class Reading:
    """What a vocabulary read: each dimension's entry ids (data order; the ordered dimension with
    the agent of the first act first), the words behind each entry and where they stand."""

    slots: dict[str, list[str]]
    evidence: dict[str, list[str]]
    spans: dict[str, list[tuple[int, int]]]


def read_slots(vocab: Vocabulary, text: str, agent_of: str | None = None, **agents) -> Reading:
    """The slots of a prepared text. An entry with `needs` counts only when those dimensions were
    filled; with `near`, only when an entry of one of those dimensions stands within NEAR
    characters in the same sentence (卖了…身份证号, not 彩礼给了…她的电话). `agent_of`: the
    dimension of acts whose doer the ordered dimension (actors) puts first; `agents`: the other
    arguments of order_agents."""
    fuzzy = len(text) <= MAX_FUZZY_TEXT
    found: dict[str, list[str]] = {}
    evidence: dict[str, list[str]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for dim in vocab.dims:
        hits = _hits(vocab, dim, text, fuzzy, found, spans)
        found[dim] = _kept(vocab, dim, hits, found)
        for eid in found[dim]:
            evidence[f"{dim}.{eid}"] = list(dict.fromkeys(h[0] for h in hits[eid]))
            spans[f"{dim}.{eid}"] = sorted({(h[1], h[2]) for h in hits[eid]})
    if vocab.ordered and agents.get("objects"):  # 银行 in 银行卡号 names information, no actor
        _drop_information(vocab.ordered, agents["objects"], found, evidence, spans)
    if agent_of and vocab.ordered:
        found[vocab.ordered] = order_agents(text, vocab.ordered, found, spans, agent_of, **agents)
    return Reading(found, evidence, spans)


def _hits(vocab: Vocabulary, dim: str, text: str, fuzzy: bool, found: dict,
          spans: dict) -> dict[str, list[Hit]]:
    """The occurrences that fire each entry of `dim`, given what the dimensions before it read: an
    act the asker did does not count (asker_acts), a `near` entry only close to what it names; in
    the ordered (actor) dimension a word inside a longer actor's word is that actor's (网贷平台 is
    not 平台)."""
    ordered = dim == vocab.ordered
    avoid = () if ordered or not vocab.ordered else tuple(spans_of(found, spans, (vocab.ordered,)))
    hits = {}
    for eid, entry in vocab[dim].items():
        fired = _fired(entry, text, fuzzy and dim in vocab.fuzzy, ordered, dim in vocab.negatable, avoid)
        if fired and dim in vocab.asker_acts and vocab.ordered:
            fired = [h for h in fired if not by_the_asker(text, h[1], found, spans, vocab.ordered)]
        near = entry.get("near")
        if fired and near:
            others = spans_of(found, spans, near)
            fired = [h for h in fired if any(_close(text, (h[1], h[2]), o) for o in others)]
        if fired:
            hits[eid] = fired
    return _longest(hits) if ordered else hits


def _kept(vocab: Vocabulary, dim: str, hits: dict[str, list[Hit]], found: dict) -> list[str]:
    """The entries of `dim` that count: none another fired entry makes yield (`unless`), each with
    its `needs` filled; in the ordered dimension the one named first comes first (order_agents may
    reorder)."""
    table = vocab[dim]
    kept = [eid for eid in hits if not any(u in hits for u in table[eid].unless)]
    kept = [eid for eid in kept if all(found.get(d) for d in table[eid].needs)]
    if dim == vocab.ordered:
        kept.sort(key=lambda e: min(h[1] for h in hits[e]))
    return kept


def _drop_information(actors: str, objects, found: dict, evidence: dict, spans: dict) -> None:
    """Drop the actors every mention of which lies inside information read (`objects`: 银行 in
    银行卡号)."""
    taken = spans_of(found, spans, objects)
    kept = [a for a in found[actors] if not all(inside(sp, taken) for sp in spans[f"{actors}.{a}"])]
    for a in set(found[actors]) - set(kept):
        evidence.pop(f"{actors}.{a}")
    found[actors] = kept
