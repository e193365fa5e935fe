"""People (children, unborn children, adults), their names, identifiers, addresses and relationships.

Identifiers and links live apart from the person row so that matching (a later capability) can change its
mind without losing anything.
"""

from django.db import models

from openmash.core.models import BaseModel, VersionedModel
from openmash.people.choices import Ethnicity, IdentifierType, PersonKind, RelationshipType, Sex


class Person(VersionedModel):
    """A child, unborn child or adult known to the partnership (SSD ssd_person)."""

    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.CHILD)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    forename_norm = models.CharField(max_length=100, editable=False)
    surname_norm = models.CharField(max_length=100, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    date_of_death = models.DateField(null=True, blank=True)
    created_by_agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+")

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
        return f"{self.forename} {self.surname}".strip()

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
    line1 = models.CharField(max_length=200)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
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


class ChronologyEntry(BaseModel):
    """One event in a person's chronology. Every source (contacts, decisions, agency responses, later feeds)
    writes here, so a child's timeline is a single ordered query."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=40)  # contact, screening, rag, agency_response, decision, referral
    agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="chronology_person_idx")]
