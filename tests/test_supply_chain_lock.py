"""Hash-pinned requirements (SECURITY-TESTS SC-1): `make venv` installs requirements/lock.txt with
`pip install --require-hashes`, so the lock must pin, with hashes, every dependency pyproject.toml declares
(the package's own and the dev extra). A dependency added to pyproject.toml without `make lock` fails here, not
on a newcomer's machine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)")


def _lock() -> dict[str, tuple[Version, list[str]]]:
    """name -> (pinned version, its --hash values), from requirements/lock.txt."""
    pins: dict[str, tuple[Version, list[str]]] = {}
    current = None
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        m = _PIN.match(line)
        if m:
            current = canonicalize_name(m.group(1))
            pins[current] = (Version(m.group(2)), [])
        elif current and line.strip().startswith("--hash=sha256:"):
            pins[current][1].append(line.strip().split(":", 1)[1].rstrip(" \\"))
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def test_every_declared_dependency_is_pinned_within_its_range():
    pins = _lock()
    missing, outside = [], []
    for req in _declared():
        name = canonicalize_name(req.name)
        if name not in pins:
            missing.append(req.name)
        elif not req.specifier.contains(pins[name][0], prereleases=True):
            outside.append(f"{req} (locked {pins[name][0]})")
    assert not missing, f"not in requirements/lock.txt (run `make lock`): {missing}"
    assert not outside, f"locked outside pyproject.toml's range (run `make lock`): {outside}"


def test_every_pin_carries_sha256_hashes():
    pins = _lock()
    assert len(pins) > 50
    unhashed = [name for name, (_, hashes) in pins.items() if not hashes]
    assert not unhashed, f"pins without --hash (pip --require-hashes refuses the whole install): {unhashed}"
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _, hashes in pins.values() for h in hashes)


def test_make_venv_installs_from_the_lock_with_hashes_required():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements/lock.txt" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
