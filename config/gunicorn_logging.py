"""gunicorn's access logger for `openmash serve` (issue 5 review, faults 4 and 8).

Every field of every access-log line goes through openmash.core.logging.log_value: the set-password token (and any
other secret in a URL, and every query string) is redacted, and control characters are escaped, so the log never
holds a usable link and a `%0a` in a path cannot forge a line. `openmash serve` passes
`--logger-class config.gunicorn_logging.AccessLogger`.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from openmash.core.logging import REDACTED, log_value

#: The access-log line `openmash serve` writes: time, method, path (never the query string), status, duration.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'


class AccessLogger(Logger):
    """gunicorn's Logger with every access-log atom (request line, path, query, headers, environ, user) made safe."""

    #: Atoms holding the bare query string (no "?" for redact_secrets to find): never written.
    QUERY_ATOMS = frozenset({"q", "{query_string}e"})

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: (REDACTED if value else value) if key in self.QUERY_ATOMS else log_value(value)
            for key, value in atoms.items()
        }
