"""What a domain is to the rest of falv: a package of data files and a little code that reads a
question into its frame (slots, with the words that support each), turns the frame into steps
(rules: when/unless → wording, articles, channels, urgency), says which facts are still missing
and which letters fit. The answer layer, search's bridges, `route` and `draft` talk to domains
only through this protocol and the registry (domain/registry.py), never to one by name.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .basis import Basis
from .rulebook import Rulebook, Step


@runtime_checkable
class Frame(Protocol):
    """What a domain read from a question."""

    text: str
    evidence: dict

    @property
    def actor(self) -> str | None: ...

    def get(self, dimension: str) -> tuple[str, ...]: ...

    def summary(self) -> str: ...

    def to_dict(self) -> dict: ...


@runtime_checkable
class Domain(Protocol):
    id: str  # personal_info, labour …
    name: str  # 个人信息与隐私 …

    def read(self, question: str) -> Frame:
        """The question (as typed) read into this domain's frame."""

    def named_frame(self, name: str) -> Frame:
        """A frame named in the domain's data (`falv route --scenario`), as if read."""

    def scenarios(self) -> dict[str, dict]:
        """The named frames: id → {name, …}."""

    @property
    def rulebook(self) -> Rulebook:
        """Its rules (validated on load): what checks of its data and citations go through."""

    def fits(self, frame: Frame) -> list:
        """How well the frame fits each kind of problem the domain answers (domain.kinds.Fit)."""

    def steps(self, frame: Frame) -> list[Step]:
        """The steps its rules give for the frame, most urgent first, each channel once."""

    def missing(self, frame: Frame) -> list[dict]:
        """「还需要确认」: [{id, ask}] the facts the question leaves open that change the advice."""

    def card_basis(self, frame: Frame, channel: str) -> tuple[Basis, ...]:
        """Articles a channel card adds for this case (the holder's own duty …)."""

    def topics(self, frame: Frame) -> frozenset[str]:
        """What sets this case apart from another (matching stored answers)."""

    def lends(self, frame: Frame) -> bool:
        """Whether the frame names what the domain's rules are about, so that their articles may
        be lent to search."""

    def severity(self, frame: Frame) -> dict | None:
        """A threshold estimate the stated facts allow (两高解释第五条 …), or None."""

    def letters(self, frame: Frame, question: str, store, steps) -> list[dict]:
        """The letters the case calls for, filled with its facts."""

    def letter_fill(self, kind: str, frame: Frame, question: str, steps) -> tuple[dict, tuple] | None:
        """(fill, extra articles) of one of its letters for this frame; None for a kind that is
        not one of this domain's letters."""
