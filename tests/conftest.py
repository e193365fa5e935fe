"""Cross-cutting test set-up.

SQLite test database on disk. pytest-django's default SQLite test database is in memory with a shared cache;
there, concurrent writers get "database table is locked" at once (shared-cache table locks bypass the busy
timeout), so the real-thread races in tests/test_concurrency.py could not run. Production SQLite is a file
(WAL, busy timeout, BEGIN IMMEDIATE), so the suite uses a throw-away file too whenever it includes tests that
race threads (marked ``threads``). PostgreSQL is left alone.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path


def pytest_configure(config):
    config.addinivalue_line("markers", "threads: races real threads on separate database connections")


def pytest_collection_modifyitems(session, config, items):
    if not any(item.get_closest_marker("threads") for item in items):
        return
    from django.conf import settings

    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if db["ENGINE"] == "django.db.backends.sqlite3" and test.get("NAME") in (None, "", ":memory:"):
        folder = tempfile.mkdtemp(prefix="openmash-tests-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        test["NAME"] = str(Path(folder) / "test.sqlite3")
