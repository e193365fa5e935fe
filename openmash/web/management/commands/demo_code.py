"""`openmash demo code USERNAME`: the demo user's current 6-digit sign-in code (ADR 0011).

Demo only: it refuses, in one line, unless the demo is running (OPENMASH_DEMO true) and the user's authenticator
device is the one the demo seed made (openmash.demo.seed.DEMO_DEVICE_NAME), so it can never print the code of a
device a real person set up, whatever the configuration.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print a demo user's current 6-digit sign-in code (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **opts):
        if not settings.DEMO_MODE:
            raise CommandError("only in the demo (OPENMASH_DEMO is not true): real users read their own app")
        from openmash.accounts.mfa import totp_current_code
        from openmash.accounts.models import AppDevice
        from openmash.demo.seed import DEMO_DEVICE_NAME

        device = AppDevice.objects.filter(
            user__username=opts["username"], name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"no demo user '{opts['username']}' with a demo authenticator (see the demo logins)")
        self.stdout.write(totp_current_code(device))
