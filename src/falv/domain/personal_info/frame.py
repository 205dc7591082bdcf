"""Question → case frame: who holds or leaked the information, what information, what was done,
what harm, what the person wants, stated counts/gains, and the facts still missing.

Why a frame and not scenarios: advice depends on the combination (a 物业 that *publishes* arrears
differs from a 快递员 who *sells* addresses), and rules over frame fields compose where a flat vote
over named scenarios cannot. The vocabulary is data (data/frame.toml); matching tolerates the
traditional script (normalize) and one wrong character in longer terms (typos).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ...errors import InputError
from ...text import normalize
from .basis import Basis, load_toml, parse_basis
from .severity import facts_from_text

DIMENSIONS = ("actor", "info", "act", "harm", "wish", "place", "right", "subject")
# acts that are about a person's rights on their own; the others need an actor or information too
STANDALONE_ACTS = frozenset({"threaten", "insult", "defame", "harass", "peep", "fraud",
                             "impersonate", "face", "portrait_use", "automated", "monitor"})
FUZZY_MIN_LEN = 3  # terms this long also match with one character wrong…
FUZZY_DIMENSIONS = ("actor", "info", "place")  # …nouns only: 发到了 must not match 发多了
MAX_FUZZY_TEXT = 400  # fuzzy matching only on question-sized text


@dataclass(frozen=True)
class Entry:
    id: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    unless: tuple[str, ...] = ()
    exclude: tuple[re.Pattern, ...] = ()
    name: str = ""
    regulator: str | None = None
    duty: tuple[Basis, ...] = ()
    regulator_basis: tuple[Basis, ...] = ()
    sensitive: bool = False
    private: bool = False
    wording: tuple[tuple[str, str], ...] = ()  # placeholder → words in steps ({published}, {your})
    needs_info: bool = False  # an act that counts only when the question names information


@dataclass(frozen=True)
class Frame:
    """The facts read from one question. Each dimension is a tuple of entry ids in data order."""

    actors: tuple[str, ...] = ()
    info: tuple[str, ...] = ()
    acts: tuple[str, ...] = ()
    harms: tuple[str, ...] = ()
    wishes: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    rights: tuple[str, ...] = ()  # personality rights the question names (肖像权, 名誉权 …)
    subjects: tuple[str, ...] = ()  # whose information, when not the asker's own (child)
    facts: dict | None = field(default=None, compare=False)  # stated counts/gains (第五条)
    evidence: dict = field(default_factory=dict, compare=False)  # entry id → words that fired
    text: str = field(default="", compare=False)  # the normalised question

    @property
    def actor(self) -> str | None:
        return self.actors[0] if self.actors else None

    @property
    def sensitive(self) -> bool:
        table = vocabulary()["info"]
        return any(table[i].sensitive for i in self.info)

    @property
    def private(self) -> bool:
        table = vocabulary()["info"]
        return any(table[i].private for i in self.info)

    @property
    def about_personal_info(self) -> bool:
        """Whether the question names what it is about: a person's information (and something
        done with it), a personality right, or an act against the person (threats, insults,
        peeping…). An actor and a verb alone (卖家反悔不卖了, 开发商把车位卖了) are not."""
        return bool(self.rights or STANDALONE_ACTS & set(self.acts) or (self.acts and self.info))

    def get(self, dimension: str) -> tuple[str, ...]:
        return {"actor": self.actors, "info": self.info, "act": self.acts, "harm": self.harms,
                "wish": self.wishes, "place": self.places, "right": self.rights,
                "subject": self.subjects}[dimension]

    @property
    def whose(self) -> str:
        """Whose information this is: 'self' (the asker's) or the first subject entry (child)."""
        return self.subjects[0] if self.subjects else "self"

    def wording(self) -> dict[str, str]:
        """The words steps and letters use for this case: the defaults of frame.toml [wording],
        the sensitive information it names ({sensitive}), overridden by the primary actor's and
        the subject's own entries."""
        out = dict(_table().get("wording", {}))
        info = vocabulary()["info"]
        named = [info[i].name for i in self.info if info[i].sensitive and info[i].name]
        if named:
            out["sensitive"] = "、".join(named)
        actor = actor_entry(self.actor)
        if actor is not None:
            out.update(actor.wording)
        if self.subjects:
            out.update(vocabulary()["subject"][self.subjects[0]].wording)
        return out

    @property
    def topics(self) -> frozenset[str]:
        """What sets this case apart from another, for matching stored answers: the organisations
        that hold the information and the distinctive acts (data: frame.toml [topics]). A stored
        answer about 快递 does not answer a question about a hospital, or about none."""
        vocab = vocabulary()["actor"]
        acts = set(_table().get("topics", {}).get("acts", []))
        return frozenset([f"actor.{a}" for a in self.actors if vocab[a].regulator]
                         + [f"act.{a}" for a in self.acts if a in acts])

    def summary(self) -> str:
        """【情形】 in words: 快递企业 · 敏感个人信息 · 出售信息、泄露信息 ('' when nothing was read)."""
        labels = act_labels()
        entry = actor_entry(self.actor)
        parts = [entry.name] if entry and entry.regulator else []
        if self.private:
            parts.append("私密信息")
        elif self.sensitive:
            parts.append("敏感个人信息")
        acts = "、".join(labels[a] for a in self.acts if a in labels)
        if acts:
            parts.append(acts)
        return " · ".join(parts) if acts else ""

    def to_dict(self) -> dict:
        return {"actor": self.actor, "summary": self.summary(), "actors": list(self.actors), "info": list(self.info),
                "sensitive": self.sensitive, "private": self.private, "acts": list(self.acts),
                "harms": list(self.harms), "wishes": list(self.wishes), "places": list(self.places),
                "rights": list(self.rights), "whose": self.whose, "facts": self.facts,
                "evidence": self.evidence}


@lru_cache(maxsize=1)
def _table() -> dict:
    return load_toml("frame.toml")


@lru_cache(maxsize=1)
def typos() -> dict[str, str]:
    return dict(_table().get("typos", {}))


@lru_cache(maxsize=1)
def act_labels() -> dict[str, str]:
    return dict(_table().get("labels", {}).get("act", {}))


def _fix_typos(text: str) -> str:
    for wrong, right in typos().items():
        if wrong in text:
            text = text.replace(wrong, right)
    return text


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, Entry]]:
    data = _table()
    out: dict[str, dict[str, Entry]] = {}
    for dim in DIMENSIONS:
        out[dim] = {}
        for eid, e in data.get(dim, {}).items():
            out[dim][eid] = Entry(
                id=eid, terms=tuple(t.lower() for t in e.get("terms", [])),
                patterns=tuple(re.compile(p) for p in e.get("patterns", [])),
                unless=tuple(e.get("unless", [])), name=e.get("name", ""),
                exclude=tuple(re.compile(p) for p in e.get("exclude", [])),
                regulator=e.get("regulator"),
                duty=tuple(parse_basis(b) for b in e.get("duty", [])),
                regulator_basis=tuple(parse_basis(b) for b in e.get("regulator_basis", [])),
                sensitive=bool(e.get("sensitive", False)), private=bool(e.get("private", False)),
                wording=tuple(e.get("wording", {}).items()),
                needs_info=bool(e.get("needs_info", False)))
    return out


