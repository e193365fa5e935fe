"""The single reader of the process environment. Nothing else reads os.environ."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A local .env file (never committed) fills in variables the process environment does not set.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

__all__ = ["BASE_DIR", "env"]
