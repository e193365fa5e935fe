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


class CandidatesUnanswered(ValidationFailed):
    """Search before create refused a new person (422 on ``<prefix>.match``): ``candidates`` lists, per input prefix
    ("subjects.0"), the people already known who may be them (the minimum details every recorder is shown) and a
    ``reference`` the client sends back with ``match_decision: "new"`` to say it is none of them."""

    def __init__(self, message: str, *, errors: dict[str, list[str]], candidates: dict[str, dict]) -> None:
        super().__init__(message, errors=errors)
        self.candidates = candidates


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


class RateLimited(ApplicationError):
    """The actor did this more often than the partnership allows in a short time (SECURITY-TESTS.md PF-2: search
    rate limit); ``retry_after`` is the number of seconds to wait."""

    status = 429

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


__all__ = [
    "ApplicationError",
    "CandidatesUnanswered",
    "ValidationFailed",
    "NotFound",
    "PermissionDenied",
    "Conflict",
    "RateLimited",
]
