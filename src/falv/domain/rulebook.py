"""The machinery every domain shares: a vocabulary that reads a question into slots (who, what,
what was done …, each with the words that supported it), and a rulebook whose rules turn slots
into steps of advice. Both are data files of the domain; both validate themselves on load, so an
unknown key or id (`act = ["harras"]`) is an error naming file:line, never a rule that silently
never fires.

Why one machinery: a domain is data plus a little code. Personal information, labour, family …
read questions and order their steps the same way; only their words, rules and flags differ.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable

from ..text import normalize
from .basis import Basis, parse_basis

FUZZY_MIN_LEN = 3  # terms this long also match with one character wrong (nouns only)
MAX_FUZZY_TEXT = 400  # fuzzy matching only on question-sized text
ENTRY_KEYS = frozenset({"terms", "patterns", "exclude", "unless", "needs"})
# `states`: words that, in a step, state this entry's fact of the case (tests tie them to rules'
# conditions); `presumed`: an actor every case of the domain has (a labour dispute's employer), whose
# words state nothing; `near`: dimensions one of whose entries must stand close by in the same
# sentence (卖 counts as selling information only next to the information sold); `weight`: the
# entry's share of its domain's fit score (area domains)
COMMON_ATTRIBUTES = frozenset({"states", "weight", "presumed", "near"})
RULE_KEYS = frozenset({"id", "urgency", "priority", "when", "unless", "text", "basis", "channels",
                       "generic"})


class RulebookError(ValueError):
    """A domain data file that does not validate: the message names file:line."""


# -- data files ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DataFile:
    """A TOML data file of a domain package, with its raw lines for error locations."""

    name: str  # package-relative label (personal_info/data/rules.toml)
    data: dict
    lines: tuple[str, ...]

    @classmethod
    def load(cls, package: str, name: str) -> "DataFile":
        raw = resources.files(package).joinpath("data", name).read_text("utf-8")
        label = f"{package.rsplit('.', 1)[-1]}/data/{name}"
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise RulebookError(f"{label}: {exc}") from None
        return cls(label, data, tuple(raw.splitlines()))

    def line_of(self, *needles: str) -> int:
        """The line (1-based) where the needles occur in order, each on or after the previous
        one's line; 0 when not found."""
        start = 0
        for needle in needles:
            for i in range(start, len(self.lines)):
                if needle in self.lines[i]:
                    start = i
                    break
            else:
                return 0
        return start + 1

    def error(self, message: str, *needles: str) -> RulebookError:
        line = self.line_of(*needles) if needles else 0
        return RulebookError(f"{self.name}:{line}: {message}" if line else f"{self.name}: {message}")


# -- vocabulary ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One value a slot can take (actor.express, act.sell …) and the words that say it."""

    dim: str
    id: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern, ...] = ()
    exclude: tuple[re.Pattern, ...] = ()
    unless: tuple[str, ...] = ()  # other entries of the dimension that make this one yield
    needs: tuple[str, ...] = ()  # dimensions (read earlier) that must be filled for this to count
    attrs: dict = field(default_factory=dict, compare=False, hash=False)  # domain attributes

    def get(self, key: str, default=None):
        return self.attrs.get(key, default)


@dataclass(frozen=True)
class Vocabulary:
    """The slots of a domain (in reading order) and their entries; `fuzzy`: the dimensions whose
    longer terms also match with one wrong character; `ordered`: the dimension whose entries are
    ordered by where they first occur (the actor)."""

    dims: tuple[str, ...]
    entries: dict[str, dict[str, Entry]]
    fuzzy: tuple[str, ...] = ()
    ordered: str | None = None
    negatable: tuple[str, ...] = ()  # dimensions whose negated words do not count (acts, issues)
    asker_acts: tuple[str, ...] = ()  # dimensions of acts that do not count when the asker did them

    def __getitem__(self, dim: str) -> dict[str, Entry]:
        return self.entries[dim]

    def has(self, dim: str, eid: str) -> bool:
        return eid in self.entries.get(dim, {})


