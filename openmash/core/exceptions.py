"""One error hierarchy for the domain; mapped to API problems and page errors in one place each."""

from __future__ import annotations


class ApplicationError(Exception):
    """Base class for errors a user can be told about."""

    status = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(ApplicationError):
    """Input broke a rule: errors maps field name to messages."""

    status = 422


class NotFound(ApplicationError):
    """Missing, or not visible to the actor: the two are indistinguishable on purpose."""

    status = 404

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class PermissionDenied(ApplicationError):
    """The actor may see the record but may not do this to it."""

    status = 403


class Conflict(ApplicationError):
    """Someone else changed the record first (stale version or a decision already taken)."""

    status = 409


__all__ = ["ApplicationError", "ValidationFailed", "NotFound", "PermissionDenied", "Conflict"]
