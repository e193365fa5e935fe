"""SC-2: Django's deployment checks pass with production settings, and production refuses to start unconfigured."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENMASH_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "openmash.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_has_no_findings_with_production_settings():
    r = _run(
        {
            "OPENMASH_SECRET_KEY": "p" * 20 + "-production-like-secret-key-" + "q" * 20,
            "OPENMASH_ALLOWED_HOSTS": "mash.example.org",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_production_refuses_to_start_without_a_secret_key():
    r = _run({"OPENMASH_ALLOWED_HOSTS": "mash.example.org"}, "check")
    assert r.returncode != 0
    assert "OPENMASH_SECRET_KEY must be set" in r.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    r = _run({"OPENMASH_SECRET_KEY": "x" * 60}, "check")
    assert r.returncode != 0
    assert "OPENMASH_ALLOWED_HOSTS must be set" in r.stderr
