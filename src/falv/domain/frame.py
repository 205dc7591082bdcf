"""The frame of a domain that needs no more than slots: each dimension's entry ids (in data
order, the actor by the act it did), the words behind each, and the text they were read from.
The personal-information domain has a richer frame of its own (personal_info/frame.py); both
satisfy domain.protocol.Frame."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SlotFrame:
    domain: str
    slots: dict = field(default_factory=dict)  # dimension → tuple of entry ids
    evidence: dict = field(default_factory=dict)  # "dim.id" → words that fired it
    text: str = ""  # the normalised question
    asked: str = ""  # the question as given
    labels: dict = field(default_factory=dict, compare=False)  # "dim.id" → words for summaries

    def get(self, dimension: str) -> tuple[str, ...]:
        return tuple(self.slots.get(dimension, ()))

    @property
    def actor(self) -> str | None:
        actors = self.get("actor")
        return actors[0] if actors else None

    def summary(self) -> str:
        """【情形】: the labels of the issues read, '' when none."""
        names = [self.labels.get(f"issue.{i}", "") for i in self.get("issue")]
        return "、".join(n for n in names if n)

    def to_dict(self) -> dict:
        slots = {("actors" if dim == "actor" else dim): list(ids) for dim, ids in self.slots.items()}
        return {"domain": self.domain, "actor": self.actor, "summary": self.summary(), **slots,
                "evidence": self.evidence}


EMPTY = SlotFrame("none")


class NoDomain:
    """What answers when no domain reads the question with confidence: the honest floor (its
    steps come from data/kinds.toml, not from here); nothing to add to cards, lend or write."""

    id = "none"
    name = "未归类"

    def read(self, question: str) -> SlotFrame:
        return EMPTY

    def named_frame(self, name: str) -> SlotFrame:
        raise KeyError(name)

    def scenarios(self) -> dict:
        return {}

    def fits(self, frame) -> list:
        return []

    def steps(self, frame) -> list:
        return []

    def missing(self, frame) -> list[dict]:
        return []

    def card_basis(self, frame, channel: str) -> tuple:
        return ()

    def topics(self, frame) -> frozenset[str]:
        return frozenset()

    def lends(self, frame) -> bool:
        return False

    def severity(self, frame) -> None:
        return None

    def letters(self, frame, question: str, store, steps) -> list[dict]:
        return []

    def letter_fill(self, kind: str, frame, question: str, steps) -> None:
        return None


NO_DOMAIN = NoDomain()
