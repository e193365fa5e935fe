"""`openmash flags deprivation load FILE.csv --source TEXT`: replace the postcode -> IMD decile lookup that disparity
monitoring reads (``patterns.disparity``; issue 8). The file has the columns ``postcode`` and ``imd_decile`` (1 = most
deprived tenth of areas, 10 = least); the partnership prepares it: the English Indices of Deprivation 2019 publish a
decile for every LSOA, and ONS's postcode directory (ONSPD) maps each postcode to its LSOA. No data ships with
OpenMASH. A bad file (rows named in the message) changes nothing; a good one replaces the whole lookup.

`openmash flags deprivation status`: how many postcodes are loaded, from which source."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from openmash.accounts.management.base import AdminCommand
from openmash.patterns.disparity import DeprivationFileError, deprivation_load


class Command(AdminCommand):
    help = "Load the postcode to IMD decile lookup for disparity monitoring (load FILE.csv --source TEXT), or status."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "status"])
        parser.add_argument("file", nargs="?", help="load: the CSV file (columns postcode, imd_decile)")
        parser.add_argument("--source", default="", help='load: the edition and how it was made ("IoD 2019 via ONSPD")')

    def handle(self, *args, **opts):
        from django.db.models import Count

        from openmash.patterns.models import DeprivationLookup

        if opts["action"] == "status":
            rows = DeprivationLookup.objects.values("source").annotate(n=Count("postcode")).order_by("source")
            if not rows:
                self.stdout.write("No deprivation lookup is loaded: area deprivation shows as not known.")
            for row in rows:
                self.stdout.write(f"{row['n']:,} postcodes from {row['source']}")
            return
        if not opts["file"]:
            raise CommandError("give the file: openmash flags deprivation load FILE.csv --source TEXT")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path.name}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CommandError(f"{path.name} is not UTF-8 text: save it as CSV (UTF-8)") from None
        try:
            count = deprivation_load(text, source=opts["source"])
        except DeprivationFileError as exc:
            raise CommandError(f"{path.name} was not loaded (nothing changed):\n  " + "\n  ".join(exc.errors)) from None
        self.stdout.write(f"Loaded {count:,} postcodes from {path.name}; the previous lookup was replaced.")