def _fuzzy_find(term: str, text: str) -> str | None:
    """The window of `text` that equals `term` but for one character (same length), if any. The
    first and last characters must agree (快第员 is 快递员, 第三员 is not), so only windows that
    start with the term's first character are compared."""
    n = len(term)
    i = text.find(term[0])
    while i != -1 and i + n <= len(text):
        window = text[i:i + n]
        if window[-1] == term[-1] and sum(a != b for a, b in zip(term, window)) == 1:
            return window
        i = text.find(term[0], i + 1)
    return None


def _named(term: str, text: str, dim: str) -> bool:
    """Whether `term` occurs in `text`; for actors, not only as 我的X (then X is information)."""
    if dim != "actor":
        return term in text
    start = text.find(term)
    while start != -1:
        if not text[max(0, start - 2):start].endswith(("我的", "我们的")):
            return True
        start = text.find(term, start + 1)
    return False


def _fired(entry: Entry, text: str, fuzzy: bool, dim: str = "") -> list[str]:
    if any(p.search(text) for p in entry.exclude):
        return []
    words = [t for t in entry.terms if _named(t, text, dim)]
    words += [m.group(0) for p in entry.patterns if (m := p.search(text))]
    if not words and fuzzy:
        for t in entry.terms:
            if len(t) >= FUZZY_MIN_LEN and (w := _fuzzy_find(t, text)):
                words.append(w)
                break
    return words


