"""SQLite database files readable and writable by their owner only (0600).

The embedded database holds every child's record; the files must not be readable by other accounts on the host
whatever the process umask. When a connection to a file database is created, the database file and its WAL and
shared-memory files (-wal, -shm) are set to 0600. SQLite creates -wal and -shm later with the mode of the database
file, so they stay 0600 too. In-memory databases are left alone.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR  # 0600
SIDE_FILES = ("", "-wal", "-shm", "-journal")


def sqlite_file_path(name) -> Path | None:
    """The file behind a SQLite NAME setting, or None for an in-memory database."""
    name = str(name or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return Path(name)


def sqlite_files_restrict(path: Path) -> list[Path]:
    """chmod 0600 the database file and those of its side files that exist; returns the files changed."""
    changed = []
    for suffix in SIDE_FILES:
        f = Path(f"{path}{suffix}")
        try:
            if stat.S_IMODE(f.stat().st_mode) != OWNER_ONLY:
                os.chmod(f, OWNER_ONLY)
                changed.append(f)
        except FileNotFoundError:
            continue
    return changed


def on_connection_created(sender, connection, **kwargs) -> None:
    """django.db.backends.signals.connection_created receiver (connected in CoreConfig.ready)."""
    if connection.vendor != "sqlite":
        return
    path = sqlite_file_path(connection.settings_dict.get("NAME"))
    if path is not None:
        sqlite_files_restrict(path)
