"""A domain's TOML data file, kept with its raw lines so that an error can name file:line."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources


class RulebookError(ValueError):
    """A domain data file that does not validate: the message names file:line."""


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
