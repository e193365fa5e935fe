"""Request id for every request; unused HTTP methods refused first; no-store on every authenticated response."""

from django.http import HttpResponseNotAllowed

from openmash.core.requestid import current_client_request_id, current_request_id, reset_request_id, set_request_id

#: The only methods any OpenMASH route answers (tests/test_http_methods.py walks every route to keep it so).
USED_METHODS = ("GET", "HEAD", "POST")


class UnusedMethodMiddleware:
    """A method no route answers (PUT, PATCH, DELETE, OPTIONS, TRACE, anything else) gets 405, before the CSRF
    check (listed before CsrfViewMiddleware, whose process_view would answer 403) and before any view (issue 5
    review, fault 10; ASVS 4.1.4). Answered from process_view so the response still passes every middleware
    (security headers, no-store). Each route still refuses the methods it does not use among GET, HEAD and POST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in USED_METHODS:
            return HttpResponseNotAllowed(USED_METHODS)
        return None


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
