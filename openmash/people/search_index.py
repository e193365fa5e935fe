"""The search index: every name a person is known by, as key rows (``people.SearchKey``), kept in step with the data.

What is indexed, per person (``person`` = the person the name was recorded against; reads resolve merges):
the person's own name, each alias, and the name in each agency record whose ``origin_person`` they are, each with
the date of birth that source gives (the expected date of birth for an unborn child), and every postcode held for
them (addresses and agency records), once per date of birth. The keys of one name come from ``linkage.names``, the
one name normaliser shared with matching:

====== ==================================================== ==========================
kind   key                                                  "Aoife Nic Dhòmhnaill"
====== ==================================================== ==========================
fam    compact folded family name                           nicdhomhnaill
ftok   each word of a multi-word family name                nic, dhomhnaill
fph    Metaphone of the compact family name                 NKTMNL
giv    compact folded given name                            aoife
gtok   each word of a multi-word given name                 (none)
gph    Metaphone of the compact given name                  AF
pc     postcode without its space                           SW1A1AA
====== ==================================================== ==========================

Nicknames are expanded when searching, not when indexing: the ``nicknames`` list is symmetric (a name's
nicknames and its formal names are each other's inverse), so "Bill" typed finds "William" indexed and the other
way round without a row per nickname. Day/month transposition of the date of birth is likewise a second date
looked up, not a second row.

Keeping it in step (the rows are written in the same transaction as the change):

- every ``save()`` or ``delete()`` of a ``Person``, ``PersonAlias``, ``Address`` or ``AgencyRecord`` refreshes that
  person's keys (signal receivers connected in ``PeopleConfig.ready``);
- bulk writes (``bulk_create``, ``QuerySet.update``, raw inserts) send no signals: whoever writes names in bulk calls
  ``search_keys_refresh(person_ids)`` in the same transaction, or, for people created in that transaction, writes
  their keys from the objects in hand with ``search_keys_write_new`` (``people.services.people_create`` does), or,
  for seeding synthetic data, inserts ``search_key_rows(...)`` alongside the people;
- ``openmash search rebuild`` recomputes every person's keys (after a restore or a bulk load).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace

from django.db import transaction

from linkage.names import name_keys, tokens
from openmash.core.bulk import rows_insert

KIND_FAMILY = "fam"
KIND_FAMILY_TOKEN = "ftok"
KIND_FAMILY_PHONETIC = "fph"
KIND_GIVEN = "giv"
KIND_GIVEN_TOKEN = "gtok"
KIND_GIVEN_PHONETIC = "gph"
KIND_POSTCODE = "pc"
FAMILY_KINDS = frozenset({KIND_FAMILY, KIND_FAMILY_TOKEN, KIND_FAMILY_PHONETIC})
GIVEN_KINDS = frozenset({KIND_GIVEN, KIND_GIVEN_TOKEN, KIND_GIVEN_PHONETIC})
KEY_MAX = 100  # SearchKey.key max_length
_CHUNK = 500  # ids per IN (...) list


def postcode_key(postcode: str | None) -> str:
    """The index key of a postcode: upper case with no spaces ("sw1a 1aa" -> "SW1A1AA"); "" for none."""
    return "".join((postcode or "").split()).upper()[:KEY_MAX]


def name_index_keys(given: str | None, family: str | None) -> set[tuple[str, str]]:
    """The (kind, key) pairs indexed for one name (see the module's table). Pure; never raises."""
    keys = name_keys(given, family)
    out: set[tuple[str, str]] = set()
    if keys.family:
        out.add((KIND_FAMILY, keys.family[:KEY_MAX]))
        if keys.family_phonetic:
            out.add((KIND_FAMILY_PHONETIC, keys.family_phonetic[:KEY_MAX]))
        if len(keys.family_tokens) > 1:
            out.update((KIND_FAMILY_TOKEN, t[:KEY_MAX]) for t in keys.family_tokens)
    if keys.given:
        out.add((KIND_GIVEN, keys.given[:KEY_MAX]))
        if keys.given_phonetic:
            out.add((KIND_GIVEN_PHONETIC, keys.given_phonetic[:KEY_MAX]))
        given_words = [t for t in tokens(given) if len(t) > 1]
        if len(given_words) > 1:
            out.update((KIND_GIVEN_TOKEN, t[:KEY_MAX]) for t in given_words)
    return out


def person_index_keys(
    names: Iterable[tuple[str, str, dt.date | None]], postcodes: Iterable[str]
) -> set[tuple[str, str, dt.date | None]]:
    """Every (kind, key, dob) row of one person.

    In: the names the person is known by as (given, family, date of birth that source gives), and their postcodes
    (any form). Out: a set of rows; each postcode is indexed once per distinct date of birth (once with None when
    no source gives one), so "postcode + date of birth" is one index seek too."""
    rows: set[tuple[str, str, dt.date | None]] = set()
    dobs: set[dt.date | None] = set()
    for given, family, dob in names:
        dobs.add(dob)
        rows.update((kind, key, dob) for kind, key in name_index_keys(given, family))
    known = {d for d in dobs if d is not None}
    for postcode in postcodes:
        key = postcode_key(postcode)
        if key:
            rows.update((KIND_POSTCODE, key, d) for d in (known or {None}))
    return rows


def _models():
    from openmash.people.models import Address, AgencyRecord, Person, PersonAlias, SearchKey

    return SimpleNamespace(
        Person=Person, PersonAlias=PersonAlias, Address=Address, AgencyRecord=AgencyRecord, SearchKey=SearchKey
    )


def _chunks(ids: list, size: int = _CHUNK):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _sources(m, ids: list) -> tuple[dict, dict]:
    """names[person_id] = [(given, family, dob)], postcodes[person_id] = {postcode} for these people."""
    names: dict = defaultdict(list)
    postcodes: dict = defaultdict(set)
    dob_of: dict = {}
    for row in m.Person.objects.filter(pk__in=ids).values(
        "id", "forename", "surname", "date_of_birth", "expected_date_of_birth"
    ):
        dob = row["date_of_birth"] or row["expected_date_of_birth"]
        dob_of[row["id"]] = dob
        names[row["id"]].append((row["forename"], row["surname"], dob))
    for row in m.PersonAlias.objects.filter(person_id__in=ids).values("person_id", "forename", "surname"):
        if row["person_id"] in dob_of:
            names[row["person_id"]].append((row["forename"], row["surname"], dob_of[row["person_id"]]))
    for row in m.Address.objects.filter(person_id__in=ids).exclude(postcode="").values("person_id", "postcode"):
        postcodes[row["person_id"]].add(row["postcode"])
    for row in m.AgencyRecord.objects.filter(origin_person_id__in=ids).values(
        "origin_person_id", "given_name", "family_name", "date_of_birth", "postcode"
    ):
        pid = row["origin_person_id"]
        if pid in dob_of:
            names[pid].append((row["given_name"], row["family_name"], row["date_of_birth"]))
            if row["postcode"]:
                postcodes[pid].add(row["postcode"])
    return names, postcodes


def search_keys_refresh(person_ids: Iterable, *, models=None) -> int:
    """Recompute the search keys of these people from what is stored now. Call it inside the transaction that
    changed their names, dates of birth, addresses, aliases or agency records (signals do this for single saves).

    In: person ids (UUIDs or their strings; unknown ids just lose their keys). ``models``: a namespace of the
    models to use (a migration passes its historical ones). Out: the number of key rows written."""
    m = models or _models()
    ids = list(dict.fromkeys(person_ids))
    written = 0
    with transaction.atomic():
        for chunk in _chunks(ids):
            names, postcodes = _sources(m, chunk)
            m.SearchKey.objects.filter(person_id__in=chunk).delete()
            rows = [
                {"person_id": pid, "kind": kind, "key": key, "dob": dob}
                for pid, person_names in names.items()
                for kind, key, dob in person_index_keys(person_names, postcodes.get(pid, ()))
            ]
            rows_insert(m.SearchKey, rows)
            written += len(rows)
    return written


def search_keys_write_new(people, aliases=(), addresses=(), records=(), *, models=None) -> int:
    """Write the search keys of people created in this transaction from the objects just inserted, in one INSERT
    and with no read: a new person has no keys yet, and every source of theirs (the person, their aliases and
    addresses, the agency records whose ``origin_person`` they are) is in hand. The rows are the ones
    ``search_keys_refresh`` would write from the stored data (``search_key_rows``; tests compare the two with
    ``search_keys_stale``).

    In: saved ``Person``, ``PersonAlias``, ``Address`` and ``AgencyRecord`` instances of these people only (a
    source naming anyone else is a caller's mistake: use ``search_keys_refresh`` for existing people). Out: the
    number of key rows written."""
    m = models or _models()
    rows = search_key_rows(
        [
            {
                "id": p.pk,
                "forename": p.forename,
                "surname": p.surname,
                "date_of_birth": p.date_of_birth,
                "expected_date_of_birth": p.expected_date_of_birth,
            }
            for p in people
        ],
        [{"person_id": a.person_id, "forename": a.forename, "surname": a.surname} for a in aliases],
        [{"person_id": a.person_id, "postcode": a.postcode} for a in addresses],
        [
            {
                "origin_person_id": r.origin_person_id,
                "given_name": r.given_name,
                "family_name": r.family_name,
                "date_of_birth": r.date_of_birth,
                "postcode": r.postcode,
            }
            for r in records
        ],
    )
    m.SearchKey.objects.bulk_create([m.SearchKey(**row) for row in rows], batch_size=2000)
    return len(rows)


def search_keys_rebuild(*, models=None, progress=None, batch: int = 2000) -> tuple[int, int]:
    """Recompute every person's keys (``openmash search rebuild``; the migration that adds the index).

    Out: (people, key rows). ``progress(done, total)`` is called after each batch when given."""
    m = models or _models()
    ids = list(m.Person.objects.order_by("pk").values_list("pk", flat=True))
    rows = 0
    with transaction.atomic():
        m.SearchKey.objects.all().delete()
        for i in range(0, len(ids), batch):
            rows += search_keys_refresh(ids[i : i + batch], models=m)
            if progress:
                progress(min(i + batch, len(ids)), len(ids))
    return len(ids), rows


def search_keys_stale(*, models=None, batch: int = 2000) -> tuple[int, int]:
    """How many people's stored keys differ from the keys their current data gives (``openmash search rebuild
    --check``; a test that the index follows every write). Out: (stale people, people). Reads only."""
    m = models or _models()
    ids = list(m.Person.objects.order_by("pk").values_list("pk", flat=True))
    stale = 0
    for i in range(0, len(ids), batch):
        chunk = ids[i : i + batch]
        stored: dict = defaultdict(set)
        for small in _chunks(chunk):
            for pid, kind, key, dob in m.SearchKey.objects.filter(person_id__in=small).values_list(
                "person_id", "kind", "key", "dob"
            ):
                stored[pid].add((kind, key, dob))
            names, postcodes = _sources(m, small)
            for pid in small:
                expected = person_index_keys(names.get(pid, ()), postcodes.get(pid, ()))
                stale += expected != stored.get(pid, set())
    return stale, len(ids)


def search_key_rows(
    people: Iterable[dict], aliases: Iterable[dict] = (), addresses: Iterable[dict] = (), records: Iterable[dict] = ()
) -> list[dict]:
    """SearchKey rows (dicts for ``demo.fastinsert.insert_rows``) for people being inserted in bulk, from the same
    dicts that insert them: people (``id``, ``forename``, ``surname``, ``date_of_birth``,
    ``expected_date_of_birth``), aliases (``person_id``, ``forename``, ``surname``), addresses (``person_id``,
    ``postcode``) and agency records (``origin_person_id``, ``given_name``, ``family_name``, ``date_of_birth``,
    ``postcode``). The same keys ``search_keys_refresh`` would write."""
    names: dict = defaultdict(list)
    postcodes: dict = defaultdict(set)
    dob_of: dict = {}
    for p in people:
        dob = p.get("date_of_birth") or p.get("expected_date_of_birth")
        dob_of[p["id"]] = dob
        names[p["id"]].append((p.get("forename", ""), p.get("surname", ""), dob))
    for a in aliases:
        names[a["person_id"]].append((a.get("forename", ""), a.get("surname", ""), dob_of.get(a["person_id"])))
    for a in addresses:
        if a.get("postcode"):
            postcodes[a["person_id"]].add(a["postcode"])
    for r in records:
        pid = r["origin_person_id"]
        names[pid].append((r.get("given_name", ""), r.get("family_name", ""), r.get("date_of_birth")))
        if r.get("postcode"):
            postcodes[pid].add(r["postcode"])
    return [
        {"person_id": pid, "kind": kind, "key": key, "dob": dob}
        for pid, person_names in names.items()
        for kind, key, dob in sorted(
            person_index_keys(person_names, postcodes.get(pid, ())), key=lambda r: (r[0], r[1], str(r[2]))
        )
    ]


# --- kept in step on every save --------------------------------------------------------------------------------------


def _deleting_people(origin) -> bool:
    """True when a delete signal comes from deleting people themselves (their keys go by cascade)."""
    from openmash.people.models import Person

    model = getattr(origin, "model", None) or type(origin)
    return model is Person


def _on_person_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_keys_refresh([instance.pk])


def _on_owned_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_keys_refresh([instance.person_id])


def _on_owned_deleted(sender, instance, origin=None, **kwargs):
    if not _deleting_people(origin):
        search_keys_refresh([instance.person_id])


def _on_record_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_keys_refresh([instance.origin_person_id])


def _on_record_deleted(sender, instance, origin=None, **kwargs):
    if not _deleting_people(origin):
        search_keys_refresh([instance.origin_person_id])


def connect_signals() -> None:
    """Connect the receivers that keep the index in step with single saves and deletes (PeopleConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from openmash.people.models import Address, AgencyRecord, Person, PersonAlias

    post_save.connect(_on_person_saved, sender=Person, dispatch_uid="search_index_person")
    for model in (PersonAlias, Address):
        post_save.connect(_on_owned_saved, sender=model, dispatch_uid=f"search_index_{model.__name__}_save")
        post_delete.connect(_on_owned_deleted, sender=model, dispatch_uid=f"search_index_{model.__name__}_delete")
    post_save.connect(_on_record_saved, sender=AgencyRecord, dispatch_uid="search_index_record_save")
    post_delete.connect(_on_record_deleted, sender=AgencyRecord, dispatch_uid="search_index_record_delete")


__all__ = [
    "FAMILY_KINDS",
    "GIVEN_KINDS",
    "KIND_FAMILY",
    "KIND_FAMILY_PHONETIC",
    "KIND_FAMILY_TOKEN",
    "KIND_GIVEN",
    "KIND_GIVEN_PHONETIC",
    "KIND_GIVEN_TOKEN",
    "KIND_POSTCODE",
    "connect_signals",
    "name_index_keys",
    "person_index_keys",
    "postcode_key",
    "search_key_rows",
    "search_keys_rebuild",
    "search_keys_refresh",
    "search_keys_stale",
    "search_keys_write_new",
]
