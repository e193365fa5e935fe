#!/usr/bin/env python3
"""Copy the front-end dependencies from node_modules into openmash/web/assets_build/.

Dev/CI helper, never imported by the application. Run it after `npm ci` (or use `make assets`):

    .venv/bin/python scripts/build_assets.py

Output (served by Django staticfiles under STATIC_URL, because settings add assets_build to STATICFILES_DIRS):

    assets_build/govuk/govuk-frontend.min.css   GOV.UK Frontend CSS, asset URLs rewritten (see below)
    assets_build/govuk/govuk-frontend.min.js    GOV.UK Frontend ES module (exports initAll)
    assets_build/govuk/assets/{fonts,images}/   fonts, crest and icons; manifest.json
    assets_build/htmx/htmx.min.js               htmx 2.x

GOV.UK Frontend's compiled CSS refers to its fonts and images by absolute URLs (`url(/assets/fonts/...)`), which
assumes the assets are served at the site root. We serve them under STATIC_URL instead, so those URLs are rewritten
to `<static-url>govuk/assets/...` (default `/static/govuk/assets/...`).

The script is idempotent: it always starts again from the pristine files in node_modules, builds into a temporary
directory next to the output and swaps it into place, so a failed run never leaves a half-built tree behind.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
OUTPUT_DIR = REPO_ROOT / "openmash" / "web" / "assets_build"

GOVUK_PACKAGE = "govuk-frontend"
GOVUK_MAJOR = 6
HTMX_PACKAGE = "htmx.org"
HTMX_MAJOR = 2

# `url(/assets/...)`, optionally quoted. Only root-relative /assets/ URLs are touched.
CSS_ASSET_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)/assets/""")
SOURCE_MAP_COMMENT = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/\s*$")


class BuildError(Exception):
    pass


def package_dir(name: str, major: int) -> Path:
    """The package's directory in node_modules, checking it is installed at the expected major version."""
    pkg_dir = NODE_MODULES / name
    manifest = pkg_dir / "package.json"
    if not manifest.is_file():
        raise BuildError(f"{name} is not installed in {NODE_MODULES.relative_to(REPO_ROOT)}/: run `npm ci` first.")
    version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    if int(version.split(".", 1)[0]) != major:
        raise BuildError(f"{name} {version} is installed but {major}.x is required (see package.json).")
    print(f"  {name} {version}")
    return pkg_dir


def require_file(path: Path) -> Path:
    if not path.is_file():
        raise BuildError(f"expected file is missing: {path.relative_to(REPO_ROOT)}")
    return path


def rewrite_css(css: str, static_url: str) -> str:
    """Point GOV.UK's `/assets/...` URLs at `<static_url>govuk/assets/...`; drop the (now inexact) source map."""
    target = f"{static_url}govuk/assets/"
    css, count = CSS_ASSET_URL.subn(lambda m: f"url({m.group('quote')}{target}", css)
    if count == 0:
        raise BuildError("no url(/assets/...) references found in the GOV.UK CSS: has the package layout changed?")
    if "url(/assets/" in css:
        raise BuildError("some /assets/ URLs in the GOV.UK CSS were not rewritten")
    return SOURCE_MAP_COMMENT.sub("", css).rstrip() + "\n"


def build_govuk(dest: Path, static_url: str) -> None:
    src = package_dir(GOVUK_PACKAGE, GOVUK_MAJOR) / "dist" / "govuk"
    dest.mkdir(parents=True)

    css = require_file(src / "govuk-frontend.min.css").read_text(encoding="utf-8")
    (dest / "govuk-frontend.min.css").write_text(rewrite_css(css, static_url), encoding="utf-8")

    shutil.copy2(require_file(src / "govuk-frontend.min.js"), dest / "govuk-frontend.min.js")
    if (src / "govuk-frontend.min.js.map").is_file():
        shutil.copy2(src / "govuk-frontend.min.js.map", dest / "govuk-frontend.min.js.map")

    assets = src / "assets"
    if not (assets / "fonts").is_dir() or not (assets / "images").is_dir():
        raise BuildError(f"expected fonts/ and images/ under {assets.relative_to(REPO_ROOT)}")
    shutil.copytree(assets, dest / "assets")


def build_htmx(dest: Path) -> None:
    src = package_dir(HTMX_PACKAGE, HTMX_MAJOR) / "dist"
    dest.mkdir(parents=True)
    shutil.copy2(require_file(src / "htmx.min.js"), dest / "htmx.min.js")


def build(output: Path, static_url: str) -> None:
    if not static_url.startswith("/") or not static_url.endswith("/"):
        raise BuildError(f"--static-url must start and end with '/', got {static_url!r}")
    staging = output.with_name(output.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        build_govuk(staging / "govuk", static_url)
        build_htmx(staging / "htmx")
        old = output.with_name(output.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if output.exists():
            output.rename(old)
        staging.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--static-url", default="/static/", help="Django STATIC_URL the files are served under")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help="output directory (default: %(default)s)")
    args = parser.parse_args(argv)
    output = args.output.resolve()
    try:
        shown = output.relative_to(REPO_ROOT)
    except ValueError:
        shown = output
    print(f"Building front-end assets into {shown}/")
    try:
        build(output, args.static_url)
    except BuildError as exc:
        print(f"build_assets: error: {exc}", file=sys.stderr)
        return 1
    print("Done.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
