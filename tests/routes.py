"""Every URL route of the project, walked from the root resolver (config/urls.py), for the tests that must cover
every route: the HTTP-method test and the web access matrix. A new route appears here by itself."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern when the route has no name
    pattern: str  # the joined route, e.g. "contacts/<uuid:contact_id>/"
    kwargs: tuple[str, ...]  # the keyword arguments the route takes
    callback: object

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    def url(self, **values) -> str:
        """A concrete URL: each argument from `values`, or a random UUID (a number for an <int:...> argument)."""

        def fill(m):  # a value the route's converter accepts: a number for <int:...>, a UUID otherwise
            default = 999999 if m.group(1) == "int" else uuid.uuid4()
            return str(values.get(m.group(2), default))

        return "/" + _PARAM.sub(fill, self.pattern)


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns, prefix: str, namespace: str):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or pattern)
            yield Route(name, pattern, tuple(m.group(2) for m in _PARAM.finditer(pattern)), p.callback)


def all_routes() -> list[Route]:
    """Every route, in resolver order. Regex patterns (none today) would fail loudly in Route.url."""
    routes = list(_walk(get_resolver().url_patterns, "", ""))
    for r in routes:
        assert "^" not in r.pattern and "(?P" not in r.pattern, f"regex route not supported here: {r.pattern}"
    return routes
