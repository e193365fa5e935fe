"""The root JSON API: /api/v1, OpenAPI at /api/v1/openapi.json. Errors map from one hierarchy here."""

import logging
import traceback

from django.conf import settings
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from openmash.core.api_auth import api_auth, api_docs_required
from openmash.core.exceptions import ApplicationError, RateLimited

logger = logging.getLogger("openmash.api")

api = NinjaAPI(
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
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", []) if p not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(loc) or "request", []).append(e.get("msg", "Invalid value"))
    return api.create_response(request, {"detail": "There is a problem with the request", "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"detail": "Authentication required"}, status=401)


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
from openmash.people.api import router as people_router  # noqa: E402
from openmash.sharing.api import router as sharing_router  # noqa: E402

api.add_router("/", contacts_router)
api.add_router("/", enquiries_router)
api.add_router("/", people_router)
api.add_router("/", casework_router)
api.add_router("/", matching_router)
api.add_router("/", sharing_router)
