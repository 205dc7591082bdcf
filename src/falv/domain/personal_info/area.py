"""The personal-information domain behind the Domain protocol (domain/protocol.py): its frame,
rules, channels' extra articles, letters and the 两高解释第五条 estimate."""

from __future__ import annotations

import re

from ..basis import Basis
from ..drafts import templates
from ..kinds import Fit
from ..rulebook import Rulebook, Step
from .frame import Frame, actor_entry, card_basis, named_frame, named_frames, read_frame, vocabulary
from .letters import fills, letters_for
from .rules import missing_facts, rulebook, steps_for_frame
from .severity import assess

SEVERITY_ACTS = frozenset({"sell", "provide", "publish", "leak"})
PERSONALITY_ACTS = frozenset({"defame", "insult", "portrait_use"})
PERSONALITY_RIGHTS = frozenset({"portrait", "reputation", "name"})
FRAUD_ACTS = frozenset({"fraud", "card_stolen"})
INFO_ACTS = frozenset({"sell", "leak", "provide"})  # what was done with the information itself
SPREAD_ACTS = frozenset({"publish", "provide"})  # passing on or posting what was seen
GRAVE_ACTS = frozenset({"peep", "monitor"})  # a hidden camera, a tracker: never left out of an answer
REPORT_END = re.compile(r"[，。；！？,;!?]")
LIKENESS = frozenset({"portrait", "name", "intimate", "account"})  # what a personality right protects as such
WEIGHTS = {"act": 2.0, "info": 1.0, "right": 2.0, "actor": 0.5, "harm": 0.5, "place": 0.5,
           "cue": 0.25}
LETTERS = ("access", "correct", "delete", "explain", "complaint", "police")


