"""Practitioner review of issue 6, findings 3 and 4: a refused file's report never says its unmapped event types
were "imported"; event types written with underscores, hyphens or dots map as their spaced wording does."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.feeds.choices import BatchStatus
from openmash.feeds.tests.conftest import csv_text, row
from openmash.feeds.tests.test_cli import run  # noqa: F401  (the CLI fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("type_text", "kind"),
    [
        ("domestic_abuse_incident", "domestic_abuse"),
        ("missing_episode", "missing"),
        ("a_and_e_attendance", "ed_attendance"),
        ("MISSING--EPISODE", "missing"),
        ("Missing.Episode", "missing"),
        ("  missing   episode ", "missing"),
    ],
)
def test_event_types_map_whatever_their_spacing_and_punctuation(type_text, kind):
    from openmash.feeds.mapping import feed_spec_get

    assert feed_spec_get("standard").event_kind(type_text) == kind


def test_headings_and_event_types_share_one_normalisation():
    from openmash.feeds.mapping import heading_key, label_key, type_key

    for text in ("Date_of-Birth", "date of birth", "DATE.OF.BIRTH", "\ufeffdate__of  birth"):
        assert heading_key(text) == type_key(text) == label_key(text) == "dateofbirth"
    assert label_key("Stop and search") != label_key("Stop search")  # words are kept, only punctuation goes


def test_an_imported_underscored_type_gets_its_kind(write_csv, run_import):
    from openmash.people.models import ChronologyEntry

    batch = run_import(write_csv([row(event_type="missing_episode")]))
    assert batch.status == BatchStatus.DONE, batch.report
    entry = ChronologyEntry.objects.get()
    assert (entry.event_kind, entry.source_type_text) == ("missing", "missing_episode")
    assert batch.report["unmapped_types"] == {}


def test_the_event_hash_is_unchanged_so_a_reimport_adds_nothing(write_csv, run_import):
    """The event id derived from the row (no event id column) keeps its old form: a file imported before the
    wider matching is recognised again."""
    from openmash.feeds.mapping import event_hash_key

    assert event_hash_key("  DA   Incident ") == "da incident"
    first = run_import(write_csv([row(event_type="DA_incident")]))
    again = run_import(write_csv([row(event_type="DA_incident", description="Officers attended a domestic incident")]))
    assert first.events_created == 1 and again.events_created == 0


def test_a_mapping_giving_two_wordings_of_one_type_different_kinds_is_refused():
    from openmash.feeds.mapping import MappingInvalid, feed_spec_from_dict

    doc = {
        "code": "clash",
        "name": "Clash",
        "base": "standard",
        "event_types": {"missing episode": "missing", "missing_episode": "other"},
    }
    with pytest.raises(MappingInvalid) as caught:
        feed_spec_from_dict(doc)
    assert any("same type as" in m for m in caught.value.errors["event_types"])


def _admin(make_actor, settings, tmp_path):
    settings.OPENMASH_IMPORT_SPOOL_DIR = tmp_path / "spool"
    client = Client()
    client.force_login(make_actor("partnership_admin", "mash").user)
    return client


def test_a_refused_file_says_its_unmapped_types_would_import_as_other(make_actor, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openmash.feeds.models import ImportBatch

    client = _admin(make_actor, settings, tmp_path)
    text = csv_text([row(event_type="Stop and search"), row(record_id="P2", event_date="not a date")])
    data = {"feed": "standard", "agency": "police", "file": SimpleUploadedFile("police.csv", text.encode())}
    r = client.post("/partnership/imports/", data)
    assert ImportBatch.objects.get().status == BatchStatus.REFUSED
    page = client.get(r["Location"]).content.decode()
    assert "Stop and search (1 row)" in page
    assert 'would import as "Other"' in page and 'imported as "Other"' not in page


def test_a_done_file_says_its_unmapped_types_imported_as_other(make_actor, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _admin(make_actor, settings, tmp_path)
    text = csv_text([row(event_type="Stop and search")])
    data = {"feed": "standard", "agency": "police", "file": SimpleUploadedFile("police.csv", text.encode())}
    page = client.get(client.post("/partnership/imports/", data)["Location"]).content.decode()
    assert 'These imported as "Other"' in page and "would import" not in page


def test_the_cli_says_would_import_for_a_refused_file(run, write_csv):  # noqa: F811
    bad = write_csv([row(event_type="Stop and search"), row(record_id="P2", event_date="not a date")])
    code, out, _ = run("import", "standard", str(bad), "--agency", "police")
    assert code == 1
    assert "event type not in the mapping, would import as other: Stop and search (1 rows)" in out
    assert "imported as other" not in out
    good = write_csv([row(record_id="P3", event_type="Stop and search")])
    code, out, _ = run("import", "standard", str(good), "--agency", "police")
    assert code == 0 and "event type not in the mapping, imported as other: Stop and search" in out
