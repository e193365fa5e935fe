"""Request id for every request; no-store on every authenticated response."""

import re

from openmash.core.requestid import reset_request_id, set_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-Id", "")
        token = set_request_id(incoming if _SAFE_ID.match(incoming) else None)
        try:
            from openmash.core.requestid import current_request_id

            request.request_id = current_request_id()
            response = self.get_response(request)
            response["X-Request-Id"] = request.request_id
            return response
        finally:
            reset_request_id(token)


class NoStoreMiddleware:
    """Personal data must never sit in a shared or browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
