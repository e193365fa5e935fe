"""Request id for every request; no-store on every authenticated response."""

from openmash.core.requestid import current_client_request_id, current_request_id, reset_request_id, set_request_id


class RequestIdMiddleware:
    """Our request id is always generated (returned as ``X-Request-Id``); a client's own ``X-Request-Id`` is
    kept apart as ``request.client_request_id`` and stored in the audit trail's ``client_request_id``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = set_request_id(request.headers.get("X-Request-Id", ""))
        try:
            request.request_id = current_request_id()
            request.client_request_id = current_client_request_id()
            response = self.get_response(request)
            response["X-Request-Id"] = request.request_id
            return response
        finally:
            reset_request_id(tokens)


class NoStoreMiddleware:
    """Personal data must never sit in a shared or browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
