"""An everyday area of law as a domain made of data alone (labour, consumer, family, lending,
traffic, tenancy): `data/vocab.toml` (its slots and their words, the kind it answers, what counts
as core evidence and how much each slot weighs), `data/rules.toml` (steps, their articles and
channels, the 「还需要确认」 questions), `data/letters.toml` and `templates/` (letters a person would
write). The shared machinery (the rulebook package) reads and validates them; nothing here is specific to
one area.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .basis import Basis
from .channels import channel_table
from .drafts import render_draft, templates
from .frame import SlotFrame
from .kinds import Fit
from .rulebook import (DataFile, Rulebook, Step, Vocabulary, load_questions, load_rulebook,
                       load_vocabulary, prepare, read_slots)

DIMENSIONS = ("actor", "issue", "fact", "wish")
ATTRIBUTES = {"actor": frozenset({"name", "weight"}), "issue": frozenset({"label", "weight"}),
              "fact": frozenset({"weight"}), "wish": frozenset({"weight"})}
DOMAIN_KEYS = frozenset({"id", "name", "kind", "core", "weights", "fuzzy"})


@dataclass(frozen=True)
class LetterSpec:
    kind: str
    issues: tuple[str, ...]  # offered when one of these issues was read
    requests: dict  # issue id → 请求事项 wording


class AreaDomain:
    """A domain whose frame is slots (SlotFrame) and whose steps are its rules."""

    def __init__(self, package: str):
        self.package = package
        head = self._vocab_file.data.get("domain", {})
        unknown = set(head) - DOMAIN_KEYS
        if unknown:
            raise self._vocab_file.error(f"未知的键 {sorted(unknown)[0]!r}", "[domain]")
        self.id: str = head["id"]
        self.name: str = head["name"]
        self.kind: str = head["kind"]
        self.core: tuple[str, ...] = tuple(head.get("core", ["issue"]))
        self.weights: dict = dict(head.get("weights", {}))
        self.fuzzy: tuple[str, ...] = tuple(head.get("fuzzy", ["actor"]))

    # -- data --------------------------------------------------------------------------------------

    @cached_property
    def _vocab_file(self) -> DataFile:
        return DataFile.load(self.package, "vocab.toml")

    @cached_property
    def _rules_file(self) -> DataFile:
        return DataFile.load(self.package, "rules.toml")

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return load_vocabulary(self._vocab_file, DIMENSIONS, ATTRIBUTES, fuzzy=self.fuzzy,
                               ordered="actor", negatable=("issue",))

    @cached_property
    def rulebook(self) -> Rulebook:
        return load_rulebook(self._rules_file, self.vocabulary, {},
                             channels=frozenset(channel_table()), placeholders=frozenset())

    @cached_property
    def _questions(self):
        return load_questions(self._rules_file, self.vocabulary, {})

    @cached_property
    def _letters(self) -> dict[str, LetterSpec]:
        try:
            file = DataFile.load(self.package, "letters.toml")
        except FileNotFoundError:
            return {}
        out = {}
        for kind, spec in file.data.get("letter", {}).items():
            if kind not in templates():
                raise file.error(f"没有文书模板 {kind}", f"[letter.{kind}]")
            issues = tuple(spec.get("issues", []))
            for i in issues:
                if not self.vocabulary.has("issue", i):
                    raise file.error(f"letter.{kind}: issue 没有条目 {i!r}", f"[letter.{kind}]", i)
            out[kind] = LetterSpec(kind, issues, dict(spec.get("requests", {})))
        return out

    # -- reading -----------------------------------------------------------------------------------

    def read(self, question: str) -> SlotFrame:
        text = prepare(self.vocabulary, question)
        r = read_slots(self.vocabulary, text, agent_of="issue")
        labels = {f"issue.{i}": e.get("label", "") for i, e in self.vocabulary["issue"].items()}
        return SlotFrame(self.id, {d: tuple(r.slots[d]) for d in DIMENSIONS}, r.evidence, text,
                         question, labels)

    def named_frame(self, name: str) -> SlotFrame:
        raise KeyError(name)

    def scenarios(self) -> dict:
        return {}

    def fits(self, frame: SlotFrame) -> list[Fit]:
        """One fit for the area's kind: core when an entry of a core dimension (an issue) was
        read; the score weighs every entry read (an entry's own `weight`, else its dimension's)."""
        score = 0.0
        for key in frame.evidence:
            dim, eid = key.split(".", 1)
            entry = self.vocabulary[dim][eid]
            score += float(entry.get("weight", self.weights.get(dim, 0.0)))
        core = any(frame.get(d) for d in self.core)
        evidence = tuple(f"{k}：{'、'.join(v)}" for k, v in frame.evidence.items())
        return [Fit(self.kind, self.id, score, core, evidence,
                    "" if core else f"没有说到{self.name}的具体争议")]

    # -- answering ---------------------------------------------------------------------------------

    def steps(self, frame: SlotFrame) -> list[Step]:
        """The rules that apply, most urgent first, at most `max_steps`, each channel once."""
        book = self.rulebook
        actor = self.vocabulary["actor"].get(frame.actor) if frame.actor else None
        name = actor.get("name", "对方") if actor is not None else "对方"
        out, seen = [], set()
        for r in book.fired(frame, frame.text)[: int(book.settings.get("max_steps", 6))]:
            channels = tuple(c for c in r.channels if c not in seen)
            seen.update(channels)
            out.append(Step(r.id, r.text.replace("{actor}", name), r.basis, channels, r.urgency,
                            self.id, r.generic))
        return out

    def missing(self, frame: SlotFrame) -> list[dict]:
        out = [{"id": q.id, "ask": q.ask} for q in self._questions
               if self.rulebook.applies(q.when, q.unless, frame, frame.text)]
        return out[: int(self.rulebook.settings.get("max_missing", 3))]

    def card_basis(self, frame, channel: str) -> tuple[Basis, ...]:
        return ()

    def topics(self, frame: SlotFrame) -> frozenset[str]:
        return frozenset(f"issue.{i}" for i in frame.get("issue"))

    def lends(self, frame: SlotFrame) -> bool:
        return bool(frame.get("issue"))

    def severity(self, frame) -> None:
        return None

    def letters(self, frame: SlotFrame, question: str, store, steps) -> list[dict]:
        out = []
        for kind, spec in self._letters.items():
            if not set(spec.issues) & set(frame.get("issue")):
                continue
            fill, extra = self.letter_fill(kind, frame, question, steps)
            draft = render_draft(kind, fill, store, "text", extra=extra)
            out.append({"kind": kind, "title": draft["title"], "fill": fill, "text": draft["text"],
                        "missing": draft["missing"]})
        return out

    def letter_fill(self, kind: str, frame: SlotFrame, question: str, steps):
        spec = self._letters.get(kind)
        if spec is None:
            return None
        requests = [spec.requests[i] for i in frame.get("issue") if i in spec.requests]
        fill = {"事实经过": question}
        if requests:
            fill["请求事项"] = "；".join(dict.fromkeys(requests))
        extra = tuple(dict.fromkeys(b for s in steps for b in s.basis))
        return fill, extra
