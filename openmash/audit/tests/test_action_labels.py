"""The auditor's trail speaks plain English: every action code the code base audits has a label (page and CSV),
and the CSV keeps the code in its own column for analysis."""

from __future__ import annotations

import ast
import pathlib

import openmash
from openmash.audit.forms import ACTION_LABELS, action_label
from openmash.audit.services import audit_record

ROOT = pathlib.Path(openmash.__file__).parent


def _audited_actions() -> dict[str, str]:
    """Every action code passed to an audit call in the code base ({code: file}): `action="..."` keywords (also
    through a module-level constant or a conditional), and `_audit(actor, "...")` in accounts.admin_services."""
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        consts = {
            t.id: n.value.value
            for n in tree.body
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "add_argument":  # argparse's action="store_true"
                continue
            values = [k.value for k in node.keywords if k.arg == "action"]
            if name == "_audit" and len(node.args) > 1:
                values.append(node.args[1])
            for value in values:
                for part in [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]:
                    if isinstance(part, ast.Name) and part.id in consts:
                        found.setdefault(consts[part.id], str(path.relative_to(ROOT)))
                    elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                        found.setdefault(part.value, str(path.relative_to(ROOT)))
    return found


def test_every_audited_action_has_a_plain_english_label():
    found = _audited_actions()
    assert {"view", "deny", "login", "deactivate", "encompass_send"} <= set(found)  # the scan finds them
    missing = {code: where for code, where in found.items() if code not in ACTION_LABELS}
    assert missing == {}, f"add a label to openmash.audit.forms.ACTION_LABELS for: {missing}"


def test_an_unlabelled_code_still_reads_as_words():
    assert action_label("something_new") == "Something new"
    assert action_label("encompass_send") == ACTION_LABELS["encompass_send"]


def test_the_trail_shows_labels_and_the_csv_keeps_the_code(make_actor, partnership):
    import csv
    import io

    from django.test import Client

    auditor_client = Client()
    auditor_client.force_login(make_actor("auditor", "mash").user)
    screener = make_actor("screener", "mash")
    audit_record(actor=screener, action="token_refused", object_type="x", object_id="1")
    filtered = auditor_client.post("/audit/", {"user": screener.user.username})  # filters post, then ?f=<id>
    assert filtered.status_code == 302
    page = auditor_client.get(filtered["Location"]).content.decode()
    assert "API token refused" in page and ">token_refused<" not in page
    fid = filtered["Location"].split("f=", 1)[1]
    r = auditor_client.get("/audit/export.csv", {"f": fid})
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Action"] == "API token refused" and row["Action code"] == "token_refused"


def test_the_contact_reference_filter_shows_the_real_format_and_checks_it(make_actor, partnership):
    """The hint shows the format references are issued in (one definition: contacts.references), a typed reference
    is normalised (lower case, spaces, no hyphen), and a malformed one gets the GOV.UK error pattern."""
    from django.test import Client

    from openmash.contacts.references import EXAMPLE, HINT, PATTERN, reference_new, reference_normalise
    from tests.support import contact_record

    assert PATTERN.match(EXAMPLE) and all(PATTERN.match(reference_new()) for _ in range(50))
    contact = contact_record(make_actor("referrer", "police"))
    assert PATTERN.match(contact.reference)
    assert reference_normalise(" " + contact.reference.lower().replace("-", " ")) == contact.reference
    auditor = Client()
    auditor.force_login(make_actor("auditor", "mash").user)
    page = auditor.get("/audit/").content.decode()
    assert HINT in page and EXAMPLE in page
    bad = auditor.post("/audit/", {"contact": "C-2026-000123"}).content.decode()
    assert "<title>Error: " in bad and 'href="#id_contact"' in bad and "Enter a contact reference" in bad
