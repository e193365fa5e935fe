import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from django.core.management.base import BaseCommand

from config.gunicorn_logging import ACCESS_LOG_FORMAT

STATS_EVERY = 3600  # seconds between refreshes of the database's planner statistics (openmash.core.dbstats)


class Command(BaseCommand):
    help = "Serve OpenMASH with gunicorn (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--escalate-every", type=int, default=300, help="Seconds between escalation runs (0: off)")

    def handle(self, *args, **opts):
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{opts['host']}:{opts['port']}",
            "--workers",
            str(opts["workers"]),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            # every access-log field redacted (set-password token, query strings) and control characters escaped
            "--logger-class",
            "config.gunicorn_logging.AccessLogger",
            # no control socket: gunicorn's default is one fixed path per user account, shared by every instance
            # on the machine (each overwriting the last); OpenMASH is controlled by signals (see run below)
            "--no-control-socket",
        ]
        self.stdout.write(f"Serving on http://{opts['host']}:{opts['port']}  (Ctrl+C to stop)")
        self.stdout.flush()
        stop = threading.Event()
        threading.Thread(target=self._escalate_every, args=(stop, opts["escalate_every"]), daemon=True).start()
        # the audit trail's sealing (every minute) and signed checkpoints (every 5 minutes): openmash.audit.chain
        from openmash.audit.chain import audit_periodic

        threading.Thread(target=audit_periodic, args=(stop,), daemon=True).start()
        self._run_until_stopped(cmd)
        stop.set()
        self.stdout.write("Stopped.")

    @staticmethod
    def _run_until_stopped(cmd: list[str]) -> int:
        """Run gunicorn until it exits. SIGTERM (a service manager, `kill`) or SIGINT (Ctrl+C) is passed on to
        gunicorn as SIGTERM (its graceful shutdown), then this waits for it: the command ends cleanly, with no
        traceback and no gunicorn left behind holding the port. Returns gunicorn's exit status."""
        proc = subprocess.Popen(cmd, env=os.environ.copy())

        def stop(signum, frame):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while True:
                try:
                    return proc.wait()
                except KeyboardInterrupt:  # a second Ctrl+C between handler installs: stop all the same
                    stop(signal.SIGINT, None)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _escalate_every(self, stop: threading.Event, seconds: int) -> None:
        """Escalate overdue agency requests, clear expired sessions and score the agency records due (`openmash link
        records`) while serving, and refresh the database's planner statistics at start and hourly (production may
        run `openmash escalate_overdue`, `openmash clearsessions`, `openmash link records` and `openmash dbstats` from
        a scheduler instead: --escalate-every 0)."""
        from django.core.management import call_command
        from django.db import close_old_connections

        from openmash.core.dbstats import database_statistics_refresh

        last_stats = None
        while seconds > 0:
            try:
                if last_stats is None or time.monotonic() - last_stats >= STATS_EVERY:
                    database_statistics_refresh()
                    last_stats = time.monotonic()
                if stop.wait(seconds):
                    break
                call_command("escalate_overdue", verbosity=0)
                call_command("clearsessions", verbosity=0)  # expired sessions may hold intake search results
                # failed sign-ins older than a day no longer count towards any lockout (the audit trail keeps them)
                call_command("axes_reset_failure_logs", age=1, stdout=io.StringIO())
                from openmash.contacts.services import intake_drafts_clear_expired

                intake_drafts_clear_expired()  # drafts kept across an idle sign-out, past their hours
            except Exception:  # keep serving; the error is logged
                logging.getLogger(__name__).exception("Escalation run failed")
            finally:
                close_old_connections()
            try:
                # the records contacts stored since the last run (ADR 0009: intake leaves them due, never scores them
                # while the referrer waits)
                call_command("link_records", quiet=True, stdout=io.StringIO())
            except Exception:  # keep serving; the error is logged
                logging.getLogger(__name__).exception("Scoring run failed")
            finally:
                close_old_connections()