class PersonalInfo:
    id = "personal_info"
    name = "个人信息与隐私"

    def read(self, question: str) -> Frame:
        return read_frame(question)

    def named_frame(self, name: str) -> Frame:
        return named_frame(name)

    def scenarios(self) -> dict[str, dict]:
        return named_frames()

    def fits(self, frame: Frame) -> list[Fit]:
        """Personal information and privacy, personality rights (名誉, 肖像, 姓名) and fraud, each
        from its own evidence: an act on information read next to the information (or an act
        against the person: peeping, stalking, entering the home …); an act against reputation or
        likeness; a scam. The score weighs every entry read (frame.toml `weight`, else WEIGHTS)."""
        acts, rights = set(frame.acts), set(frame.rights)
        heard = self._only_reported(frame)
        info = [i for i in frame.info if f"info.{i}" not in heard]
        score = _score(frame, heard)
        evidence = tuple(f"{k}：{'、'.join(v)}" for k, v in frame.evidence.items())
        if self._injury_asked(frame):  # 摔断了胳膊, 老师把视频发在群里, 学校要不要赔: the injury is the case
            return [Fit("personal_info", self.id, score, False, evidence,
                        "问的是人身损害的赔偿，信息只是顺带提到")]
        out = []
        if acts & FRAUD_ACTS:
            # a scam leads, unless it is only the calls that followed a leak the question is about
            # (no money lost, the information sold or leaked is what is asked)
            led = "money_lost" in frame.harms or not acts & INFO_ACTS
            out.append(Fit("fraud", self.id, score + (1 if led else -0.5), True, evidence))
        likeness_only = bool(info) and set(info) <= LIKENESS
        if acts & PERSONALITY_ACTS or rights & PERSONALITY_RIGHTS or (
                "impersonate" in acts and likeness_only):
            # a likeness or a name used, or a reputation attacked: personality rights; where other
            # information (病历, 身份证号, 住址 …) is handled too, the information reading leads
            shift = 0.5 if likeness_only else (-0.5 if info else 0.0)
            out.append(Fit("personality", self.id, score + shift, True, evidence))
        core = _information_core(acts, rights, likeness_only)
        out.append(Fit("personal_info", self.id, score, core, evidence,
                       "" if core else "没有同时说到个人信息和对它做了什么",
                       grave=core and bool(acts & GRAVE_ACTS)))
        return out

    @staticmethod
    def _injury_asked(frame: Frame) -> bool:
        """Compensation asked for a bodily injury, where what was done with information is only
        that it was passed on or posted (a video of the fall in the class group)."""
        return ("injury" in frame.harms and "compensation" in frame.wishes
                and set(frame.acts) <= SPREAD_ACTS | PERSONALITY_ACTS)

    def _only_reported(self, frame: Frame) -> set[str]:
        """Information keys read only inside a rumour or an insult (造谣说我出轨): what someone
        says about the person is no information of theirs that was handled."""
        spans = self.reported(frame)
        return {key for key, found in frame.spans.items() if key.startswith("info.") and found
                and all(any(a <= s < b for a, b in spans) for s, _ in found)}

    def reported(self, frame: Frame) -> list[tuple[int, int]]:
        """Spans of the normalised question that are someone's words about the person (a rumour,
        an insult: 说我偷拿货款被开除的), to the end of their clause: not facts of the case."""
        out = []
        for key in ("act.defame", "act.insult"):
            for start, _ in frame.spans.get(key, []):
                end = REPORT_END.search(frame.text, start)
                out.append((start, end.start() if end else len(frame.text)))
        return out

    @property
    def rulebook(self) -> Rulebook:
        return rulebook()

    def steps(self, frame: Frame) -> list[Step]:
        return steps_for_frame(frame, frame.asked)

    def missing(self, frame: Frame) -> list[dict]:
        return missing_facts(frame, frame.asked)

    def card_basis(self, frame: Frame, channel: str) -> tuple[Basis, ...]:
        """The articles a card takes on in a personal-information case: the holder's own duty on
        the handler's card, its regulator's article on the regulator's, and frame.toml
        [card_basis] (the court's and the police's articles on personal information)."""
        extra = card_basis().get(channel, ())
        entry = actor_entry(frame.actor)
        if entry is None:
            return extra
        if channel == "handler":
            return entry.duty + extra
        if channel == entry.regulator:
            return entry.regulator_basis + extra
        return extra

    def topics(self, frame: Frame) -> frozenset[str]:
        return frame.topics

    def lends(self, frame: Frame) -> bool:
        return frame.about_personal_info

    def severity(self, frame: Frame) -> dict | None:
        """The 第五条 level the stated counts/gains would reach (an estimate), where information
        was sold, provided, published or leaked."""
        facts = frame.facts
        if not facts or not SEVERITY_ACTS & set(frame.acts):
            return None
        a = assess(facts["counts"], facts["gains"], insider=facts["insider"])
        return {"facts": facts, "level": a.level, "label": a.label,
                "rules": list(dict.fromkeys(r.clause for r in a.rules)), "estimate": True}

    def letters(self, frame: Frame, question: str, store, steps) -> list[dict]:
        return letters_for(frame, question, store, steps)

    def letter_fill(self, kind: str, frame: Frame, question: str, steps):
        if kind not in LETTERS or kind not in templates():
            return None
        return fills(kind, frame, question, steps)


DOMAIN = PersonalInfo()


def _information_core(acts: set[str], rights: set[str], likeness_only: bool) -> bool:
    """Whether something was done with the information itself (or a privacy right is at stake):
    a likeness or a name only posted or used is a personality matter, not an information one."""
    core = bool(acts - PERSONALITY_ACTS - FRAUD_ACTS) or bool(rights - PERSONALITY_RIGHTS)
    if core and likeness_only and acts <= PERSONALITY_ACTS | FRAUD_ACTS | {"impersonate", "publish"}:
        core = bool(acts - PERSONALITY_ACTS - FRAUD_ACTS - {"impersonate"}) or "privacy" in rights
    return core


def _score(frame: Frame, heard: set[str]) -> float:
    """The weight of every entry read (frame.toml `weight`, else WEIGHTS), leaving out actors
    without a regulator and information only reported (`heard`)."""
    vocab = vocabulary()
    score = 0.0
    for key in frame.evidence:
        dim, eid = key.split(".", 1)
        entry = vocab[dim][eid]
        if (dim == "actor" and not entry.get("regulator")) or key in heard:
            continue
        score += float(entry.get("weight", WEIGHTS.get(dim, 0.0)))
    return score
