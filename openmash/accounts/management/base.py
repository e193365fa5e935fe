"""A base for the administration commands: every error is one line on standard error and a non-zero exit."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError, handle_default_options
from django.db import connections

from openmash.core.exceptions import ApplicationError

EXIT_USAGE = 2


def command_label(django_name: str) -> str:
    """`user_create` -> `openmash user create` (the spelling the README uses)."""
    from openmash.cli import ALIASES, GROUPS

    for words, name in ALIASES.items():
        if name == django_name:
            return "openmash " + " ".join(words)
    for group, subs in GROUPS.items():
        for sub, (name, _) in subs.items():
            if name == django_name:
                return f"openmash {group} {sub}"
    return f"openmash {django_name}"


def errors_line(exc: ApplicationError) -> str:
    """A validation failure as one line: `field: message; field: message`."""
    if not exc.errors:
        return exc.message
    return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.errors.items())


class AdminCommand(BaseCommand):
    """Usage errors print `openmash GROUP COMMAND: error: ... (see --help)` and exit 2; ApplicationError raised by
    a service becomes a one-line CommandError (exit 1)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        label = command_label(subcommand)
        parser.prog = label
        from_command_line = parser.called_from_command_line

        def one_line_error(message):
            if not from_command_line:
                raise CommandError(f"Error: {message}")
            sys.stderr.write(f"{label}: error: {message} (see `{label} --help`)\n")
            sys.exit(EXIT_USAGE)

        parser.error = one_line_error
        return parser

    def run_from_argv(self, argv):
        """Django's run_from_argv, with a CommandError printed as `openmash GROUP COMMAND: error: message`."""
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options.traceback:
                raise
            sys.stderr.write(f"{command_label(argv[1])}: error: {exc}\n")
            sys.exit(exc.returncode)
        finally:
            connections.close_all()

    def _proof(self, opts) -> tuple[str, str]:
        """The acting admin's password and code (``--by``, ``--password-stdin``, ``--code``; ADR 0019): the
        password from one line of standard input with --password-stdin, else a prompt when a terminal is attached
        (never echoed); the code from --code, else a prompt. What is not given is "" (the service refuses it,
        audited). One reading for every command that acts as a proven admin (`user approve-grant`, `flags rules
        load`)."""
        tty = sys.stdin.isatty()
        password = ""
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        elif tty:
            try:
                password = getpass.getpass(f"Password for {opts['by']}: ")
            except EOFError:
                password = ""
        code = opts["code"]
        if not code and tty:
            try:
                code = input("Code from their authenticator app: ")
            except EOFError:
                code = ""
        return password, code.strip()

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ApplicationError as exc:
            raise CommandError(errors_line(exc)) from None