def load_vocabulary(file: DataFile, dims: tuple[str, ...], attrs: dict[str, frozenset[str]] | None = None,
                    fuzzy: tuple[str, ...] = (), ordered: str | None = None,
                    negatable: tuple[str, ...] = (), asker_acts: tuple[str, ...] = ()) -> Vocabulary:
    """The vocabulary of `file`, validated: each entry's keys are the common ones or the
    dimension's declared attributes (`attrs[dim]`), `unless` names entries of the same
    dimension, `needs` names dimensions read before this one, patterns compile."""
    attrs = attrs or {}
    entries: dict[str, dict[str, Entry]] = {}
    for n, dim in enumerate(dims):
        entries[dim] = {}
        for eid, spec in file.data.get(dim, {}).items():
            where = (f"[{dim}.{eid}]",)
            if not isinstance(spec, dict):
                raise file.error(f"{dim}.{eid} 应为表", *where)
            unknown = set(spec) - ENTRY_KEYS - COMMON_ATTRIBUTES - attrs.get(dim, frozenset())
            if unknown:
                key = sorted(unknown)[0]
                raise file.error(f"{dim}.{eid}: 未知的键 {key!r}", *where, key)
            needs = tuple(spec.get("needs", []))
            for key in ("needs", "near"):
                for d in spec.get(key, []):
                    if d not in dims[:n + (key == "near")]:
                        raise file.error(f"{dim}.{eid}: {key} 只能是先读的维度，{d!r} 不是", *where, key)
            try:
                patterns = tuple(re.compile(p) for p in spec.get("patterns", []))
                exclude = tuple(re.compile(p) for p in spec.get("exclude", []))
            except re.error as exc:
                raise file.error(f"{dim}.{eid}: 正则表达式有误：{exc}", *where) from None
            entries[dim][eid] = Entry(
                dim=dim, id=eid, terms=tuple(t.lower() for t in spec.get("terms", [])),
                patterns=patterns, exclude=exclude, unless=tuple(spec.get("unless", [])),
                needs=needs, attrs={k: v for k, v in spec.items() if k not in ENTRY_KEYS})
        for eid, e in entries[dim].items():
            for u in e.unless:
                if u not in entries[dim]:
                    raise file.error(f"{dim}.{eid}: unless 中的 {u!r} 不是 {dim} 的条目",
                                     f"[{dim}.{eid}]", u)
    for d in fuzzy:
        if d not in dims:
            raise RulebookError(f"{file.name}: 模糊匹配的维度 {d!r} 不存在")
    if "typos" in file.data:  # typo tolerance is the reading's, measured over whole sets
        raise file.error("不收录“已知错别字”表：容错由模糊匹配负责", "[typos]")
    return Vocabulary(tuple(dims), entries, tuple(fuzzy), ordered, tuple(negatable),
                      tuple(asker_acts))


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


# An actor word in these positions names no actor: 我的单位 (information), 物业群 / 业主群 (a place)
_NOT_ACTOR_BEFORE = ("我的", "我们的", "寄到我", "到我", "给我", "打我", "找我", "自称", "冒充", "假冒",
                     "假装", "说是", "自称是", "冒充我")
_NOT_ACTOR_AFTER = ("群", "圈", "姓名", "名字", "身份证", "的成绩", "的姓名",
                    "的名字", "的信息", "的电话", "的照片", "的身份证", "的住址", "的地址", "的隐私",
                    "的资料", "的手机")


_IMPERSONATED = re.compile(r"(自称|冒充|假冒|假装|装成)[^，。；,;]{0,5}$")
_POSED_AS = re.compile(r"(说是|称是|说他是|说自己是)[^，。；,;]{0,6}$")  # 对方说是某购物平台的客服
_POSED_ROLE = re.compile(r"的?(客服|工作人员|员工|警察|民警|领导)")


def _spans(term: str, text: str, ordered: bool) -> list[tuple[int, int]]:
    """Where `term` occurs in `text`; in the ordered (actor) dimension not as 我的X (information:
    我的单位被公开), X群 (a chat group: 发到物业群里) nor the one impersonated (自称京东客服)."""
    out = []
    start = text.find(term)
    while start != -1:
        end = start + len(term)
        if not ordered or not (text[max(0, start - 3):start].endswith(_NOT_ACTOR_BEFORE)
                               or text[end:end + 3].startswith(_NOT_ACTOR_AFTER)
                               or _IMPERSONATED.search(text, max(0, start - 8), start)
                               or (_POSED_AS.search(text, max(0, start - 8), start)
                                   and _POSED_ROLE.match(text, end))):
            out.append((start, end))
        start = text.find(term, start + 1)
    return out


