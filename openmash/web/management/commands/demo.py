import signal

from django.core.management import call_command
from django.core.management.base import BaseCommand

from openmash.demo.seed import DEMO_PASSWORD, demo_logins, seed_demo


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Migrate, load the synthetic partnership (once), print the demo logins and serve."

    def add_arguments(self, parser):
        parser.add_argument("--seed-only", action="store_true", help="Seed and exit without serving")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reset", action="store_true", help="Delete the demo database and seed again")

    def handle(self, *args, **opts):
        # SIGTERM while migrating or seeding stops like Ctrl+C: one line ("interrupted"), no traceback; while
        # serving, `serve` passes it on to gunicorn and waits for it to stop.
        signal.signal(signal.SIGTERM, _interrupt)
        if opts["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            from openmash.audit.chain import retire_checkpoint_file

            retire_checkpoint_file()  # the old trail's checkpoints: a new trail starts (openmash.audit.chain)
        call_command("migrate", interactive=False, verbosity=0)
        seeded = seed_demo(stdout=self.stdout)
        if not seeded:
            self.stdout.write("Demo partnership already loaded (use --reset to start again).")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, usernames in demo_logins():
            self.stdout.write(f"  {role:<28} {', '.join(usernames)}")
        self.stdout.write("")
        self.stdout.write("Every sign-in then asks for a 6-digit security code (the user's authenticator app). In the")
        self.stdout.write("demo, print a user's current code with:  .venv/bin/openmash demo code USERNAME")
        self.stdout.write("")
        if not opts["seed_only"]:
            from openmash.cli import demo_base_url_write

            # so `openmash user create ... --no-password` run beside it prints links on this port (var/demo-base-url)
            demo_base_url_write(opts["port"])
            call_command("serve", port=opts["port"])
