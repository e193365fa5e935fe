"""Re-rating an enquiry says, like the first rating on the screening page, the timescale each rating will really
give (one source for the words: enquiries.timescales.rag_timescale_hints), and needs a reason (issue 5, the RAG
hints; practitioner review: the re-rating form promised nothing, so a manager re-rating an immediate-risk enquiry
Green was not told it stays due by the immediate-risk clock)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from openmash.enquiries.models import Enquiry, RagChange
from openmash.enquiries.timescales import rag_timescale_hints
from openmash.partnership.selectors import rag_levels_list
from tests.support import enquiry_open

pytestmark = pytest.mark.django_db

URGENT = {"immediate_risk": True, "immediate_risk_detail": "Says she cannot go home tonight"}


def _form(page: str) -> str:
    return re.search(r'<form[^>]*data-testid="rerate-form".*?</form>', page, re.S).group(0)


def _login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.mark.parametrize("urgent", [False, True])
def test_the_re_rating_form_gives_the_same_timescale_words_as_the_first_rating(referrer, screener, manager, urgent):
    enquiry = enquiry_open(referrer=referrer, screener=screener, rag="amber", **(URGENT if urgent else {}))
    form = _form(_login(manager).get(f"/enquiries/{enquiry.pk}/").content.decode())
    hints = rag_timescale_hints(rag_levels_list(), immediate_risk=urgent)
    assert len(hints) >= 3
    for words in hints.values():
        assert words in form
    if urgent:
        assert "Immediate risk: enquiry due within 4 hours by the clock" in form
        assert "Partner information within 72 working hours" not in form
    else:
        assert "Partner information within 72 working hours" in form
    assert "Reason for the new rating (optional)" not in form


def test_a_re_rating_without_a_reason_is_refused_on_the_field(referrer, screener, manager):
    enquiry = enquiry_open(referrer=referrer, screener=screener, rag="amber")
    ratings = RagChange.objects.filter(enquiry=enquiry).count()  # the first rating
    client = _login(manager)
    r = client.post(f"/enquiries/{enquiry.pk}/rag/", {"rag": "red", "reason": "  ", "version": enquiry.version})
    body = r.content.decode()
    assert r.status_code == 200 and "govuk-error-summary" in body and 'href="#id_reason"' in body
    assert "Enter the reason for the new rating" in body
    assert "Partner information within 4 working hours" in _form(body)  # the hints stay on the page with errors
    r = client.post(f"/enquiries/{enquiry.pk}/rag/", {"reason": "New disclosure", "version": enquiry.version})
    assert 'href="#id_rag"' in r.content.decode() and "Select the new RAG rating" in r.content.decode()
    assert Enquiry.objects.get(pk=enquiry.pk).rag == "amber"
    assert RagChange.objects.filter(enquiry=enquiry).count() == ratings
