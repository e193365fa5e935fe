"""The root JSON API: /api/v1, OpenAPI at /api/v1/openapi.json. Errors map from one hierarchy here."""

import logging
import traceback

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from openmash.core.api_auth import api_auth, api_docs_required
from openmash.core.exceptions import ApplicationError, RateLimited

logger = logging.getLogger("openmash.api")

#: The body field that carries the version of a record as the client read it (optimistic locking, CC-1).
VERSION_FIELD = "version"
PRECONDITION_MESSAGE = "Send the version of the record you read (version), so a change made since is not overwritten"


class OpenMashAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also declares 428 on every versioned update (SECURITY-TESTS.md CC-1)."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        document_precondition_required(schema)
        document_body_too_large(schema)
        document_body_unreadable(schema)
        return schema


TOO_LARGE_MESSAGE = "The request body is too large"


def document_body_too_large(schema) -> None:
    """Add the 413 answer (a body over DATA_UPLOAD_MAX_MEMORY_SIZE: request_too_large) to each operation that takes a
    request body (in place)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if "requestBody" in operation:
                operation.setdefault("responses", {})[413] = {
                    "description": "Content Too Large: the body is over the server's limit "
                    "(DATA_UPLOAD_MAX_MEMORY_SIZE). Send less, or split it.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"detail": {"type": "string"}},
                                "required": ["detail"],
                            }
                        }
                    },
                }


UNREADABLE_MESSAGE = "The request body cannot be read: send JSON with Content-Type: application/json"


def document_body_unreadable(schema) -> None:
    """Add the 400 answer (a body the server cannot parse: body_unreadable) to each POST, PUT and PATCH operation
    (in place): a session request's CSRF check reads a form or multipart body before the operation runs, so even an
    operation without a body can meet one."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                operation.setdefault("responses", {}).setdefault(
                    400,
                    {
                        "description": "Bad Request: the body cannot be read (a broken multipart or form body). "
                        + UNREADABLE_MESSAGE,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"detail": {"type": "string"}},
                                    "required": ["detail"],
                                }
                            }
                        },
                    },
                )


def document_precondition_required(schema) -> None:
    """Add the 428 answer to each operation whose JSON body requires `version` (in place)."""
    components = schema.get("components", {}).get("schemas", {})
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            target = components.get(body.get("$ref", "").rsplit("/", 1)[-1], body)
            if VERSION_FIELD in target.get("required", []):
                operation.setdefault("responses", {})[428] = {
                    "description": "Precondition Required: the body had no `version`. " + PRECONDITION_MESSAGE,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"detail": {"type": "string"}, "errors": {"type": "object"}},
                                "required": ["detail"],
                            }
                        }
                    },
                }


def _version_missing(exc: NinjaValidationError) -> bool:
    """True when the body's top-level `version` is missing (loc ("body", <param>, "version"), type "missing")."""
    return any(
        e.get("type") == "missing"
        and tuple(e.get("loc", ()))[:1] == ("body",)
        and len(e.get("loc", ())) == 3
        and e["loc"][-1] == VERSION_FIELD
        for e in exc.errors
    )


api = OpenMashAPI(
    title="OpenMASH API",
    version="1",
    description="Multi-Agency Safeguarding Hub: contacts, screening, MASH enquiries, agency requests, decisions.",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs" if settings.OPENMASH_API_DOCS else None,
    docs_decorator=api_docs_required,  # the document and the docs only for a signed-in actor (ASVS 13.4.5)
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    body = {"detail": exc.message}
    if exc.errors:
        body["errors"] = exc.errors
    if getattr(exc, "candidates", None):  # CandidatesUnanswered: who may be the new person, minimum details
        body["candidates"] = exc.candidates
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    """422 with field messages; 428 Precondition Required when a versioned update's body has no `version`."""
    errors: dict[str, list[str]] = {}
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", []) if p not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(loc) or "request", []).append(e.get("msg", "Invalid value"))
    if _version_missing(exc):
        # RFC 6585 428: a versioned update without the version it was made against (CC-1); the field messages of
        # the rest of the body are given too, so the client can fix everything at once.
        errors[VERSION_FIELD] = [PRECONDITION_MESSAGE]
        return api.create_response(request, {"detail": PRECONDITION_MESSAGE, "errors": errors}, status=428)
    return api.create_response(request, {"detail": "There is a problem with the request", "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"detail": "Authentication required"}, status=401)


@api.exception_handler(RequestDataTooBig)
def request_too_large(request, exc):
    """413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (attacker review 2026-12, finding F: it was a 500 with an
    ERROR traceback), for every API operation. Logged at WARNING without the body (RFC 9110 15.5.14)."""
    logger.warning("Request body too large on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": TOO_LARGE_MESSAGE}, status=413)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(UnreadablePostError)
@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def body_unreadable(request, exc):
    """400 for a body the server cannot parse, for every API operation: a multipart body without its boundary, too
    many fields or files, a body cut off (attacker review 2026-12-02, finding F1: a session request's CSRF check read
    such a body and the error was a 500 with an ERROR traceback, by anyone, signed in or not). Django's own pages
    answer these 400 (django.core.handlers.exception). Logged at WARNING with the exception's class only, never the
    body. A body over the size limit keeps its own 413 (request_too_large: the more specific class)."""
    logger.warning("Unreadable request body (%s) on %s %s", type(exc).__name__, request.method, request.path)
    return api.create_response(request, {"detail": UNREADABLE_MESSAGE}, status=400)


@api.exception_handler(Exception)
def unexpected_error(request, exc: Exception):
    """The last resort (issue 5 review, fault 9; ASVS 16.5.4): any error no other handler answers is a JSON 500
    with a generic message and the request id, never Django's HTML error page. The log line names the exception
    class and where it was raised (the frames), not its message, which may hold input values."""
    from openmash.core.requestid import current_request_id

    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("Unhandled %s in the API on %s %s\n%s", type(exc).__name__, request.method, request.path, frames)
    body = {
        "detail": "Something went wrong on our side. Try again; if it keeps happening, quote the request id.",
        "request_id": current_request_id(),
    }
    return api.create_response(request, body, status=500)


from openmash.casework.api import router as casework_router  # noqa: E402
from openmash.contacts.api import router as contacts_router  # noqa: E402
from openmash.enquiries.api import router as enquiries_router  # noqa: E402
from openmash.matching.api import router as matching_router  # noqa: E402
from openmash.messaging.api import router as messaging_router  # noqa: E402
from openmash.oversight.api import router as oversight_router  # noqa: E402
from openmash.partnership.api import router as partnership_router  # noqa: E402
from openmash.patterns.api import router as patterns_router  # noqa: E402
from openmash.people.api import router as people_router  # noqa: E402
from openmash.sharing.agreements_api import router as agreements_router  # noqa: E402
from openmash.sharing.api import router as sharing_router  # noqa: E402

api.add_router("/", contacts_router)
api.add_router("/", enquiries_router)
api.add_router("/", people_router)
api.add_router("/", casework_router)
api.add_router("/", matching_router)
api.add_router("/", oversight_router)
api.add_router("/", sharing_router)
api.add_router("/", agreements_router)
api.add_router("/", messaging_router)
api.add_router("/", patterns_router)
api.add_router("/", partnership_router)
