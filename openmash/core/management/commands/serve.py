import contextlib
import os
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve OpenMASH with gunicorn (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2)

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
            '%(t)s "%(m)s %(U)s" %(s)s %(M)sms',
        ]
        self.stdout.write(f"Serving on http://{opts['host']}:{opts['port']}  (Ctrl+C to stop)")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(cmd, check=False, env=os.environ.copy())
