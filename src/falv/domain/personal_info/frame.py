"""Question → case frame: who holds or leaked the information, what information, what was done,
what harm, what the person wants, stated counts/gains, and the facts still missing.

Why a frame and not scenarios: advice depends on the combination (a 物业 that *publishes* arrears
differs from a 快递员 who *sells* addresses), and rules over frame fields compose where a flat vote
over named scenarios cannot. The vocabulary is data (data/frame.toml); matching tolerates the
traditional script (normalize) and one wrong character in longer terms (typos).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ...errors import InputError
from ..basis import Basis, parse_basis
from ..rulebook import DataFile, Entry, Vocabulary, load_vocabulary, prepare, read_slots
from .severity import facts_from_text

DIMENSIONS = ("actor", "info", "act", "cue", "harm", "wish", "place", "right", "subject")
# acts that are about a person's rights on their own; the others need an actor or information too
STANDALONE_ACTS = frozenset({"threaten", "insult", "defame", "harass", "peep", "fraud",
                             "impersonate", "face", "portrait_use", "automated", "monitor", "doxx",
                             "stalk", "obtain", "enter_home", "marketing", "card_stolen",
                             "scam_call", "discriminate"})
FUZZY_DIMENSIONS = ("actor", "info", "place")  # nouns only (发到了 is not 发多了); never over an actor's words
# the attributes an entry of each dimension may carry besides its words
ATTRIBUTES = {"actor": frozenset({"name", "regulator", "duty", "regulator_basis", "wording"}),
              "subject": frozenset({"wording"}),
              "info": frozenset({"sensitive", "private", "name"})}


@dataclass(frozen=True)
class Actor:
    """How steps speak of an actor (`name`), its regulator's channel id, the article of its own
    duty and the article its regulator acts under (frame.toml)."""

    id: str
    name: str = ""
    regulator: str | None = None
    duty: tuple[Basis, ...] = ()
    regulator_basis: tuple[Basis, ...] = ()
    wording: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, e: Entry) -> "Actor":
        return cls(e.id, e.get("name", ""), e.get("regulator"),
                   tuple(parse_basis(b) for b in e.get("duty", [])),
                   tuple(parse_basis(b) for b in e.get("regulator_basis", [])),
                   tuple(e.get("wording", {}).items()))


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
    cues: tuple[str, ...] = ()  # circumstances rules turn on (盗刷, 乙肝, 征信 …)
    facts: dict | None = field(default=None, compare=False)  # stated counts/gains (第五条)
    evidence: dict = field(default_factory=dict, compare=False)  # entry id → words that fired
    spans: dict = field(default_factory=dict, compare=False)  # entry id → where its words stand
    text: str = field(default="", compare=False)  # the normalised question
    asked: str = field(default="", compare=False)  # the question as given (for word conditions)

    @property
    def actor(self) -> str | None:
        return self.actors[0] if self.actors else None

    @property
    def sensitive(self) -> bool:
        table = vocabulary()["info"]
        return any(table[i].get("sensitive", False) for i in self.info)

    @property
    def private(self) -> bool:
        table = vocabulary()["info"]
        return any(table[i].get("private", False) for i in self.info)

    @property
    def about_personal_info(self) -> bool:
        """Whether the question names what it is about: a person's information (and something
        done with it), a personality right, or an act against the person (threats, insults,
        peeping…). An actor and a verb alone (卖家反悔不卖了, 开发商把车位卖了) are not."""
        return bool(self.rights or STANDALONE_ACTS & set(self.acts) or (self.acts and self.info))

    def get(self, dimension: str) -> tuple[str, ...]:
        return {"actor": self.actors, "info": self.info, "act": self.acts, "harm": self.harms,
                "wish": self.wishes, "place": self.places, "right": self.rights,
                "subject": self.subjects, "cue": self.cues}[dimension]

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
        named = [info[i].get("name") for i in self.info if info[i].get("sensitive") and info[i].get("name")]
        if named:
            out["sensitive"] = "、".join(named)
        actor = actor_entry(self.actor)
        if actor is not None:
            out.update(actor.wording)
        if self.subjects:
            out.update(vocabulary()["subject"][self.subjects[0]].get("wording", {}))
        return out

    @property
    def topics(self) -> frozenset[str]:
        """What sets this case apart from another, for matching stored answers: the organisations
        that hold the information and the distinctive acts (data: frame.toml [topics]). A stored
        answer about 快递 does not answer a question about a hospital, or about none."""
        vocab = vocabulary()["actor"]
        topics = _table().get("topics", {})
        acts = set(topics.get("acts", []))
        out = [f"actor.{a}" for a in self.actors[:1] if vocab[a].get("regulator")]
        out += [f"act.{a}" for a in self.acts if a in acts]
        if set(topics.get("information_out", [])) & set(self.acts):
            out.append("act.information_out")  # the information got out: sold, given, leaked …
        return frozenset(out)

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
                "rights": list(self.rights), "cues": list(self.cues), "whose": self.whose,
                "facts": self.facts,
                "evidence": self.evidence}


@lru_cache(maxsize=1)
def _file() -> DataFile:
    return DataFile.load(__package__, "frame.toml")


def _table() -> dict:
    return _file().data


@lru_cache(maxsize=1)
def act_labels() -> dict[str, str]:
    return dict(_table().get("labels", {}).get("act", {}))


@lru_cache(maxsize=1)
def _vocab() -> Vocabulary:
    return load_vocabulary(_file(), DIMENSIONS, ATTRIBUTES, fuzzy=FUZZY_DIMENSIONS, ordered="actor",
                           negatable=("act", "harm"), asker_acts=("act",))


def vocabulary() -> dict[str, dict[str, Entry]]:
    return _vocab().entries


# the acts whose doer is the actor of the case, most telling first (a sale before a phone call)
# the order in which acts name their doer as the actor; refusing a request (删除, 查阅) comes last:
# a platform that will not take a rumour down is not the one who posted it
AGENT_ACTS = ("sell", "provide", "publish", "doxx", "leak", "credit_query", "obtain", "enter_home", "overcollect",
              "discriminate",
              "face", "monitor", "peep", "retain", "impersonate", "marketing",
              "automated", "portrait_use", "defame", "insult", "threaten", "stalk", "harass", "fraud",
              "access_refused", "refuse", "correct")


@lru_cache(maxsize=1)
def card_basis() -> dict[str, tuple[Basis, ...]]:
    """Channel id → the articles a personal-information case adds to its card (frame.toml)."""
    return {cid: tuple(parse_basis(b) for b in bases)
            for cid, bases in _table().get("card_basis", {}).items()}


# acts where an unknown doer's data came from a named holder (an 有人 selling what an App collected)
HOLDER_ACTS = frozenset({"sell", "provide", "leak", "publish", "impersonate", "doxx", "refuse"})


@lru_cache(maxsize=1)
def _holders() -> frozenset[str]:
    """Actors that are organisations handling personal information (they have a regulator)."""
    return frozenset(eid for eid, e in vocabulary()["actor"].items() if e.get("regulator"))


@lru_cache(maxsize=None)
def _actors() -> dict[str, Actor]:
    return {eid: Actor.of(e) for eid, e in vocabulary()["actor"].items()}


def read_frame(question: str) -> Frame:
    """The case frame of a question (normalised: 繁→简, 全角→半角, lower case)."""
    if not isinstance(question, str):
        raise InputError("问题必须是文本")
    text = prepare(_vocab(), question)
    r = read_slots(_vocab(), text, agent_of="act", objects=("info",), first=AGENT_ACTS,
                   weak=frozenset({"stranger"}), strong=_holders(), yielding=HOLDER_ACTS,
                   firm=frozenset({"fraud"}), ask_when_unsure=True)
    found, evidence = r.slots, r.evidence
    facts = facts_from_text(text)
    return Frame(actors=tuple(found["actor"]), info=tuple(found["info"]), acts=tuple(found["act"]),
                 harms=tuple(found["harm"]), wishes=tuple(found["wish"]),
                 places=tuple(found["place"]), rights=tuple(found["right"]),
                 subjects=tuple(found["subject"]), cues=tuple(found["cue"]), facts=facts,
                 evidence=evidence, spans=r.spans, text=text, asked=question)


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
                 subjects=dims["subject"], cues=dims["cue"], text=spec["name"])


def actor_entry(actor_id: str | None) -> Actor | None:
    return _actors().get(actor_id) if actor_id else None