# a question (是不是被骗了, 有没有泄露) asks; it does not deny
_NEGATED = re.compile(r"(?<![是有])(没有|并没有|没|未曾|并未|未|不是|从没|从来没有|从未|并非)$")


def _negated(text: str, start: int) -> bool:
    """Whether the words at `start` are negated (快递员没有泄露: no leak was said)."""
    return bool(_NEGATED.search(text[max(0, start - 4):start]))


def _fired(entry: Entry, text: str, fuzzy: bool, ordered: bool, negatable: bool = False,
           avoid: tuple[tuple[int, int], ...] = ()) -> list[tuple[str, int, int]]:
    """(words, start, end) of every occurrence that fires the entry; [] when an exclude vetoes it.
    In a `negatable` dimension (acts, issues) a negated occurrence does not count. A fuzzy
    occurrence never overlaps an `avoid` span (an actor's words: 银行客户 is no 银行账户)."""
    if any(p.search(text) for p in entry.exclude):
        return []
    hits = [(t, s, e) for t in entry.terms for s, e in _spans(t, text, ordered)]
    hits += [(m.group(0), m.start(), m.end()) for p in entry.patterns for m in p.finditer(text)]
    if fuzzy:  # a longer term with one character wrong (培训几构), where it was not found as typed
        for t in entry.terms:
            if len(t) >= FUZZY_MIN_LEN and t not in text and (w := _fuzzy_find(t, text)):
                i = text.find(w)
                if not any(a < i + len(w) and i < b for a, b in avoid):
                    hits.append((w, i, i + len(w)))
    if negatable:
        hits = [h for h in hits if not _negated(text, h[1])]
    return hits


def prepare(vocab: Vocabulary, question: str) -> str:
    """The text a vocabulary reads: normalised (繁→简, 全角→半角), lower case."""
    return normalize(question).lower()


