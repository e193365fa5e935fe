"""Accessibility checks in browser tests, with axe-core (via axe-playwright-python).

from tests.browser.axe import assert_accessible

page.goto(live_server.url + "/")
assert_accessible(page)
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()


def assert_accessible(page, *, context=None, options=None) -> None:
    """Run axe on the page as it is now and fail on any violation whose impact is serious or critical.

    ``context`` and ``options`` are passed to ``axe.run`` (e.g. ``context="#main-content"``,
    ``options={"rules": {"color-contrast": {"enabled": False}}}``); by default the whole page is checked and only
    violations are collected.
    """
    run_options = {"resultTypes": ["violations"], **(options or {})}
    results = _axe.run(page, context=context, options=run_options)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
    for violation in blocking:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more element(s)")
    raise AssertionError("\n".join(lines))
