"""The audit trail's hash chain, its signed checkpoints and their verification (tamper evidence, issue 7;
SECURITY-TESTS.md TE-1, TE-2, TE-4; docs/security/access-and-audit.md "Tamper evidence"; ADR 0010).

- **Sealing** (``audit_seal``): events are written with their own MAC by openmash.audit.services, in the request's
  transaction, with no shared lock. The sealer, in short transactions of its own (``openmash serve`` every
  OPENMASH_AUDIT_SEAL_SECONDS, ``openmash audit seal``, and before every checkpoint and verification), appends each
  event not yet sealed to the chain (AuditSeal: position, event id, event MAC, chain value), in id order. On
  PostgreSQL an event may commit after a higher id was sealed (its transaction took the id first and ran longer):
  the sealer scans from a *watermark*, the highest id below which no unsealed event can still appear, and seals the
  late one at the next position. The watermark advances from (sequence value, snapshot xmax) pairs recorded at each
  run: once every transaction older than that xmax has ended (the oldest running transaction is newer), every id up
  to that sequence value is either visible or will never exist (writers take their transaction id before their
  event ids: services._ids_allocate). On SQLite writers are serialised, so the watermark is simply the last id
  sealed. One sealer at a time: a transaction-scoped advisory lock on PostgreSQL, the write lock on SQLite.
- **Checkpoints** (``audit_checkpoint``): the trail's id, the position and chain value reached, the number of events
  covered and the time (UTC), signed with the audit signing key (Ed25519), appended as one JSON line to the checkpoint
  file outside the database (OPENMASH_AUDIT_CHECKPOINT_FILE) and kept in AuditCheckpoint too.
- **Verification** (``audit_verify``): recomputes every event's MAC and the whole chain in one streaming pass (a
  server-side cursor per table, bounded memory), checks each checkpoint's signature and that the chain at its
  position matches, and that the trail still reaches the last checkpoint. The result names the first bad event.

What is and is not detected (the tamper window) is in the documentation above.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from openmash.audit.canonical import (
    at_text,
    chain_genesis,
    chain_next,
    event_message,
    mac_of,
    sqlite_at_text,
)
from openmash.audit.models import AuditChainState, AuditCheckpoint, AuditSeal
from openmash.core.keys import keyring

logger = logging.getLogger(__name__)

SEAL_LOCK = 0x6F6D5F6175646974  # "om_audit": the sealer's PostgreSQL advisory lock
SEAL_BATCH = 5000
CHECKPOINT_FORMAT = 1
#: How long an event may stay unsealed before a verification reports it (the sealer should have taken it).
UNSEALED_GRACE = dt.timedelta(minutes=15)
#: Events read ahead of the chain that a verification holds at most (a chain this far out of id order is broken).
MAX_AHEAD = 1_000_000


# --- sealing ----------------------------------------------------------------------------------------------------


@dataclass
class SealResult:
    sealed: int = 0
    position: int = 0  # the last position of the chain after the run
    chain: str = ""  # its chain value (hex)
    trail: str = ""


def _lock(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])


def _state_get(cursor) -> AuditChainState:
    """The chain's state row, made on the first run: a new trail id, and the highest id of the events written
    before tamper evidence (no MAC of their own; the first run MACs them into the chain)."""
    state = AuditChainState.objects.filter(pk=1).first()
    if state is not None:
        return state
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM audit_auditevent WHERE mac = ''")
    legacy = cursor.fetchone()[0]
    return AuditChainState.objects.create(
        pk=1, trail=uuid.uuid4(), legacy_max_id=legacy, created_at=timezone.now(), watermark=0, pending=[]
    )


def _last_link(state: AuditChainState, key: bytes) -> tuple[int, bytes]:
    last = AuditSeal.objects.order_by("-position").values_list("position", "chain").first()
    if last is None:
        return 0, chain_genesis(key, state.trail, state.legacy_max_id)
    return last[0], bytes.fromhex(last[1])


def _pg_horizon(cursor, state: AuditChainState) -> tuple[int, list]:
    """PostgreSQL: (the watermark this run may move to, the pairs still pending). Reads the sequence's value, then
    the snapshot's xmax, in that order: every id at or below that value was taken by a transaction that had its id,
    so one older than that xmax."""
    cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
    oldest_running = int(cursor.fetchone()[0])
    ready = [int(s) for s, x in state.pending if int(x) <= oldest_running]
    pending = [[s, x] for s, x in state.pending if int(x) > oldest_running]
    cursor.execute("SELECT pg_get_serial_sequence('audit_auditevent', 'id')")
    sequence = cursor.fetchone()[0]  # a name from the catalog: "public.audit_auditevent_id_seq"
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # nosec B608 - a sequence name read from the catalog  # noqa: S608
    last_value, is_called = cursor.fetchone()
    top = int(last_value) if is_called else int(last_value) - 1
    cursor.execute("SELECT seqcache FROM pg_sequence WHERE seqrelid = %s::regclass", [sequence])
    if cursor.fetchone()[0] != 1:  # sessions may hold ids taken earlier: never move the watermark (scan more)
        logger.warning("The audit trail's id sequence caches more than 1 value: the sealer's watermark stays put")
        return state.watermark, []
    cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")
    pending.append([top, int(cursor.fetchone()[0])])
    return max([state.watermark, *ready]), pending[-20:]


def _candidates(cursor, after: int, limit: int) -> list[int]:
    cursor.execute(
        "SELECT e.id FROM audit_auditevent e WHERE e.id > %s AND NOT EXISTS "
        "(SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id) ORDER BY e.id LIMIT %s",
        [after, limit],
    )
    return [row[0] for row in cursor.fetchall()]


def _seal_batch(key: bytes, after: int, limit: int, full: bool) -> tuple[int, int, SealResult]:
    """One short transaction: seal up to `limit` events with ids above `after`, each only if its MAC holds (a legacy
    event's is computed now). An event whose MAC does not hold (forged, or changed before it was sealed) is left out
    of the chain and logged by id; `audit verify` reports it. Returns (events looked at, the last id looked at, the
    state of the chain)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        state = _state_get(cursor)
        if after < 0:  # the run's first batch: from the watermark
            after = 0 if full else state.watermark
        position, chain = _last_link(state, key)
        ids = _candidates(cursor, after, limit)
        wanted = set(ids)
        now = timezone.now()
        seals = []
        for row in _event_rows(cursor, lo=ids[0], hi=ids[-1]) if ids else ():
            if row[0] not in wanted:
                continue
            stored, computed = row[13], mac_of(key, event_message(*row[:13], row[14]))
            legacy = not stored and row[0] <= state.legacy_max_id
            if stored != computed and not legacy:
                logger.warning("Audit event %s has no valid MAC: not sealed (audit verify reports it)", row[0])
                continue
            position += 1
            chain = chain_next(key, chain, position, row[0], computed)
            seals.append(
                AuditSeal(position=position, event_id=row[0], event_mac=computed, chain=chain.hex(), sealed_at=now)
            )
        if seals:
            AuditSeal.objects.bulk_create(seals)
            AuditChainState.objects.filter(pk=1).update(last_position=position)
        result = SealResult(sealed=len(seals), position=position, chain=chain.hex(), trail=str(state.trail))
        return len(ids), (ids[-1] if ids else after), result


def audit_seal(*, batch: int = SEAL_BATCH, full: bool = False) -> SealResult:
    """Seal every committed event not yet in the chain, `batch` events per short transaction, oldest id first.
    `full`: scan the whole trail rather than from the watermark (after a restore, or if the state row was
    changed). Returns how many were sealed and where the chain ends. Raises KeyConfigurationError without the MAC
    key. Call it outside any transaction (its own are short): inside a request's, the sealer's lock would be held
    until that request commits."""
    key = keyring().audit_mac()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        state = _state_get(cursor)
        if connection.vendor == "postgresql":
            watermark, pending = _pg_horizon(cursor, state)
        else:
            watermark, pending = None, []
    total, after = 0, -1
    while True:
        looked, after, result = _seal_batch(key, after, batch, full)
        total += result.sealed
        if looked < batch:
            break
    if watermark is None:  # SQLite: writers are serialised, every id up to the last sealed is final
        watermark = max(after, 0)
    with transaction.atomic():
        state = AuditChainState.objects.select_for_update().get(pk=1)
        state.watermark = max(state.watermark, watermark) if not full else watermark
        state.pending = pending
        state.save(update_fields=["watermark", "pending"])
    result.sealed = total
    return result


# --- checkpoints ------------------------------------------------------------------------------------------------


def checkpoint_file() -> Path:
    return Path(settings.OPENMASH_AUDIT_CHECKPOINT_FILE)


def _signed_bytes(payload: dict) -> bytes:
    body = {k: v for k, v in payload.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def key_id(public_key) -> str:
    """The first 16 hex digits of SHA-256 of the raw public key: names the key in a checkpoint, never trusted."""
    import hashlib

    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def audit_checkpoint(*, path: Path | None = None) -> dict:
    """Seal, then sign where the chain ends and append it to the checkpoint file (created 0600 if missing, one JSON
    line, flushed to disk) and to AuditCheckpoint. Returns the checkpoint (a dict: format, trail, n, position,
    events, last_event_id, chain, at, key_id, signature). Raises KeyConfigurationError without the keys, OSError
    when the file cannot be written (the table's copy is then not kept either)."""
    signing = keyring().audit_signing_key()
    audit_seal()
    path = Path(path or checkpoint_file())
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        state = _state_get(cursor)
        last = AuditSeal.objects.order_by("-position").values_list("position", "chain", "event_id").first()
        position, chain, last_event = (
            last if last else (0, chain_genesis(keyring().audit_mac(), state.trail, state.legacy_max_id).hex(), 0)
        )
        at = timezone.now()
        payload = {
            "format": CHECKPOINT_FORMAT,
            "trail": str(state.trail),
            "n": AuditCheckpoint.objects.filter(trail=state.trail).count() + 1,
            "position": position,
            "events": position,
            "last_event_id": last_event,
            "chain": chain,
            "at": at_text(at),
            "key_id": key_id(signing.public_key()),
        }
        payload["signature"] = base64.b64encode(signing.sign(_signed_bytes(payload))).decode()
        line = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        AuditCheckpoint.objects.create(trail=state.trail, position=position, chain=chain, at=at, line=line)
        _append(path, line)
    return payload


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def retire_checkpoint_file(path: Path | None = None) -> Path | None:
    """Move the checkpoint file aside (``<name>.retired-<UTC time>``) when a trail is deliberately started again
    (the demo's reset): its checkpoints belong to the old trail. Returns the new name, or None if there was none."""
    path = Path(path or checkpoint_file())
    if not path.exists():
        return None
    target = path.with_name(f"{path.name}.retired-{timezone.now():%Y%m%dT%H%M%SZ}")
    path.rename(target)
    return target


# --- periodic work in `openmash serve` --------------------------------------------------------------------------


def audit_periodic(stop, *, seal_seconds: int | None = None, checkpoint_minutes: int | None = None) -> None:
    """Seal every `seal_seconds` (OPENMASH_AUDIT_SEAL_SECONDS, default 60) and checkpoint every `checkpoint_minutes`
    (OPENMASH_AUDIT_CHECKPOINT_MINUTES, default 5) until `stop` (a threading.Event) is set; 0 turns either off.
    Errors are logged and the loop goes on (serving is never stopped by it)."""
    from django.db import close_old_connections

    seal_every = settings.OPENMASH_AUDIT_SEAL_SECONDS if seal_seconds is None else seal_seconds
    minutes = settings.OPENMASH_AUDIT_CHECKPOINT_MINUTES if checkpoint_minutes is None else checkpoint_minutes
    last_checkpoint = time.monotonic()
    tick = min(x for x in (seal_every, minutes * 60, 60) if x > 0)
    while not stop.wait(tick):
        try:
            if minutes > 0 and time.monotonic() - last_checkpoint >= minutes * 60:
                audit_checkpoint()
                last_checkpoint = time.monotonic()
            elif seal_every > 0:
                audit_seal()
        except Exception:  # keep serving; the error is logged
            logger.exception("Audit sealing or checkpoint failed")
        finally:
            close_old_connections()


# --- reading the tables for verification ------------------------------------------------------------------------

_EVENT_COLUMNS = (
    "id, {at}, actor_user_id, actor_username, agency_code, role, action, object_type, object_id, reason, request_id, "
    "client_request_id, {detail}, mac FROM audit_auditevent"
)


def _event_sql() -> str:
    if connection.vendor == "postgresql":
        at = "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        return "SELECT " + _EVENT_COLUMNS.format(at=at, detail="detail::text")
    return "SELECT " + _EVENT_COLUMNS.format(at="at", detail="detail")


def _contact_sql() -> str:
    contact = "replace(contact_id::text, '-', '')" if connection.vendor == "postgresql" else "lower(contact_id)"
    return f"SELECT event_id, {contact} FROM audit_auditeventcontact"  # nosec B608 - constant names  # noqa: S608 (constant names)


def _stream(sql: str, params=(), size: int = 5000):
    """Rows of `sql`, fetched `size` at a time: a server-side cursor on PostgreSQL (inside the caller's transaction),
    SQLite's stepping cursor; memory stays at one chunk."""
    cursor = connection.chunked_cursor() if connection.vendor == "postgresql" else connection.cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows
    finally:
        cursor.close()


def _canonical(row, sqlite: bool) -> list:
    """A fetched event row as its canonical fields: [id, at, ..., detail (data), mac]."""
    row = list(row)
    if sqlite:
        row[1] = sqlite_at_text(row[1])
    with suppress(ValueError):  # not JSON any more: a changed row, which cannot match its MAC
        row[12] = json.loads(row[12]) if row[12] is not None else None
    return row


def _with_contacts(events, contacts):
    """Merge the event rows (by id) with their contact index rows (by event id): yields (row, [contact hex, ...]) and,
    for index rows whose event does not exist, (None, event id)."""
    pending = next(contacts, None)
    for row in events:
        found = []
        while pending is not None and pending[0] <= row[0]:
            if pending[0] == row[0]:
                found.append(pending[1])
            else:
                yield None, pending[0]
            pending = next(contacts, None)
        yield row, sorted(found)
    while pending is not None:
        yield None, pending[0]
        pending = next(contacts, None)


def _event_rows(cursor, *, lo: int, hi: int) -> list[list]:
    """The canonical rows [fields..., mac, contacts] of the events with ids from `lo` to `hi` (the sealer's batch)."""
    sqlite = connection.vendor == "sqlite"
    cursor.execute(f"{_event_sql()} WHERE id BETWEEN %s AND %s ORDER BY id", [lo, hi])  # noqa: S608
    events = [_canonical(r, sqlite) for r in cursor.fetchall()]
    cursor.execute(f"{_contact_sql()} WHERE event_id BETWEEN %s AND %s ORDER BY event_id, 2", [lo, hi])  # noqa: S608
    contacts = iter(cursor.fetchall())
    return [[*row, found] for row, found in _with_contacts(iter(events), contacts) if row is not None]


# --- verification -----------------------------------------------------------------------------------------------


@dataclass
class Problem:
    """One thing wrong with the trail. `kind`: modified, missing, out of order, forged, truncated, chain, checkpoint,
    unsealed. `event_id` / `position` as far as known. `order`: where it sorts (the first bad one is reported)."""

    kind: str
    message: str
    event_id: int | None = None
    position: int | None = None

    def order(self) -> tuple:
        big = 1 << 62
        return (self.event_id if self.event_id is not None else big, self.position or big)

    def line(self) -> str:
        where = []
        if self.event_id is not None:
            where.append(f"event {self.event_id}")
        if self.position is not None:
            where.append(f"position {self.position}")
        head = f"{' at '.join(where)}: " if where else ""
        return f"{head}{self.kind}: {self.message}"


@dataclass
class VerifyResult:
    events: int = 0
    sealed: int = 0  # positions in the chain
    unsealed: int = 0
    checkpoints: int = 0
    last_checkpoint: dict | None = None
    checkpoint_file: str = ""
    file_found: bool = False
    problems: int = 0
    first: Problem | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first is None

    def add(self, problem: Problem) -> None:
        self.problems += 1
        if self.first is None or problem.order() < self.first.order():
            self.first = problem

    def summary(self) -> str:
        """One line, no personal data: counts, positions, ids and times only."""
        if not self.ok:
            more = f" ({self.problems} problems in all)" if self.problems > 1 else ""
            return f"FAILED: {self.first.line()}{more}"
        last = self.last_checkpoint
        cp = (
            f"{self.checkpoints} checkpoints, the last at position {last['position']:,} ({last['at']})"
            if last
            else "no checkpoints"
        )
        unsealed = f", {self.unsealed:,} not yet sealed" if self.unsealed else ""
        notes = "".join(f"; {n}" for n in self.notes)
        return f"intact: {self.events:,} events, chain of {self.sealed:,}{unsealed}; {cp}{notes} ({self.seconds:.1f} s)"


def _load_checkpoints(path: Path | None, result: VerifyResult, verify_key, trail: str) -> dict[int, list[dict]]:
    """Checkpoints from the file (the copy that counts) and the table, each signature checked: {position: [...]}.
    A bad signature or another trail's checkpoint is a problem."""
    from cryptography.exceptions import InvalidSignature

    lines: list[tuple[str, str]] = []
    if path is not None:
        result.checkpoint_file = str(path)
        if path.exists():
            result.file_found = True
            with path.open(encoding="utf-8") as f:
                lines += [(f"{path.name} line {i}", text.strip()) for i, text in enumerate(f, 1) if text.strip()]
    seen = {text for _, text in lines}
    lines += [
        (f"table row {pk}", text) for pk, text in AuditCheckpoint.objects.values_list("id", "line") if text not in seen
    ]
    by_position: dict[int, list[dict]] = {}
    for where, text in lines:
        try:
            payload = json.loads(text)
            signature = base64.b64decode(payload["signature"])
            verify_key.verify(signature, _signed_bytes(payload))
        except InvalidSignature:
            result.add(Problem("forged", f"checkpoint ({where}) has a bad signature"))
            continue
        except (ValueError, KeyError, TypeError):
            result.add(Problem("forged", f"checkpoint ({where}) is not a checkpoint"))
            continue
        if payload.get("trail") != trail:
            result.add(
                Problem(
                    "checkpoint",
                    f"checkpoint {payload.get('n')} ({where}) belongs to another trail: the trail was replaced (if it "
                    "was deliberately started again, move the old checkpoint file aside)",
                )
            )
            continue
        payload["where"] = where
        by_position.setdefault(int(payload["position"]), []).append(payload)
        result.checkpoints += 1
        if result.last_checkpoint is None or payload["position"] >= result.last_checkpoint["position"]:
            result.last_checkpoint = payload
    return by_position


@contextmanager
def _read_snapshot():
    """One consistent view of every audit table for the whole verification, without blocking writers: PostgreSQL
    REPEATABLE READ, READ ONLY; SQLite a deferred read transaction (WAL: writers go on). Inside a transaction already
    (a test's), that transaction's view."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cursor.execute("ROLLBACK")


class _Verifier:
    """One pass: the seals in position order, the events (with their contact index) in id order, side by side."""

    def __init__(self, key: bytes, state: AuditChainState | None, checkpoints: dict, result: VerifyResult, now):
        self.key, self.state, self.checkpoints, self.result = key, state, checkpoints, result
        self.legacy_max = state.legacy_max_id if state else 0
        self.ahead: dict[int, tuple] = {}  # events read whose seal has not come yet: id -> (stored mac, computed, at)
        self.grace_before = at_text(now - UNSEALED_GRACE)
        self.sqlite = connection.vendor == "sqlite"

    def events(self):
        rows = (_canonical(r, self.sqlite) for r in _stream(_event_sql() + " ORDER BY id"))
        contacts = iter(_stream(_contact_sql() + " ORDER BY event_id, 2"))
        for row, found in _with_contacts(rows, contacts):
            if row is None:
                self.result.add(Problem("forged", "a contact index row names this event, which does not exist", found))
                continue
            self.result.events += 1
            computed = mac_of(self.key, event_message(*row[:13], found))
            yield row[0], row[13], computed, row[1]

    def run(self) -> None:
        result = self.result
        events = self.events()
        upcoming = next(events, None)
        previous = chain_genesis(self.key, self.state.trail, self.legacy_max) if self.state else None
        expected_position = 1
        for position, event_id, event_mac, chain in _stream(
            "SELECT position, event_id, event_mac, chain FROM audit_auditseal ORDER BY position"
        ):
            if previous is None:
                result.add(Problem("chain", "the chain's state row is missing", event_id, position))
                previous = b""
            if position != expected_position:
                gap = f"seals at positions {expected_position}-{position - 1} were deleted"
                result.add(Problem("missing", gap, event_id, position))
            expected_position = position + 1
            result.sealed += 1
            previous = self.link(previous, position, event_id, event_mac, chain)
            while upcoming is not None and upcoming[0] <= event_id:
                self.ahead[upcoming[0]] = upcoming[1:]
                upcoming = next(events, None)
                if len(self.ahead) > MAX_AHEAD:
                    result.add(Problem("out of order", "the chain is far out of id order here", event_id, position))
                    return
            read = self.ahead.pop(event_id, None)
            if read is None:
                result.add(Problem("missing", "this event was deleted (its seal remains)", event_id, position))
                continue
            self.match(event_id, position, event_mac, *read)
        if upcoming is not None:  # the events after the last sealed one: not sealed yet
            self.unsealed(*upcoming)
            for read in events:
                self.unsealed(*read)
        for event_id, read in self.ahead.items():  # read ahead of the chain, never sealed
            self.unsealed(event_id, *read)
        self.tail(expected_position - 1)

    def link(self, previous: bytes, position: int, event_id: int, event_mac: str, chain: str) -> bytes:
        """Check one seal's chain value, and the checkpoints at its position; returns the value the next link
        follows from (the stored one, so one changed seal is one problem, not a cascade)."""
        link = chain_next(self.key, previous, position, event_id, event_mac).hex()
        if link != chain:
            why = "the chain value does not follow from the one before: the seal was changed, or the chain was "
            self.result.add(Problem("chain", why + "recomputed without the key", event_id, position))
        for cp in self.checkpoints.get(position, ()):
            if cp["chain"] != chain or cp["chain"] != link:
                why = (
                    f"checkpoint {cp['n']} ({cp['at']}) does not match the chain here: the trail up to it was rewritten"
                )
                self.result.add(Problem("checkpoint", why, event_id, position))
        return bytes.fromhex(chain if _is_hex(chain) else link)

    def match(self, event_id, position, sealed_mac, stored, computed, at) -> None:
        if not stored and event_id <= self.legacy_max:  # written before tamper evidence: MACed when sealed
            if computed != sealed_mac:
                self.result.add(
                    Problem("modified", "its content no longer matches the MAC it was sealed with", event_id, position)
                )
            return
        if not stored:
            self.result.add(Problem("forged", "it has no MAC (written without the key)", event_id, position))
        elif stored != sealed_mac:
            other = (
                AuditSeal.objects.filter(event_mac=stored)
                .exclude(event_id=event_id)
                .values_list("event_id", flat=True)
                .first()
            )
            if other is not None:
                self.result.add(
                    Problem("out of order", f"it holds the content of event {other} (rows swapped)", event_id, position)
                )
            elif stored == computed:
                self.result.add(
                    Problem("modified", "it was rewritten with a new MAC after it was sealed", event_id, position)
                )
            else:
                self.result.add(Problem("modified", "its MAC was changed after it was sealed", event_id, position))
        elif computed != stored:
            self.result.add(Problem("modified", "its content no longer matches its MAC", event_id, position))

    def unsealed(self, event_id, stored, computed, at) -> None:
        self.result.unsealed += 1
        if not stored:
            kind = (
                "legacy event not sealed" if event_id <= self.legacy_max else "it has no MAC (written without the key)"
            )
            self.result.add(Problem("forged", kind, event_id))
        elif stored != computed:
            self.result.add(Problem("forged", "it has no valid MAC (written or changed without the key)", event_id))
        elif at < self.grace_before:
            self.result.add(Problem("unsealed", "older than the sealing window but not in the chain", event_id))

    def tail(self, last_position: int) -> None:
        last = max(self.checkpoints, default=0)
        if last > last_position:
            cp = self.checkpoints[last][0]
            self.result.add(
                Problem(
                    "truncated",
                    f"the trail was cut before checkpoint {cp['n']} ({cp['at']}): the chain ends at position "
                    f"{last_position:,} but the checkpoint covers {last:,}",
                    position=last_position + 1,
                )
            )
        elif self.state is not None and self.state.last_position > last_position:
            self.result.add(
                Problem(
                    "truncated",
                    f"the chain ends at position {last_position:,} but the sealer recorded {self.state.last_position:,}"
                    " (events after the last checkpoint were cut)",
                    position=last_position + 1,
                )
            )


def _is_hex(text: str) -> bool:
    try:
        return len(bytes.fromhex(text)) == 32
    except (TypeError, ValueError):
        return False


def audit_verify(*, checkpoints: Path | None = None, seal: bool = True) -> VerifyResult:
    """Verify the whole trail (see the module docstring). `checkpoints`: the checkpoint file (default
    OPENMASH_AUDIT_CHECKPOINT_FILE); `seal`: seal what is waiting first (False on a read-only copy). Returns the
    result; ``result.ok`` and ``result.summary()`` (one line, no personal data). Raises KeyConfigurationError
    without the keys. Memory: bounded (streams every table; holds only events read ahead of the chain)."""
    started = time.perf_counter()
    key = keyring().audit_mac()
    verify_key = keyring().audit_verify_key()
    if seal:
        audit_seal()
    result = VerifyResult()
    path = Path(checkpoints) if checkpoints else checkpoint_file()
    with _read_snapshot():
        state = AuditChainState.objects.filter(pk=1).first()
        found = _load_checkpoints(path, result, verify_key, str(state.trail) if state else "")
        _Verifier(key, state, found, result, timezone.now()).run()
    if not result.file_found:
        result.notes.append("no checkpoint file: only the database's copies were checked")
    result.seconds = time.perf_counter() - started
    return result
