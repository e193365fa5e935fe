"""People (children, unborn children, adults), their names, identifiers, addresses and relationships.

Identifiers and links live apart from the person row so that matching (a later capability) can change its
mind without losing anything.
"""

from django.db import models

from openmash.core.fields import EncryptedTextField
from openmash.core.models import BaseModel, VersionedModel
from openmash.people.choices import (
    AddressStatus,
    ChildStatusKind,
    Ethnicity,
    IdentifierType,
    PersonKind,
    RelationshipType,
    Sex,
)


class Person(VersionedModel):
    """A child, unborn child or adult known to the partnership (SSD ssd_person)."""

    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.CHILD)
    # One of the two may be blank: a person known by one name only, or an unborn child not yet named.
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    forename_norm = models.CharField(max_length=100, editable=False)
    surname_norm = models.CharField(max_length=100, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    date_of_death = models.DateField(null=True, blank=True)
    created_by_agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    # The resolved identity this person now belongs to, when confirmed links have joined its agency records to
    # another person's (ADR 0005). Null = this person is itself a resolved identity. Derived from RecordLink rows
    # by openmash.people.linking only; never set by hand. Contacts, chronology entries and allocations keep
    # pointing at this row, so an unmerge restores them exactly.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_people", editable=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["surname_norm", "date_of_birth"], name="person_surname_dob_idx"),
            models.Index(fields=["forename_norm", "surname_norm"], name="person_names_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="unborn") | models.Q(expected_date_of_birth__isnull=False),
                name="person_unborn_has_expected_dob",
            ),
        ]

    @property
    def full_name(self) -> str:
        """The name to show. An unborn child without a first name shows as "Unborn child" (with the family name
        when known), so no page or list shows an empty name. When the reader attached the person's joined agency
        records (``picture`` or ``summary_records``) or their spellings (``name_spellings``: people.names.names_resolve,
        which every page showing people loaded otherwise calls), a record's fuller spelling of the same name is shown
        (people.summary.name_preferred); a name in Chinese, Japanese or Korean script is written family name first
        (people.summary.display_name)."""
        from openmash.people.summary import display_name, name_preferred

        forename, surname = self.forename, self.surname
        picture = getattr(self, "picture", None)  # the joined records, when the reader loaded them (issue 6, 11)
        records = picture.records if picture is not None else getattr(self, "summary_records", None)
        if records:
            forename, surname = name_preferred(forename, surname, ((r.given_name, r.family_name) for r in records))
        elif spellings := getattr(self, "name_spellings", None):  # people.names.names_resolve, one query per page
            forename, surname = name_preferred(forename, surname, spellings)
        if self.kind == PersonKind.UNBORN and not forename:
            return f"Unborn child {surname}".strip()
        return display_name(forename, surname) or "Name not known"

    @property
    def is_child_now(self) -> bool:
        """Whether children's services actions apply to the person today (allocating a social worker, recording a
        plan or looked-after status): an unborn child, or a child under 18 (Children Act 1989 s.105: a child is a
        person under 18). An adult's record, or a record whose date of birth makes them 18 or over, is not a child's,
        whatever kind it was first recorded as (a record separated from a child's: issue 6 practitioner review).
        A child with no date of birth recorded counts as a child."""
        if self.kind == PersonKind.UNBORN:
            return True
        if self.kind == PersonKind.ADULT:
            return False
        if self.date_of_birth is None:
            return True
        from django.utils import timezone

        from openmash.people.validation import age_on

        return age_on(self.date_of_birth, timezone.localdate()) < 18

    def __str__(self) -> str:
        return self.full_name


class PersonAlias(BaseModel):
    """Another name the person is or was known by."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    surname_norm = models.CharField(max_length=100, editable=False, db_index=True)


class PersonIdentifier(BaseModel):
    """An identifier (SSD ssd_linked_identifiers), validated on entry."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    identifier_type = models.CharField(max_length=20, choices=IdentifierType.choices)
    value = models.CharField(max_length=40)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["identifier_type", "value"], name="identifier_lookup_idx")]


