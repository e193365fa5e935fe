"""`openmash keys generate --out FILE`: a new key file, before anything is configured (no Django, no database).

The file (``openmash.core.keys`` describes its format) holds field key version 1, an audit MAC key and an audit
signing key, each 32 random bytes from the operating system's CSPRNG, mode 0600. It refuses to overwrite a file
(a lost key file means every encrypted value written under it is lost too). Keep it off the database host's
backups and out of version control; point OPENMASH_KEY_FILE at it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str], prog: str = "openmash keys generate") -> int:
    """Run `keys generate`. Returns the exit status (0 written, 1 refused or failed, 2 usage)."""
    parser = argparse.ArgumentParser(prog=prog, description="Write a new OpenMASH key file (mode 0600).")
    parser.add_argument("--out", required=True, help="Where to write the key file (must not exist)")
    args = parser.parse_args(argv)
    path = Path(args.out)
    if path.exists():
        print(f"{prog}: error: {path} exists: refusing to overwrite a key file", file=sys.stderr)
        return 1
    if not path.parent.is_dir():
        print(f"{prog}: error: the directory {path.parent} does not exist", file=sys.stderr)
        return 1
    from openmash.core.keys import key_file_data_new, key_file_write

    try:
        key_file_write(path, key_file_data_new())
    except OSError as exc:
        print(f"{prog}: error: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote a new key file {path} (mode 0600): set OPENMASH_KEY_FILE={path.resolve()}")
    return 0


__all__ = ["main"]
