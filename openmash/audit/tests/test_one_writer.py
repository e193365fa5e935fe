"""One writer (issue 7): the audit trail (AuditEvent) and its contact index (AuditEventContact) are written only by
openmash/audit/services.py, and the chain's seals, checkpoints and state only by openmash/audit/chain.py, so every
row carries its MAC and nothing bypasses the chain. This reads the whole code base (not the tests, which play the
attacker, nor the migrations, which are history): a second writer, an ORM create or bulk_create, a raw INSERT or COPY
into an audit table, or the demo's fast insert aimed at one, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ["openmash", "config", "linkage", "scripts", "manage.py"]
WRITERS = {
    "AuditEvent": "openmash/audit/services.py",
    "AuditEventContact": "openmash/audit/services.py",
    "AuditSeal": "openmash/audit/chain.py",
    "AuditCheckpoint": "openmash/audit/chain.py",
    "AuditChainState": "openmash/audit/chain.py",
}
TABLES = {
    "audit_auditevent": "openmash/audit/services.py",
    "audit_auditeventcontact": "openmash/audit/services.py",
    "audit_auditseal": "openmash/audit/chain.py",
    "audit_auditcheckpoint": "openmash/audit/chain.py",
    "audit_auditchainstate": "openmash/audit/chain.py",
}
_MODEL = "|".join(sorted(WRITERS, key=len, reverse=True))
PATTERNS = [
    # an instance made to be saved, or a manager write
    re.compile(rf"(?<![\w.])({_MODEL})\s*\((?!\s*models\.Model)"),
    re.compile(
        rf"\b({_MODEL})\.(?:objects|_default_manager|_base_manager)\s*\.\s*"
        r"(?:create|bulk_create|get_or_create|update_or_create|update|delete)\b"
    ),  # fmt: skip
    # the demo's fast insert, or any other helper given the model
    re.compile(rf"\b(?:insert_rows|insert_tuples)\s*\(\s*({_MODEL})\b"),
]
RAW = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|COPY|UPDATE|DELETE\s+FROM|TRUNCATE)\s+[\"'`]?(audit_\w+)", re.I)


def _sources():
    for name in SCANNED:
        base = ROOT / name
        files = [base] if base.is_file() else base.rglob("*.py")
        for path in files:
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel or rel.startswith("tests/"):
                continue
            yield rel, path.read_text(encoding="utf-8")


def writers_found(rel: str, text: str) -> list[str]:
    """Where `text` (the file `rel`) writes an audit table it is not the writer of: ["file:line: what", ...]."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("class ", "#")):
            continue
        for pattern in PATTERNS:
            for match in pattern.finditer(line):
                if WRITERS[match.group(1)] != rel:
                    found.append(f"{rel}:{number}: {match.group(0).strip()}")
        for match in RAW.finditer(line):
            table = match.group(1).lower()
            if table in TABLES and TABLES[table] != rel:
                found.append(f"{rel}:{number}: {match.group(0).strip()}")
    return found


def test_only_the_audit_module_writes_the_audit_tables():
    found = [hit for rel, text in _sources() for hit in writers_found(rel, text)]
    assert not found, "audit rows written outside openmash/audit/services.py and chain.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        "AuditEvent.objects.create(action='view')",
        "AuditEvent.objects.bulk_create(rows)",
        "event = AuditEvent(at=now, action='view')",
        "AuditEventContact.objects.bulk_create(rows)",
        "insert_tuples(AuditEvent, columns, rows)",
        'cursor.execute("INSERT INTO audit_auditevent (id) VALUES (1)")',
        'cursor.execute("COPY audit_auditevent (id) FROM STDIN")',
        "AuditSeal.objects.create(position=1)",
        'cursor.execute("DELETE FROM audit_auditseal")',
    ],
)
def test_the_check_itself_finds_a_second_writer(snippet):
    """So the check above cannot rot into passing everything."""
    assert writers_found("openmash/contacts/services.py", snippet)


def test_the_check_leaves_reads_alone():
    for snippet in (
        "AuditEvent.objects.filter(action='view').count()",
        "from openmash.audit.models import AuditEvent",
        "class AuditEvent(models.Model):",
        'cursor.execute("SELECT id FROM audit_auditevent")',
    ):
        assert not writers_found("openmash/contacts/services.py", snippet), snippet


def test_the_demo_fast_insert_refuses_the_audit_tables(db):
    from openmash.audit.models import AuditEvent, AuditEventContact
    from openmash.demo.fastinsert import insert_rows, insert_tuples

    with pytest.raises(ValueError, match="openmash.audit.services"):
        insert_rows(AuditEvent, [{"action": "view"}])
    with pytest.raises(ValueError, match="openmash.audit.services"):
        insert_tuples(AuditEventContact, ["contact_id"], [("x",)])