class Address(BaseModel):
    """An address in the person's history (SSD ssd_address)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    status = models.CharField(max_length=20, choices=AddressStatus.choices, default=AddressStatus.KNOWN)
    line1 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, help_text="Canonical UK form, like SW1A 1AA.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]


class Household(BaseModel):
    """A household (SSD ssd_family) grouping people who live together."""

    reference = models.CharField(max_length=40, blank=True)


class HouseholdMember(BaseModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "person"], name="household_member_unique")]


class Relationship(BaseModel):
    """A directed relationship: `person` is `relationship_type` of/to `related_person`.

    Every relationship carries its source: the contact that asserted it, the agency and user who recorded it and
    when (issue 5, fault 4). One asserted by a contact the MASH has not screened yet is an allegation, not a fact,
    and is only ever shown with that source (`openmash.people.selectors.relationship_view`). Rows without a
    source contact came from the partnership's own records (e.g. a data load).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_from")
    related_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    relationship_type = models.CharField(max_length=30, choices=RelationshipType.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="relationships_asserted"
    )
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asserted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    asserted_at = models.DateTimeField(null=True, blank=True)


class AgencyRecord(BaseModel):
    """One agency's view of one person, exactly as that agency holds it (issue 6; ADR 0005).

    Written when a contact names a person (the recording agency's record) or a feed row describes one (the feed's
    agency's record). Never edited by matching and never deleted by a merge: a later extract from the same agency
    with the same ``local_id`` supersedes the details in place (the previous values stay in the import batch).

    - ``origin_person``: the person this record was first attached to; never changes. Unmerge puts the record
      back here.
    - ``person``: the resolved identity the record belongs to now (``origin_person`` or the person it was merged
      into); derived from ``RecordLink`` by ``openmash.people.linking`` only.
    - Identifier columns hold only valid, normalised, non-placeholder values (``openmash.people.identifiers``);
      what the agency actually sent, valid or not, is kept in ``as_received``.
    - Dates are calendar dates (no time zone); ``received_at`` is an aware datetime (stored UTC).
    """

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="person_records")
    local_id = models.CharField(max_length=100, help_text="The agency's own id for this person (unique per agency).")
    origin_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="origin_records")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.CHILD)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    pnc_id = models.CharField(max_length=20, blank=True)
    postcode = models.CharField(max_length=10, blank=True, help_text="Canonical UK form, like SW1A 1AA.")
    address = models.CharField(max_length=300, blank=True)
    as_received = models.JSONField(default=dict, help_text="The fields as the agency sent them, before validation.")
    received_at = models.DateTimeField()
    source_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="person_records"
    )
    source_feed = models.CharField(max_length=40, blank=True, help_text="Feed code when the record came by import.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "local_id"], name="agency_record_local_id_unique")]
        indexes = [
            models.Index(fields=["nhs_number"], name="agency_record_nhs_idx", condition=~models.Q(nhs_number="")),
            models.Index(fields=["upn"], name="agency_record_upn_idx", condition=~models.Q(upn="")),
            models.Index(fields=["pnc_id"], name="agency_record_pnc_idx", condition=~models.Q(pnc_id="")),
            # blocking for intake candidates (openmash.matching.candidates): date of birth, or postcode
            models.Index(fields=["date_of_birth"], name="agency_record_dob_idx"),
            models.Index(fields=["postcode"], name="agency_record_postcode_idx", condition=~models.Q(postcode="")),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.local_id}"


class LinkState(models.TextChoices):
    PROPOSED = "proposed", "Proposed (awaiting review)"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class LinkRejection(models.TextChoices):
    """Who or what rejected a link (``RecordLink.rejected_as``; blank on a row that is not rejected). Only a
    separation is undone by hub managers alone ("link.unmerge": people.linking.link_rejection_is_separation)."""

    DIFFERENT_PEOPLE = "different_people", "A hub reviewer said they are different people"
    NOT_SAME_CHILD = "not_same_child", "The screener said it is not the same child (held intake join)"
    REFERRER = "referrer", "The referrer said at intake it is not the same person"
    SEPARATION = "separation", "A hub manager separated them (unmerge, separation, or a held intake join ended)"


class RecordLink(BaseModel):
    """A decision that two agency records are (or are not) the same person, with its evidence (ADR 0005).

    Append-only history: changing a link's state closes the current row (``valid_to``) and writes a new one, so
    every decision and who made it is kept. The current state of a pair is the row with ``valid_to`` null.
    ``record_l`` sorts before ``record_r`` by id, so a pair has one spelling.

    - ``match_weight``: Fellegi–Sunter log2 Bayes factor (sum of ``field_weights`` plus the prior); ``match_probability``
      in [0, 1]; ``field_weights``: ``{field: {"weight": float, "level": str, "reason": str}}`` from ``linkage``.
    - ``decided_by``: the user for a human decision; null with ``rule`` set (e.g. ``"nhs_number"``,
      ``"above_upper_threshold"``) for an automatic one.
    - ``rule`` "referrer_at_intake": a referrer said at intake (or on amendment) that the new person is not this one
      (ADR 0009): rejected, decided by the referrer, with ``source_contact``; or proposed, when the two records share
      a valid identifier, for the hub to settle. Both bar every automatic join.
    - ``rule`` "intake_pending_screening": a contact's new person's record shares a valid identifier (and agrees in
      name and date of birth) with a record of someone already known; the join is proposed, with ``source_contact``,
      until that contact is screened (ADR 0009 addendum 2): screening confirms it (rule "screening", decided by the
      screener); "not the same child" rejects it. Not on the review queue.
    - ``rejected_as`` on a rejected row: who or what rejected it (``LinkRejection``): a reviewer's "different
      people", screening's "not the same child", a referrer at intake, or a manager's separation (``link_end``,
      ``person_separate``, a held intake join ended by a manager), which only hub managers may undo.
    """

    record_l = models.ForeignKey(AgencyRecord, on_delete=models.PROTECT, related_name="links_as_left")
    record_r = models.ForeignKey(AgencyRecord, on_delete=models.PROTECT, related_name="links_as_right")
    state = models.CharField(max_length=10, choices=LinkState.choices)
    match_weight = models.FloatField(null=True, blank=True)
    match_probability = models.FloatField(null=True, blank=True)
    field_weights = models.JSONField(default=dict)
    rule = models.CharField(max_length=60, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    source_contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_links",
        help_text=(
            "The contact the decision came from: where a referrer said the two are different people (rule "
            "referrer_at_intake), or whose new person's record is held until that contact is screened (rule "
            "intake_pending_screening, and the screening's or the hub's decision on it)."
        ),
    )
    #: On a rejected row, who or what rejected it (LinkRejection); blank otherwise. The decision "a manager
    #: separated them, only link.unmerge may join them again" reads this field, never the audit trail.
    rejected_as = models.CharField(
        max_length=20,
        choices=LinkRejection.choices,
        blank=True,
        help_text="On a rejected row: who or what rejected it; a separation is undone by hub managers only.",
    )
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_l", "record_r"],
                condition=models.Q(valid_to__isnull=True),
                name="record_link_one_current_per_pair",
            ),
            models.CheckConstraint(condition=~models.Q(record_l=models.F("record_r")), name="record_link_two_records"),
        ]
        indexes = [
            models.Index(fields=["state"], name="record_link_state_idx", condition=models.Q(valid_to__isnull=True)),
            # the intake joins held until screening, by contact (screening confirms them: ADR 0009 addendum 2)
            models.Index(
                fields=["source_contact"],
                name="record_link_held_intake_idx",
                condition=models.Q(valid_to__isnull=True, rule="intake_pending_screening"),
            ),
        ]


