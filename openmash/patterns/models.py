"""Patterns no single agency can see (issue 8; ADR 0015): indicators read from chronology entries, the partnership's
rules (versioned data), the flags they raise for a person to judge, and the watch-list.

- ``EventIndicator``: one safeguarding indicator read from one chronology entry (by the feed's event-type mapping,
  the phrase rules over its description, or the entry's own kind), written once when the entry is read
  (``PatternReadMark`` says it was). ``person`` is the person the entry was recorded against, never rewritten; the
  child an indicator counts for is that person's resolved identity (``Person.merged_into`` or itself), taken at
  evaluation time, so a merge or an unmerge by ``people.linking`` (confirmed links only) moves it with no write here.
- ``PatternRule``: one version of one rule. An edit writes a new version (``code``, ``version`` + 1); old versions
  are kept, and a flag names the versions that fired. The current rule of a code is its highest version; it is
  used when ``active``.
- ``Flag``: a prompt, never a decision. The child (a resolved person), the date it was evaluated as at, the rules
  that fired, and the events that made it (``FlagContribution``, in the order the explanation gives them). The hub
  accepts, dismisses (with a reason) or watches; every change is audited (``patterns.services``).
- ``Watch``: a child kept in view until a date (screened out as no further action or early help, or chosen).
"""

from __future__ import annotations

from django.db import models

from openmash.core.fields import EncryptedTextField
from openmash.core.models import BaseModel, VersionedModel
from openmash.sharing.choices import ItemSensitivity


class IndicatorSource(models.TextChoices):
    MAPPING = "mapping", "The feed's event type"
    PHRASE = "phrase", "Words in the description"
    ENTRY = "entry", "The kind of chronology entry"


class EventIndicator(BaseModel):
    """One indicator read from one chronology entry.

    - ``indicator``: a code of the indicator catalogue (``patterns.indicators.INDICATORS``: injury, domestic_abuse,
      missed_health_appointment ...; ``contact`` for a contact or referral about the child).
    - ``occurred_on``: the entry's date (Europe/London); ``agency``: the agency that recorded it (null for the
      hub's own entries without one).
    - ``evidence``: the words matched (or the event type), encrypted (ADR 0012); ``source``: how it was read.
    - ``explained``: the record itself explains it ("bruise consistent with documented bleeding disorder"); kept
      for the explanation, never counted by a rule. ``explanation``: the explaining words (encrypted).
    """

    entry = models.ForeignKey("people.ChronologyEntry", on_delete=models.CASCADE, related_name="indicators")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=40)
    occurred_on = models.DateField()
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence = EncryptedTextField(blank=True)
    source = models.CharField(max_length=20, choices=IndicatorSource.choices)
    explained = models.BooleanField(default=False)
    explanation = EncryptedTextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "indicator"], name="event_indicator_once_per_entry")]
        indexes = [models.Index(fields=["person", "occurred_on"], name="event_indicator_person_idx")]

    def __str__(self) -> str:
        return f"{self.indicator} on {self.occurred_on}"


class PatternReadMark(models.Model):
    """A chronology entry has been read into indicators (whether or not it gave any): never read again."""

    entry = models.OneToOneField(
        "people.ChronologyEntry", primary_key=True, on_delete=models.CASCADE, related_name="pattern_read"
    )
    read_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"read {self.entry_id}"


