"""The single reader of the process environment. Nothing else reads os.environ."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

__all__ = ["BASE_DIR", "env"]
