"""The complaint and remedy channels of every domain, in one table (data: data/channels.toml): who, how to reach them, what they
handle, what to bring and the articles they act under. Which channels a case needs, in which
order, follows from the case frame's steps (rules.py); `routing.route` puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .basis import Basis, load_toml, parse_basis, quote_all


@dataclass(frozen=True)
class Contact:
    kind: str  # hotline · website · how
    value: str
    unconfirmed: bool = False
    note: str | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "unconfirmed": self.unconfirmed,
                "note": self.note}


@dataclass(frozen=True)
class Channel:
    id: str
    body: str
    handles: str
    prepare: tuple[str, ...]
    contact: tuple[Contact, ...]
    basis: tuple[Basis, ...]

    def with_basis(self, extra: tuple[Basis, ...]) -> "Channel":
        seen = {b.clause + b.law for b in self.basis}
        added = tuple(b for b in extra if b.clause + b.law not in seen)
        return Channel(self.id, self.body, self.handles, self.prepare, self.contact,
                       self.basis + added)

    def to_dict(self, store=None, quote_text: bool = True) -> dict:
        if quote_text and store is not None:
            basis = quote_all(store, self.basis)
        else:
            basis = [{"law": b.law, "article": b.article} for b in self.basis]
        return {"id": self.id, "body": self.body, "contact": [c.to_dict() for c in self.contact],
                "handles": self.handles, "prepare": list(self.prepare), "basis": basis}


@lru_cache(maxsize=1)
def channel_table() -> dict[str, Channel]:
    out = {}
    for cid, c in load_toml("channels.toml")["channel"].items():
        out[cid] = Channel(
            id=cid, body=c["body"], handles=c["handles"], prepare=tuple(c.get("prepare", [])),
            contact=tuple(Contact(x["kind"], x["value"], bool(x.get("unconfirmed", False)),
                                  x.get("note")) for x in c.get("contact", [])),
            basis=tuple(parse_basis(b) for b in c.get("basis", [])))
    return out
