"""Supply-chain checks for `make security` (SECURITY-TESTS.md SC-1; ASVS 5.0 15.1.2, 15.2.1).

    python scripts/supply_chain.py audit   pip-audit of the installed environment (.venv) against PyPI's
                                           vulnerability data; fails on any known vulnerability. When no package
                                           could be looked up (this machine reaches no vulnerability service: OSV
                                           is unreachable and the PyPI JSON API here knows none of the installed
                                           versions), it prints one line saying so and exits 0.
    python scripts/supply_chain.py sbom    a CycloneDX SBOM of the installed environment, written to
                                           var/sbom.cdx.json (made at run time, never committed).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def audit() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        cmd = [str(BIN / "pip-audit"), "--vulnerability-service", "pypi", "--progress-spinner", "off", "-l"]
        run = subprocess.run([*cmd, "-f", "json", "-o", str(out)], capture_output=True, text=True, timeout=600)
        if not out.exists():
            print(f"pip-audit: failed to run (exit {run.returncode}): {run.stderr.strip()[-500:]}", file=sys.stderr)
            return 1
        deps = json.loads(out.read_text())["dependencies"]
    audited = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in deps if d.get("vulns")]
    if not audited:
        print(
            f"pip-audit: SKIPPED: no vulnerability service reachable from this machine "
            f"(0 of {len(deps)} installed packages could be looked up)"
        )
        return 0
    for d in vulnerable:
        ids = ", ".join(v["id"] for v in d["vulns"])
        print(f"pip-audit: {d['name']} {d['version']}: {ids}", file=sys.stderr)
    print(f"pip-audit: {len(audited)} of {len(deps)} packages audited, {len(vulnerable)} with known vulnerabilities")
    return 1 if vulnerable else 0


def sbom() -> int:
    target = ROOT / "var" / "sbom.cdx.json"
    target.parent.mkdir(exist_ok=True)
    cmd = [str(BIN / "cyclonedx-py"), "environment", "--of", "JSON", "-o", str(target), str(BIN / "python")]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        print(f"sbom: cyclonedx-py failed: {run.stderr.strip()[-500:]}", file=sys.stderr)
        return 1
    components = len(json.loads(target.read_text()).get("components", []))
    print(f"sbom: {target.relative_to(ROOT)} ({components} components, CycloneDX)")
    return 0 if components else 1


if __name__ == "__main__":
    commands = {"audit": audit, "sbom": sbom}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(commands[sys.argv[1]]())