class ChronologyEntry(BaseModel):
    """One event in a person's chronology. Every source (contacts, decisions, agency responses, case notes,
    imported feed events) writes here, so a child's timeline is a single ordered query over the person's cluster.

    ``person`` is the person the event was recorded against and never changes (a merged child's timeline is the
    union over ``Person.merged_into``). Imported events also carry the agency ``record`` they came from, their
    ``source`` feed and ``external_id`` (unique per source, so a re-import never duplicates), the feed's
    ``event_kind`` mapping with the original type text, and a ``sensitivity``.

    ``time_known`` is False when the source gave a date only (most imported events): ``occurred_at`` is then local
    midnight Europe/London of that date, and the pages, PDF and API show the date without a time.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    time_known = models.BooleanField(
        default=True,
        help_text="False when only the date was given: occurred_at is then midnight Europe/London of that date.",
    )
    kind = models.CharField(max_length=40)  # contact, screening, rag, agency_response, decision, referral, event
    agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    record = models.ForeignKey(
        AgencyRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="chronology_entries"
    )
    source = models.CharField(max_length=40, blank=True, help_text="Feed code for imported events.")
    external_id = models.CharField(max_length=100, blank=True, help_text="The event's id in its source feed.")
    event_kind = models.CharField(max_length=40, blank=True, help_text="OpenMASH event kind from the feed mapping.")
    source_type_text = models.CharField(max_length=200, blank=True, help_text="The event type as the feed sent it.")
    description = EncryptedTextField(blank=True)
    sensitivity = models.CharField(max_length=20, blank=True, help_text="standard / sensitive / sealed.")

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="chronology_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="chronology_external_id_unique_per_source",
            )
        ]


class SearchKey(models.Model):
    """One searchable key of one name a person is known by (issue 6: "name search understands people's real names").

    Every name a person is known by is indexed here: the person's own name, each alias (``PersonAlias``) and the
    name in each agency record first attached to them (``AgencyRecord.origin_person``), with the date of birth that
    source gives and every postcode held for the person. ``openmash.people.search_index`` writes these rows, in the
    same transaction as every write of a name, date of birth, address or agency record (``search_keys_refresh``);
    ``openmash search rebuild`` recomputes them all. Nothing else writes here.

    - ``person``: the person the name was recorded against (an agency record's ``origin_person``). A search resolves
      it to the person's resolved identity (``Person.merged_into``) when it reads, so merging and unmerging never
      need to touch this table.
    - ``kind``: which key it is (``search_index.KIND_*``): compact folded family name ("nicdhomhnaill"), each word
      of a multi-word family name, the family name's Metaphone code, the same three for the given name, or a
      postcode without its space ("SW1A1AA"). Keys come from ``linkage.names`` (the one name normaliser).
    - ``dob``: the date of birth (or expected date of birth) the source gives; null when not known. A lookup by
      name and date of birth is one seek per (key, date) pair in the ``(key, dob)`` index on SQLite and
      PostgreSQL alike.
    """

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4)
    key = models.CharField(max_length=100)
    dob = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["key", "dob"], name="search_key_dob_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class ChildStatus(BaseModel):
    """A child protection plan, looked-after status or child in need plan, as children's social care records it
    (issue 7: an access notification fires when another agency opens the record of a child who is flagged; CP-IS).
    Current while ``start_date <= today`` and ``end_date`` is empty or not past (access.policy.child_status_current_q).
    Recorded and ended by children's social care only (access.policy.child_status_record_allowed), never deleted:
    ending it sets ``end_date``. ``source_agency`` is the agency that holds the plan or status and owns the child
    for access notifications."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="statuses")
    kind = models.CharField(max_length=20, choices=ChildStatusKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    source_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "created_at"]
        indexes = [models.Index(fields=["person", "end_date"], name="child_status_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="child_status_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
