"""Reading entries into indicators, full and incremental evaluation, the step after an import, decisions and their
concurrency with re-evaluation, and the rule "never merge two children to make a pattern" (ADR 0015)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from openmash.accounts.admin_services import SYSTEM
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns import evaluation
from openmash.patterns.evaluation import children_evaluate, flags_evaluate
from openmash.patterns.models import EventIndicator, Flag, FlagStatus, PatternReadMark
from openmash.patterns.reading import entries_read, entry_findings
from openmash.patterns.services import after_import, flag_decide
from openmash.people.models import AgencyRecord, ChronologyEntry

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)
NHS_CHILD = "999 314 1593"
NHS_OTHER = "943 476 5919"


def child(record_id: str, **values) -> dict:
    """A row of the child; no description unless given (the reader reads descriptions too: the feeds fixture's
    default, "Officers attended a domestic incident", would be a concern on every row)."""
    values.setdefault("description", "")
    return row(record_id=record_id, nhs_number=NHS_CHILD, **values)


@pytest.fixture
def load(run_import, write_csv):  # noqa: F811
    """load(agency, rows) -> the finished batch, then what after_import did."""

    def _load(agency: str, rows: list[dict]):
        batch = run_import(write_csv(rows), agency=agency)
        assert batch.status == "done", batch.report
        return batch

    return _load


def _flags(**filters):
    return list(Flag.objects.filter(**filters).order_by("created_at"))


def test_entries_are_read_once_and_descriptions_only_then(load):
    load("police", [child("P1", event_date="2025-03-10", event_type="DA incident")])
    first = entries_read()
    assert first.entries == 1 and first.indicators == 1
    assert EventIndicator.objects.get().indicator == "domestic_abuse"
    assert EventIndicator.objects.get().evidence in ("DA", "DA incident")  # the words read in the type text
    again = entries_read()
    assert again.entries == 0 and PatternReadMark.objects.count() == 1


def test_the_readers_sources_are_stored_as_the_indicator_source_choices(load):
    from openmash.patterns.models import IndicatorSource
    from openmash.patterns.reading import source_of

    assert source_of("event_type") == IndicatorSource.MAPPING
    assert source_of("description") == IndicatorSource.PHRASE
    assert source_of("entry") == IndicatorSource.ENTRY
    load("police", [child("P1", event_date="2025-03-10", event_type="DA incident", description="Child had a bruise")])
    entries_read()
    got = dict(EventIndicator.objects.values_list("indicator", "source"))
    assert got["domestic_abuse"] == IndicatorSource.MAPPING and got["bruising"] == IndicatorSource.PHRASE


def test_evaluation_never_decrypts(load, monkeypatch):
    load("police", [child("P1", event_date="2025-03-10", event_type="DA incident")])
    load("school-oak", [child("S1", event_date="2025-04-02", event_type="Persistent absence")])
    load("health-gp", [child("G1", event_date="2025-05-01", event_type="Was not brought")])
    entries_read()
    from openmash.core.fields import EncryptedMixin

    def refuse(self, pk, envelope):
        raise AssertionError("decrypted during evaluation")

    monkeypatch.setattr(EncryptedMixin, "open", refuse)
    result = children_evaluate(AS_OF)
    assert result.flagged == 1


def test_contacts_and_referrals_are_read_as_contacts():
    assert [f.indicator for f in entry_findings("contact", "", "", "")] == ["contact"]
    found = entry_findings("event", "other", "Referral to children's social care", "")
    assert "contact" in [f.indicator for f in found]
    assert "contact" not in [f.indicator for f in entry_findings("event", "health_contact", "Health visit", "")]
    assert entry_findings("screening", "", "", "") == []
    for front_door_type in ("Contact - NFA", "Contact - information and advice", "Referral: early help"):
        assert "contact" in [f.indicator for f in entry_findings("event", "other", front_door_type, "")]
    assert "contact" not in [f.indicator for f in entry_findings("event", "other", "Contact lens clinic", "")]


def test_after_an_import_the_touched_children_are_evaluated(load, settings):
    load("police", [child("P1", event_date="2025-03-10", event_type="DA incident")])
    batch = load("school-oak", [child("S1", event_date="2025-04-02", event_type="Persistent absence")])
    done = after_import(batch)
    assert done["indicators"] == 2 and done["raised"] == 0  # two concerns: not enough
    batch = load("health-gp", [child("G1", event_date="2025-05-01", event_type="Was not brought")])
    done = after_import(batch)
    assert done["indicators"] == 1 and done["raised"] == 1
    flag = Flag.objects.get()
    root = AgencyRecord.objects.get(local_id="G1").person
    assert flag.child == root and flag.status == FlagStatus.OPEN
    assert flag.agencies == ["health-gp", "police", "school-oak"]
    assert [c.indicator.indicator for c in flag.contribution_rows.select_related("indicator")] == [
        "domestic_abuse",
        "school_absence",
        "missed_health_appointment",
    ]


def test_a_failure_after_the_import_is_logged_without_data_and_the_import_stands(load, monkeypatch, caplog):
    batch = load("police", [child("P1", event_date="2025-03-10", event_type="DA incident", description="Secret words")])

    def broken(**kwargs):
        raise RuntimeError("Kayden Smith secret words")

    monkeypatch.setattr("openmash.patterns.services.flags_evaluate", broken)
    with caplog.at_level(logging.ERROR):
        assert after_import(batch) is None
    assert "RuntimeError" in caplog.text and "Kayden" not in caplog.text and "secret" not in caplog.text
    assert ChronologyEntry.objects.filter(kind="event").count() == 1


def test_incremental_evaluation_reads_only_the_children_touched(load):
    load("police", [child("P1", event_date="2025-03-10", event_type="DA incident")])
    load(
        "police",
        [
            row(
                record_id=f"Q{n}",
                given_name=f"Other{chr(65 + n)}",
                nhs_number="",
                postcode="EX9 9ZZ",
                address=f"{n} Road",
                event_date="2025-03-01",
            )
            for n in range(5)
        ],
    )
    entries_read()
    full = children_evaluate(AS_OF)
    assert full.children == 6
    root = AgencyRecord.objects.get(local_id="P1").person_id
    part = children_evaluate(AS_OF, roots={root})
    assert part.children == 1


def test_two_children_are_never_merged_to_make_a_pattern(load):
    """The same name and date of birth with two different valid NHS numbers: two children, however alike."""
    load("police", [child("P1", event_date="2025-03-10", event_type="DA incident")])
    load("school-oak", [child("S1", event_date="2025-04-02", event_type="Persistent absence")])
    load(
        "health-gp",
        [
            row(
                record_id="G1",
                nhs_number=NHS_OTHER,
                event_date="2025-05-01",
                event_type="Was not brought",
                description="",
            )
        ],
    )
    entries_read()
    result = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert result.flagged == 0 and not Flag.objects.exists()


def _pattern(load):
    load("police", [child("P1", event_date="2025-03-10", event_type="DA incident")])
    load("school-oak", [child("S1", event_date="2025-04-02", event_type="Persistent absence")])
    load("health-gp", [child("G1", event_date="2025-05-01", event_type="Was not brought")])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    return Flag.objects.get()


def test_re_evaluation_leaves_a_flag_alone_until_its_events_change(load):
    flag = _pattern(load)
    again = flags_evaluate(as_of=AS_OF + dt.timedelta(days=1), actor=SYSTEM)
    assert again.unchanged == 1 and again.raised == 0
    flag.refresh_from_db()
    assert flag.version == 1 and flag.last_matched_on == AS_OF + dt.timedelta(days=1)


def test_an_accepted_flag_is_not_reopened_unless_new_events_arrive(load, make_actor):
    flag = _pattern(load)
    manager = make_actor("manager")
    flag_decide(actor=manager, flag_id=flag.pk, expected_version=flag.version, status=FlagStatus.ACCEPTED)
    again = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert again.kept_decided == 1 and again.raised == 0
    assert _flags(current=True)[0].status == FlagStatus.ACCEPTED
    load("health-hv", [child("H1", event_date="2025-06-01", event_type="Did not attend")])
    entries_read()
    again = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert again.raised == 1
    old, new = _flags()
    assert old.status == FlagStatus.ACCEPTED and not old.current
    assert new.status == FlagStatus.OPEN and new.current and new.previous_id == old.pk


def test_a_decision_made_while_re_evaluation_runs_stands(load, make_actor):
    """Re-evaluation read the open flag (version 1); the manager accepts it; the re-evaluation's update finds a newer
    version and writes nothing."""
    flag = _pattern(load)
    stale = Flag.objects.get(pk=flag.pk)
    load("health-hv", [child("H1", event_date="2025-06-01", event_type="Did not attend")])
    entries_read()
    result = children_evaluate(AS_OF)
    manager = make_actor("manager")
    flag_decide(actor=manager, flag_id=flag.pk, expected_version=1, status=FlagStatus.ACCEPTED)
    ((root, res),) = result.results.items()
    texts = evaluation._explanations([(root, res, stale, "update")])
    assert evaluation._flag_write(root, res, stale, "update", AS_OF, texts[root], SYSTEM) is None
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACCEPTED and flag.version == 2 and flag.contribution_rows.count() == 3


def test_deciding_needs_the_current_version_and_a_reason_to_dismiss(load, make_actor):
    flag = _pattern(load)
    manager = make_actor("manager")
    with pytest.raises(ValidationFailed):
        flag_decide(actor=manager, flag_id=flag.pk, expected_version=1, status=FlagStatus.DISMISSED)
    with pytest.raises(Conflict):
        flag_decide(actor=manager, flag_id=flag.pk, expected_version=7, status=FlagStatus.ACCEPTED)
    done = flag_decide(
        actor=manager, flag_id=flag.pk, expected_version=1, status=FlagStatus.DISMISSED, reason="Known and in hand"
    )
    assert done.status == FlagStatus.DISMISSED and done.dismissal_reason == "Known and in hand"
    from openmash.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="flag.dismissed")
    assert "Known" not in str(event.detail) and "Known" not in event.reason


def test_an_open_flag_whose_pattern_is_gone_is_withdrawn(load):
    flag = _pattern(load)
    EventIndicator.objects.filter(indicator="missed_health_appointment").update(explained=True)
    result = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert result.withdrawn == 1
    flag.refresh_from_db()
    assert flag.status == FlagStatus.WITHDRAWN


def test_flags_are_hub_only(load, make_actor):
    from openmash.access.policy import can, flags_visible

    _pattern(load)
    assert flags_visible(make_actor("screener")).count() == 1
    assert flags_visible(make_actor("referrer", "police")).count() == 0
    assert not can(make_actor("referrer", "police"), "flag.decide")
    with pytest.raises(Exception, match="cannot decide"):
        flag_decide(
            actor=make_actor("referrer", "police"), flag_id=Flag.objects.get().pk, expected_version=1, status="accepted"
        )


def test_an_adult_with_offending_at_the_childs_address_is_named_never_merged(load):
    adult = row(
        record_id="A1",
        given_name="Dean",
        family_name="Walsh",
        date_of_birth="1990-01-01",
        nhs_number="",
        address="1 High Street",
        event_date="2025-02-01",
        event_type="Arrest",
    )
    load("police", [adult])
    load("school-oak", [child("S1", address="1 High St", event_date="2025-03-01", event_type="Persistent absence")])
    entries_read()
    result = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get()
    assert flag.child == AgencyRecord.objects.get(local_id="S1").person
    assert [r["code"] for r in flag.rules] == ["household_adult_offending"]
    assert flag.agencies == ["police", "school-oak"]
    assert "[another person at the child's address]" in flag.explanation
    assert AgencyRecord.objects.get(local_id="A1").person != flag.child
    assert result.flagged == 1


def test_a_contact_recorded_in_openmash_gives_contact_and_its_concerns(new_contact):
    new_contact()
    read = entries_read()
    assert read.entries >= 1
    found = sorted(EventIndicator.objects.values_list("indicator", flat=True))
    assert found == ["contact", "domestic_abuse", "physical_abuse"]
    evidence = {i.indicator: i.evidence for i in EventIndicator.objects.all()}
    assert evidence["domestic_abuse"] == "Domestic abuse: child"  # the concern's label, never the narrative


def test_an_agency_also_on_record_in_the_period_is_named_and_exported(load):
    # three concerns from three agencies make the flag (March to May); the health visitor's poor home conditions in
    # October are outside the rule's six months but within six months before its first event: named, not counted
    load(
        "health-hv", [child("H1", event_date="2024-10-23", event_type="Home visit", description="Poor home conditions")]
    )
    load("police", [child("P1", event_date="2025-03-22", event_type="DA incident")])
    load("school-oak", [child("S1", event_date="2025-05-01", event_type="Persistent absence")])
    load("health-gp", [child("G1", event_date="2025-05-31", event_type="Was not brought")])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get()
    assert flag.agencies == ["health-gp", "health-hv", "police", "school-oak"]
    rows = {c.indicator.agency.code: c.rule_codes for c in flag.contribution_rows.select_related("indicator__agency")}
    assert rows["health-hv"] == [] and "cross_agency_combination" in rows["police"]
    assert "Also on record in the same period" in flag.explanation
    assert flag.explanation.index("Also on record") < flag.explanation.index("Poor home conditions")
    from openmash.patterns.export import export_rows

    ((_ids, agencies, text),) = export_rows(children_evaluate(AS_OF))
    assert agencies == "health-gp;health-hv;police;school-oak" and "Also on record" in text
    # re-evaluating changes nothing; the health visitor's record alone never makes a flag
    again = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert again.unchanged == 1 and again.raised == 0


def test_also_on_record_never_raises_a_flag_by_itself(load):
    load(
        "health-hv", [child("H1", event_date="2025-03-01", event_type="Home visit", description="Poor home conditions")]
    )
    load("police", [child("P1", event_date="2025-03-22", event_type="DA incident")])
    entries_read()
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0
    assert not Flag.objects.exists()
