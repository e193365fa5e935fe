"""`openmash serve` (and so `openmash demo`, which serves through it) ended by SIGTERM (a service manager, `kill`)
or SIGINT (Ctrl+C) exits cleanly: status 0, no traceback, and no gunicorn left running on the port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_cleanly_on_a_signal(tmp_path, signum):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"},
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "OPENMASH_SECRET_KEY": "serve-signal-test",
        "OPENMASH_DEBUG": "true",
        "HOME": str(tmp_path),  # gunicorn would put its control socket under ~/.gunicorn
    }
    openmash = Path(sys.executable).with_name("openmash")
    proc = subprocess.Popen(
        [str(openmash), "serve", "--port", str(port), "--workers", "1", "--escalate-every", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not _listening(port):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Traceback" not in out
    assert "Stopped." in out
    time.sleep(0.5)
    assert not _listening(port), "gunicorn was left running after the command ended"
    assert not (tmp_path / ".gunicorn").exists(), "gunicorn opened its shared control socket"