class PatternReadState(models.Model):
    """One row (id 1): every entry created before ``read_through`` has been read, so the search for unread entries
    starts there (less a margin for imports still in their transaction: ``patterns.reading``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    read_through = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"read through {self.read_through}"


class PatternRule(BaseModel):
    """One version of one rule, as partnership data (``rules/default.yaml`` is the shipped set).

    - ``rule_type``: which evaluator (``patterns.engine.RULE_TYPES``: combination, age, repeat_contacts, repeat_ed,
      household_adult, missing_education_and_health, unborn, same_concern).
    - ``definition``: the evaluator's parameters (windows in days, counts, indicator lists, weights).
    - ``description``: what it notices in plain English, shown with every flag it raises.
    """

    code = models.CharField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    rule_type = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    description = models.TextField()
    definition = models.JSONField(default=dict)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="pattern_rule_code_version_unique")]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open: waiting for the hub"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
    WATCHING = "watching", "Watching"
    WITHDRAWN = "withdrawn", "No longer matches"  # an open flag whose pattern a later evaluation no longer finds


DECIDED = frozenset({FlagStatus.ACCEPTED, FlagStatus.DISMISSED, FlagStatus.WATCHING})


class Flag(VersionedModel):
    """A pattern the rules found for one child, for a person to judge (issue 8: "a flag never decides anything").

    - ``child``: the resolved person (``merged_into`` null when raised); ``current``: the child's latest flag (one
      per child; a decided flag stays current until new contributing events raise a new one).
    - ``as_of``: the date the rules were evaluated as at when it was raised or last updated; ``last_matched_on``:
      the latest evaluation date at which the pattern still held.
    - ``rules``: ``[{"code", "version", "title"}]`` of the rules that fired; ``agencies``: the codes of every
      agency the explanation names; ``explanation``: plain text (encrypted: it quotes evidence).
    - ``contributions_key``: a digest of the contributing indicators, so re-evaluation can tell new events from
      the ones already decided.
    - decision: ``decided_by``/``decided_at``, ``dismissal_reason`` (required to dismiss), ``contact`` (the contact
      an accepted flag was recorded as, when there is one).
    """

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="flags")
    as_of = models.DateField()
    last_matched_on = models.DateField()
    status = models.CharField(max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    current = models.BooleanField(default=True)
    rules = models.JSONField(default=list)
    agencies = models.JSONField(default=list)
    explanation = EncryptedTextField(blank=True)
    contributions_key = models.CharField(max_length=64)
    contributions = models.ManyToManyField(EventIndicator, through="FlagContribution", related_name="flags")
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    dismissal_reason = EncryptedTextField(blank=True)
    #: The dismissing worker's choice for the reason (standard, sensitive, sealed, as a case note's). A sealed one is
    #: read by the partnership's sealed roles and its writer only (access.sharing.flag_dismissal_reason_held); the
    #: decision, its date and the flag stay shown.
    dismissal_sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default="standard")
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(current=True), name="flag_one_current_per_child"
            )
        ]
        indexes = [models.Index(fields=["status", "as_of"], name="flag_status_idx")]

    def __str__(self) -> str:
        return f"flag {self.pk} ({self.status})"


class FlagContribution(models.Model):
    """One event indicator in a flag's explanation; ``position`` is its place in time order; ``rule_codes`` the
    rules it counted for."""

    id = models.BigAutoField(primary_key=True)
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="contribution_rows")
    indicator = models.ForeignKey(EventIndicator, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    rule_codes = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["flag", "indicator"], name="flag_contribution_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.flag_id} #{self.position}"


class WatchSource(models.TextChoices):
    SCREENED_OUT_NFA = "screened_out_nfa", "Screened out: no further action"
    SCREENED_OUT_EARLY_HELP = "screened_out_early_help", "Screened out: early help"
    CHOSEN = "chosen", "Chosen by a worker"


class Watch(VersionedModel):
    """A child kept in view until ``until``: any new event about them notifies the hub in-app
    (``patterns.watching``: once per child per import batch or recorded contact). ``escalated_at``: when the child's
    contacts in twelve months reached OPENMASH_WATCH_ESCALATE_CONTACTS and the hub's managers were told (once per
    watch, wherever the contact that reached it was recorded)."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="watches")
    reason = EncryptedTextField(blank=True)
    until = models.DateField()
    source = models.CharField(max_length=30, choices=WatchSource.choices)
    started_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    flag = models.ForeignKey(Flag, null=True, blank=True, on_delete=models.SET_NULL, related_name="watches")
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["child", "until"], name="watch_child_until_idx")]

    def __str__(self) -> str:
        return f"watch {self.pk} until {self.until}"

    @property
    def reference(self) -> str:
        """The watch's reference in notifications (no personal data): W- and the first eight digits of its id."""
        return f"W-{self.pk.hex[:8].upper()}"


class WatchDelivery(BaseModel):
    """Which watch an in-app notification (``enquiries.Notification``, whose text holds only a reference) is about,
    so the home page links it to the watched child's chronology for those who may open it."""

    notification = models.OneToOneField(
        "enquiries.Notification", on_delete=models.CASCADE, related_name="watch_delivery"
    )
    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="deliveries")

    def __str__(self) -> str:
        return f"notification {self.notification_id} about {self.watch_id}"


class DeprivationLookup(models.Model):
    """One postcode's area deprivation, as the partnership loaded it (``openmash flags deprivation load``; issue 8,
    disparity monitoring: ``patterns.disparity``).

    - ``postcode``: canonical UK form (``people.postcodes.postcode_normalise``), as addresses store it.
    - ``imd_decile``: 1 (the most deprived tenth of areas in England) to 10 (the least deprived), the decile of the
      postcode's LSOA in the English Indices of Deprivation (2019 edition at the time of writing). The partnership
      prepares the file: the IoD publishes deciles by LSOA, and ONS's postcode directory maps postcodes to LSOAs.
    - ``source``: the edition and how the file was made (for example "IoD 2019 LSOA deciles via ONSPD Feb 2024"),
      the same for every row of one load; shown with the report. No data ships with OpenMASH.
    """

    postcode = models.CharField(max_length=10, primary_key=True)
    imd_decile = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=200)
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10), name="deprivation_decile_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.postcode}: decile {self.imd_decile}"


class EarlyHelpOutcome(models.TextChoices):
    SENT = "sent", "Sent to the early help service"
    OFFERED = "offered", "Help offered to the family"
    ACCEPTED = "accepted", "The family accepted help"
    DECLINED = "declined", "The family declined help"


class FlagEarlyHelp(VersionedModel):
    """Early help before crisis (issue 8): a flag below the threshold for a statutory response sent to the early help
    service's inbox (``request``: the hand-over of the contact the flag was recorded as), and what became of it:
    sent, then offered, accepted or declined (recorded by the hub; ``patterns.decisions_extra``)."""

    flag = models.OneToOneField(Flag, on_delete=models.CASCADE, related_name="early_help")
    request = models.ForeignKey(
        "enquiries.EarlyHelpRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=EarlyHelpOutcome.choices, default=EarlyHelpOutcome.SENT)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"early help for {self.flag_id} ({self.outcome})"


class HomeMention(BaseModel):
    """The sentences of one chronology entry that may place a person in a home or name a partner ("staying at a
    female's flat on Bodmin Rd", "mum's partner Dean Smith"), kept by the reader when it reads the entry
    (``patterns.placed.mention_words``; ADR 0023) so that the evaluation never decrypts descriptions. ``person`` is
    the person the entry was recorded against (its resolved identity is taken at evaluation time); ``words`` are
    encrypted (ADR 0012). Resolved by ``patterns.placed.placements``: nothing is joined."""

    entry = models.OneToOneField("people.ChronologyEntry", on_delete=models.CASCADE, related_name="home_mention")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    occurred_on = models.DateField()
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    words = EncryptedTextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["occurred_on"], name="home_mention_on_idx")]

    def __str__(self) -> str:
        return f"mention on {self.occurred_on}"