def read_frame(question: str) -> Frame:
    """The case frame of a question (normalised: 繁→简, 全角→半角, lower case)."""
    if not isinstance(question, str):
        raise InputError("问题必须是文本")
    text = _fix_typos(normalize(question).lower())
    fuzzy = len(text) <= MAX_FUZZY_TEXT
    found: dict[str, list[str]] = {}
    evidence: dict[str, list[str]] = {}
    for dim in DIMENSIONS:
        table = vocabulary()[dim]
        hits = {}
        for eid, entry in table.items():
            words = _fired(entry, text, fuzzy and dim in FUZZY_DIMENSIONS, dim)
            if words:
                hits[eid] = words
        kept = [eid for eid in hits if not any(u in hits for u in table[eid].unless)]
        if dim == "actor":  # the one named first is the one who did it (医院…给了保险公司)
            kept.sort(key=lambda e: min((text.find(w) for w in hits[e] if w in text),
                                        default=len(text)))
        if dim == "act" and not found["info"]:  # 卖家不卖了, 房东把房子卖了: no information sold
            kept = [eid for eid in kept if not table[eid].needs_info]
        found[dim] = kept
        for eid in kept:
            evidence[f"{dim}.{eid}"] = list(dict.fromkeys(hits[eid]))
    facts = facts_from_text(text)
    return Frame(actors=tuple(found["actor"]), info=tuple(found["info"]), acts=tuple(found["act"]),
                 harms=tuple(found["harm"]), wishes=tuple(found["wish"]),
                 places=tuple(found["place"]), rights=tuple(found["right"]),
                 subjects=tuple(found["subject"]), facts=facts, evidence=evidence, text=text)


@lru_cache(maxsize=1)
def named_frames() -> dict[str, dict]:
    """The named frames (`falv route --scenario ID`): id → {name, actor, info, act, …}."""
    return dict(_table().get("named", {}))


def named_frame(name: str) -> Frame:
    """A named frame (data: frame.toml [named.ID]) as if read from a question; an unknown name is
    an input error listing the known ones."""
    spec = named_frames().get(name) if isinstance(name, str) else None
    if spec is None:
        raise InputError(f"未知的场景：{name}", hint="可用场景：" + "、".join(named_frames()))
    vocab = vocabulary()
    dims = {}
    for dim in DIMENSIONS:
        ids = tuple(spec.get(dim, []))
        unknown = [i for i in ids if i not in vocab[dim]]
        if unknown:
            raise ValueError(f"frame.toml [named.{name}]: unknown {dim} {unknown}")
        dims[dim] = ids
    return Frame(actors=dims["actor"], info=dims["info"], acts=dims["act"], harms=dims["harm"],
                 wishes=dims["wish"], places=dims["place"], rights=dims["right"],
                 subjects=dims["subject"], text=spec["name"])


def actor_entry(actor_id: str | None) -> Entry | None:
    return vocabulary()["actor"].get(actor_id) if actor_id else None
