"""The whole front door through the pages: police referrer -> screener -> researchers -> manager -> referrer."""

from __future__ import annotations

import re

from openmash.web.tests.conftest import contact_form_data, contact_submit


def _location_id(response) -> str:
    return response["Location"].rstrip("/").split("/")[-1]


def test_front_door_through_the_pages(make_actor, login):
    referrer = login(make_actor("referrer", "police"))
    screener = login(make_actor("screener", "mash"))
    manager = login(make_actor("manager", "mash"))
    health = login(make_actor("researcher", "health-gp"))
    school = login(make_actor("researcher", "school-oak"))

    assert referrer.get("/contacts/new/").status_code == 200
    r = contact_submit(referrer, contact_form_data())
    assert r.status_code == 302, r.content.decode()[:3000]
    contact_id = _location_id(r)
    page = referrer.get(r["Location"])
    assert "Contact recorded" in page.content.decode()
    reference = re.search(r'data-testid="contact-reference">(C-\w+)<', page.content.decode()).group(1)

    queue = screener.get("/screening/")
    assert reference in queue.content.decode()
    assert screener.get(f"/contacts/{contact_id}/screen/").status_code == 200
    r = screener.post(
        f"/contacts/{contact_id}/screen/",
        {"outcome": "mash_enquiry", "rag": "amber", "rationale": "Bruising; needs checks"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert "/enquiries/" in r["Location"]
    enquiry_id = _location_id(r)
    page = screener.get(r["Location"])
    assert page.status_code == 200
    assert "MASH enquiry opened, rated Amber" in page.content.decode()

    r = screener.post(f"/enquiries/{enquiry_id}/requests/", {"agency_codes": ["health-gp", "school-oak"]})
    assert r.status_code == 302, r.content.decode()[:3000]

    inbox = health.get("/requests/")
    assert inbox.status_code == 200
    request_id = re.search(r'href="/requests/([0-9a-f-]+)/"', inbox.content.decode()).group(1)
    assert health.get(f"/requests/{request_id}/").status_code == 200
    r = health.post(
        f"/requests/{request_id}/",
        {
            "information_held": "yes",
            "summary": "Seen in A&E twice",
            "risk_indicators": ["injury"],
            "sensitivity": "standard",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    school_inbox = school.get("/requests/").content.decode()
    school_request = re.search(r'href="/requests/([0-9a-f-]+)/"', school_inbox).group(1)
    assert school.post(f"/requests/{school_request}/", {"information_held": "no"}).status_code == 302

    page = manager.get(f"/enquiries/{enquiry_id}/").content.decode()
    assert "2 of 2 agencies answered" in page
    assert "Seen in A&amp;E twice" in page
    r = manager.post(
        f"/enquiries/{enquiry_id}/decision/",
        {"outcomes": ["assessment_s17"], "threshold_level": "3", "rationale": "Needs assessment"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    page = manager.get(f"/enquiries/{enquiry_id}/").content.decode()
    assert 'data-testid="decision-summary"' in page

    page = referrer.get(f"/contacts/{contact_id}/").content.decode()
    assert "Child and family assessment (s17)" in page
    assert "Needs assessment" not in page  # the hub's rationale is not the referrer's
    assert "Bruising; needs checks" not in page
    home = referrer.get("/").content.decode()
    assert reference in home and "Child and family assessment (s17)" in home