NEAR = 16  # characters within which a `near` entry must meet one of the dimensions it names
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def _close(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans are within NEAR characters of each other in the same sentence."""
    lo, hi = (a, b) if a[0] <= b[0] else (b, a)
    gap = max(0, hi[0] - lo[1])
    return gap <= NEAR and not _SENTENCE_END.search(text, lo[1], hi[0])


_CLAUSE_START = re.compile(r"[，。；！？,;!?：:]")
# a mention that only received or learnt of it (初中同学都接到了, 家人都知道了) did not do it
_RECEIVER_AFTER = re.compile(r"(都|也|全|全都)?(接到|收到|看到|知道|看见|听说)")
_PRONOUN = re.compile(r"(他们|她们|他|她|对方)")  # standing for a doer named before
_HEARD = re.compile(r"(听说|听到|听[^，。；,;]{0,8}说|发现|看到|得知)")  # what the asker learnt of
_ASKER_SUBJECT = re.compile(r"^(刚才|昨天|今天|前天|上个月|上周|去年|前年|后来|当时|之前|然后|结果|但是?|可是?|而且?|就|也|还|又|都)?"
                            r"我(?!的|们)(自己)?")


def _by_the_asker(text: str, start: int, found: dict, spans: dict, actors: str) -> bool:
    """Whether the act at `start` is the asker's own (我告诉领导自己怀孕了, 我自己把快递盒扔了): its
    clause begins with 我 as the subject and names no actor before the act."""
    clause = max((m.end() for m in _CLAUSE_START.finditer(text, 0, start)), default=0)
    head = text[clause:start]
    if not _ASKER_SUBJECT.match(head) or "被" in head or text.startswith("被", start):
        return False
    if _PRONOUN.search(head) or _HEARD.search(head):  # 我听租客说他把复印件卖了: his act, not mine
        return False
    return not any(clause <= sp[0] < start for k in found.get(actors, [])
                   for sp in spans.get(f"{actors}.{k}", []))


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
        table = vocab[dim]
        ordered = dim == vocab.ordered
        hits = {}
        avoid = () if ordered or not vocab.ordered else tuple(
            sp for k in found.get(vocab.ordered, []) for sp in spans[f"{vocab.ordered}.{k}"])
        for eid, entry in table.items():
            fired = _fired(entry, text, fuzzy and dim in vocab.fuzzy, ordered,
                           dim in vocab.negatable, avoid)
            if fired and dim in vocab.asker_acts and vocab.ordered:
                fired = [h for h in fired if not _by_the_asker(text, h[1], found, spans, vocab.ordered)]
            near = entry.get("near")
            if fired and near:
                others = [sp for d in near for k in found.get(d, []) for sp in spans[f"{d}.{k}"]]
                fired = [h for h in fired if any(_close(text, (h[1], h[2]), o) for o in others)]
            if fired:
                hits[eid] = fired
        if ordered:  # a word inside a longer actor's word is that actor's (网贷平台 is not 平台)
            hits = _longest(hits)
        kept = [eid for eid in hits if not any(u in hits for u in table[eid].unless)]
        kept = [eid for eid in kept if all(found.get(d) for d in table[eid].needs)]
        if ordered:  # the one named first comes first (order_agents may reorder)
            kept.sort(key=lambda e: min(h[1] for h in hits[e]))
        found[dim] = kept
        for eid in kept:
            evidence[f"{dim}.{eid}"] = list(dict.fromkeys(h[0] for h in hits[eid]))
            spans[f"{dim}.{eid}"] = sorted({(h[1], h[2]) for h in hits[eid]})
    if vocab.ordered and agents.get("objects"):  # 银行 in 银行卡号 names information, no actor
        taken = [sp for d in agents["objects"] for k in found.get(d, []) for sp in spans[f"{d}.{k}"]]
        kept = [a for a in found[vocab.ordered] if not all(
            any(o[0] <= sp[0] and sp[1] <= o[1] for o in taken) for sp in spans[f"{vocab.ordered}.{a}"])]
        for a in set(found[vocab.ordered]) - set(kept):
            evidence.pop(f"{vocab.ordered}.{a}")
        found[vocab.ordered] = kept
    if agent_of and vocab.ordered:
        found[vocab.ordered] = order_agents(text, vocab.ordered, found, spans, agent_of, **agents)
    return Reading(found, evidence, spans)


# Words before an actor's mention that make it the object of the act, not its doer: 发给单位领导,
# 向物业投诉, 跟中介说, 在银行办卡 (a place), 去医院, 找老板
_OBJECT_BEFORE = re.compile(r"(给|向|对|跟|和|与|(?<![看听收接遇碰想提拿])找|问|去|(?<![看听找收接得遇碰想提拿])到|(?<![现正还都实存好])在|让|叫|请|帮|替|根据)"
                            r"[^，。；,;给向对跟和与找问去到在让叫请帮替把被了的]{0,4}$")


_OWNED = re.compile(r"^(的|里|里的|里面的|那边的|那里的|那个|的那个|里有|里面有|上班的|工作的|做的|当[^，。]{0,2}的)?$")


def _owner(text: str, mentions: list, m: tuple) -> str:
    """The actor a mention stands for: a person named right after an organisation belongs to it
    (驿站的老板, 中介的业务员, 医院里有人, 物业前台)."""
    while True:
        prev = [p for p in mentions if p[1] <= m[0] and m[0] - p[1] <= 3 and p[2] != m[2]]
        if not prev or not _OWNED.match(text[prev[-1][1]:m[0]]):
            return m[2]
        m = prev[-1]


def order_agents(text: str, dim: str, found: dict, spans: dict, acts: str,
                 objects: tuple[str, ...] = (), first: tuple[str, ...] = (),
                 weak: frozenset = frozenset(), strong: frozenset = frozenset(),
                 yielding: frozenset = frozenset(), firm: frozenset = frozenset()) -> list[str]:
    """The actors in the order an answer should take them: first the one who did the act
    complained of (who leaked, posted, sold, called), not the first organisation named. The acts
    are taken in the order `first` gives (selling before a phone call), then as named. The doer of
    an act is the actor named after 被 before it (被物业泄露), else the nearest one named before it
    in its sentence that is not the object of a preposition (发给单位领导, 向物业投诉) nor part of
    the information (`objects`: 工作单位), a person belonging to the organisation named just before
    (驿站的老板), else — where a pronoun stands for the doer (照片被他们发到…) — the actor named last
    before the pronoun, else the nearest one after it in the same sentence. A `weak` doer (an
    indefinite 有人) yields to a `strong` actor named too (the holder whose data it was), unless a
    `firm` act was read (a scam: 有人冒充班主任 is no teacher's doing); the rest follow in the order
    they are named."""
    actors = found.get(dim, [])
    if len(actors) < 2:
        return actors
    taken = [sp for d in objects for k in found.get(d, []) for sp in spans.get(f"{d}.{k}", [])]
    mentions = sorted((sp[0], sp[1], a) for a in actors for sp in spans[f"{dim}.{a}"]
                      if not any(o[0] <= sp[0] and sp[1] <= o[1] for o in taken))
    rank = {a: i for i, a in enumerate(first)}
    order = sorted(found.get(acts, []), key=lambda a: (rank.get(a, len(rank)),
                                                      spans[f"{acts}.{a}"][0][0]))
    for act in order:
        act_start, act_end = spans[f"{acts}.{act}"][0]
        sentence = max((m.end() for m in _SENTENCE_END.finditer(text, 0, act_start)), default=0)
        before = [m for m in mentions if sentence <= m[0] < act_start]
        passive = [m for m in before if "被" in text[max(sentence, m[0] - 3):m[0]]]
        doers = [m for m in before if not _OBJECT_BEFORE.search(text[max(0, m[0] - 6):m[0]])
                 and not _RECEIVER_AFTER.match(text, m[1])]
        pick = passive or doers
        clause = max((m.end() for m in _CLAUSE_START.finditer(text, 0, act_start)), default=0)
        pronoun = _PRONOUN.search(text, max(sentence, clause - 1), act_start)
        referred = [m for m in mentions if m[1] <= pronoun.start()] if pronoun and not pick else []
        if pick:
            agent = _owner(text, mentions, pick[-1])
        elif referred:
            agent = _owner(text, mentions, referred[-1])
        else:
            end = _SENTENCE_END.search(text, act_start)
            after = [m for m in mentions if act_end <= m[0] < (end.start() if end else len(text))]
            if not after:
                continue
            agent = after[0][2]
        firmly = any(a in firm for a in found.get(acts, []))
        if agent in weak and act in yielding and not firmly:  # a named holder that could have done it
            free = [m[2] for m in mentions
                    if not _OBJECT_BEFORE.search(text[max(0, m[0] - 6):m[0]])]
            agent = next((a for a in free if a in strong), agent)
        return [agent] + [a for a in actors if a != agent]
    return actors


# -- rules ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    id: str
    urgency: int
    priority: int
    when: dict
    unless: dict
    text: str
    basis: tuple[Basis, ...]
    channels: tuple[str, ...]
    attrs: dict = field(default_factory=dict, compare=False, hash=False)
    generic: bool = False  # a step any case gets (keep evidence): never alone the ground of an answer


@dataclass(frozen=True)
class Step:
    """One step of advice for a case: our wording, the articles it rests on, the channel ids it
    routes to, its urgency and the rule (and domain) it came from."""

    id: str
    text: str
    basis: tuple[Basis, ...]
    channels: tuple[str, ...]
    urgency: int
    domain: str = ""
    generic: bool = False  # see Rule.generic

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "channels": list(self.channels),
                "citations": [{"law": b.law, "article": b.clause} for b in self.basis]}


Flag = Callable[[object, object, str], bool]  # (frame, value, text) → holds


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[Rule, ...]
    flags: dict[str, Flag]
    settings: dict

    def holds(self, key: str, value, frame, text: str) -> bool:
        flag = self.flags.get(key)
        if flag is not None:
            return flag(frame, value, text)
        return any(v in frame.get(key) for v in value)

    def applies(self, when: dict, unless: dict, frame, text: str) -> bool:
        if not all(self.holds(k, v, frame, text) for k, v in when.items()):
            return False
        return not any(self.holds(k, v, frame, text) for k, v in unless.items())

    def fired(self, frame, text: str) -> list[Rule]:
        """The rules that apply, most urgent first, by explicit priority within an urgency."""
        return sorted((r for r in self.rules if self.applies(r.when, r.unless, frame, text)),
                      key=lambda r: (r.urgency, r.priority))


def check_conditions(file: DataFile, where: tuple[str, ...], conditions: dict, vocab: Vocabulary,
                     flags: dict) -> None:
    """Every key of a when/unless table is a dimension or a flag; every id a dimension entry."""
    for key, value in conditions.items():
        if key in flags:
            continue
        if key not in vocab.dims:
            raise file.error(f"未知的条件 {key!r}", *where, key)
        if not isinstance(value, list) or not value:
            raise file.error(f"条件 {key} 应为非空的 id 列表", *where, key)
        for v in value:
            if not vocab.has(key, v):
                raise file.error(f"{key} 没有条目 {v!r}", *where, v)


def load_rulebook(file: DataFile, vocab: Vocabulary, flags: dict[str, Flag],
                  extra_keys: frozenset[str] = frozenset(), channels: frozenset[str] | None = None,
                  placeholders: frozenset[str] = frozenset()) -> Rulebook:
    """The rules of `file` ([[rule]] tables), validated against the vocabulary and the flags:
    unknown keys, ids, channels → error with file:line; (urgency, priority) unique."""
    rules = []
    seen_ids: set[str] = set()
    seen_order: dict[tuple[int, int], str] = {}
    for spec in file.data.get("rule", []):
        rid = spec.get("id")
        if not isinstance(rid, str) or not rid:
            raise file.error("规则缺少 id", "[[rule]]")
        where = (f'id = "{rid}"',)
        if rid in seen_ids:
            raise file.error(f"规则 id 重复：{rid}", *where)
        seen_ids.add(rid)
        unknown = set(spec) - RULE_KEYS - extra_keys
        if unknown:
            key = sorted(unknown)[0]
            raise file.error(f"规则 {rid}: 未知的键 {key!r}", *where, key)
        for part in ("when", "unless"):
            check_conditions(file, where, dict(spec.get(part, {})), vocab, flags)
        if "priority" not in spec:
            raise file.error(f"规则 {rid}: 缺少 priority（同一 urgency 内的先后须写明）", *where)
        urgency, priority = int(spec.get("urgency", 3)), int(spec["priority"])
        if (urgency, priority) in seen_order:
            raise file.error(f"规则 {rid}: urgency {urgency} 的 priority {priority} 已被 "
                             f"{seen_order[(urgency, priority)]} 使用", *where, "priority")
        seen_order[(urgency, priority)] = rid
        for c in spec.get("channels", []):
            if channels is not None and c not in channels and c not in placeholders:
                raise file.error(f"规则 {rid}: 未知的渠道 {c!r}", *where, c)
        try:
            basis = tuple(parse_basis(b) for b in spec.get("basis", []))
        except Exception as exc:  # InputError from parse_basis
            raise file.error(f"规则 {rid}: 法律依据格式不对：{exc}", *where, "basis") from None
        rules.append(Rule(id=rid, urgency=urgency, priority=priority, when=dict(spec.get("when", {})),
                          unless=dict(spec.get("unless", {})), text=spec["text"], basis=basis,
                          channels=tuple(spec.get("channels", [])),
                          attrs={k: spec[k] for k in extra_keys if k in spec},
                          generic=bool(spec.get("generic", False))))
    settings = {k: v for k, v in file.data.items() if k not in ("rule", "missing")}
    return Rulebook(tuple(rules), dict(flags), settings)


@dataclass(frozen=True)
class Question:
    """A clarifying question (「还需要确认」) and when it is asked."""

    id: str
    ask: str
    when: dict
    unless: dict


def load_questions(file: DataFile, vocab: Vocabulary, flags: dict) -> tuple[Question, ...]:
    out = []
    for spec in file.data.get("missing", []):
        mid = spec.get("id", "")
        where = (f'id = "{mid}"',)
        for part in ("when", "unless"):
            check_conditions(file, where, dict(spec.get(part, {})), vocab, flags)
        out.append(Question(mid, spec["ask"], dict(spec.get("when", {})), dict(spec.get("unless", {}))))
    return tuple(out)
