"""One error hierarchy: every user-facing failure is a FalvError with a message a user can act on.

The CLI maps FalvError to exit code 2; the HTTP API maps it to a 4xx JSON body.
"""

from __future__ import annotations


class FalvError(Exception):
    """Base class of every error falv reports to a user."""

    code = "falv_error"
    http_status = 400

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None):
        self.message = message
        self.location = location  # e.g. "file.md:12"
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"（{self.hint}）"
        return text

    def to_dict(self) -> dict:
        return {"error": self.code, "message": self.message, "location": self.location, "hint": self.hint}


class InputError(FalvError):
    """The user's input (question, text, arguments) is unusable."""

    code = "invalid_input"
    http_status = 422


class NotFoundError(FalvError):
    """A law, article or entry that was asked for does not exist."""

    code = "not_found"
    http_status = 404


class ImportRejected(FalvError):
    """A file given to an importer is malformed; nothing of it was written."""

    code = "import_rejected"
    http_status = 422


class StoreError(FalvError):
    """The store cannot be opened or written (locked, newer schema, corrupt)."""

    code = "store_error"
    http_status = 503
