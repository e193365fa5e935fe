"""Fault 16 of issue 5: every route answers only its methods; TRACE, OPTIONS, PUT, PATCH and DELETE get 405.

The routes are walked from config/urls.py (tests/routes.py), so a new route without a row in METHODS fails
test_every_route_has_a_row. Each route is tried signed in (as a hub screener, who may open most pages) and
anonymously: an unused method answers 405 before anything else is looked at.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.routes import all_routes

SAFE = frozenset({"GET", "HEAD"})
FORM = frozenset({"GET", "HEAD", "POST"}) - {"HEAD"}  # pages with a form: GET shows it, POST sends it
POST = frozenset({"POST"})
GET = frozenset({"GET"})  # the API: django-ninja routes GET only, no HEAD
GET_POST = frozenset({"GET", "POST"})  # one API path with a GET and a POST operation (both names route to it)

# route name -> the methods it answers. Every other method must get 405.
METHODS: dict[str, frozenset[str]] = {
    "web:home": SAFE,
    "web:login": frozenset({"GET", "HEAD", "POST"}),
    "sso:start": frozenset({"GET", "HEAD"}),
    "sso:callback": frozenset({"GET", "HEAD"}),
    "sso:stepup": frozenset({"GET", "HEAD"}),
    "web:logout": POST,
    "web:session_keep_alive": POST,
    "web:session_timeout": POST,
    "web:switch_role": POST,
    "web:notifications": SAFE,
    "web:notifications_read_all": POST,
    "web:contact_new": FORM,
    "web:contact_check": FORM,
    "web:contact_amend": FORM,
    "web:contact_person_change": FORM,
    "web:encompass_notices": SAFE,
    "web:encompass_notice": SAFE,
    "web:encompass_notice_acknowledge": POST,
    "web:contact_detail": SAFE,
    "web:contact_take": POST,
    "web:contact_assignment": FORM,
    "web:enquiry_take": POST,
    "web:enquiry_assignment": FORM,
    "web:contact_screen": FORM,
    "web:screening_queue": SAFE,
    "web:workload": SAFE,
    "web:enquiry_list": SAFE,
    "web:enquiry_detail": SAFE,
    "web:enquiry_rerate": GET_POST,  # GET: back to the enquiry page (never an empty form)
    "web:enquiry_requests": GET_POST,
    "web:enquiry_decide": GET_POST,
    "web:request_inbox": SAFE,
    "web:request_detail": FORM,
    "web:early_help_inbox": SAFE,
    "web:early_help_detail": FORM,
    "web:person_search": FORM,
    "web:person_detail": FORM,
    "web:person_chronology": SAFE,
    "web:person_chronology_pdf": SAFE,
    "web:person_record_csv": SAFE,
    "web:person_record_pdf": SAFE,
    "web:person_statuses": FORM,
    "web:household_chronology": SAFE,
    "web:household_chronology_pdf": SAFE,
    "web:family_network": SAFE,
    "partnership:settings": FORM,
    "partnership:users": FORM,  # the search posts (no name in a URL)
    "partnership:user_new": FORM,
    "partnership:user_detail": FORM,
    "partnership:user_deactivate": FORM,
    "partnership:approvals": FORM,
    "partnership:agencies": FORM,
    "partnership:agency_detail": FORM,
    "partnership:agency_deactivate": FORM,
    "partnership:agreements": SAFE,
    "partnership:agreement_new": FORM,
    "partnership:agreement_edit": FORM,
    "partnership:agreement_end": FORM,
    "setpassword:confirm": frozenset({"GET", "HEAD", "POST"}),
    "mfa:verify": frozenset({"GET", "HEAD", "POST"}),
    "mfa:verify_key_options": POST,
    "mfa:verify_key": POST,
    "mfa:enrol": frozenset({"GET", "HEAD", "POST"}),
    "mfa:account": SAFE,
    "mfa:recovery_codes": FORM,
    "mfa:key_add_options": POST,
    "mfa:key_add": POST,
    "mfa:key_remove": POST,
    "mfa:session_end": POST,
    "casework:note_add": FORM,
    "casework:strategy_new": FORM,
    "casework:allocate": FORM,
    "casework:pack_list": SAFE,
    "casework:pack": SAFE,
    "casework:allocation_close": POST,
    "casework:routed_contact_acknowledge": POST,
    "feeds:imports": FORM,
    "feeds:import_detail": SAFE,
    "feeds:import_progress": SAFE,
    "feeds:import_report": SAFE,
    "feeds:mappings": FORM,
    "feeds:mapping_detail": FORM,
    "feeds:mapping_change": FORM,
    "accounts:token_list": SAFE,
    "accounts:token_revoke": FORM,
    "audit:trail": FORM,  # the filter form posts (no identifier in a URL); the trail itself is a GET
    "audit:export": SAFE,
    "api:openapi-json": SAFE,
    "api:api-root": SAFE,  # django-ninja's root: 404 for GET and HEAD, 405 for the rest
    "api:contact_create": POST,
    "api:contact_detail": GET,
    "api:contact_screen": POST,
    "api:screening_queue": GET,
    "api:contact_related_work": GET,
    "api:enquiry_list": GET,
    "api:enquiry_detail": GET,
    "api:enquiry_rag": POST,
    "api:enquiry_requests": POST,
    "api:enquiry_decision": POST,
    "api:agency_inbox": GET,
    "api:agency_respond": POST,
    "api:agency_response_amend": POST,
    "api:flag_list": GET,
    "api:flag_detail": GET,
    "api:flag_accept": POST,
    "api:flag_dismiss": POST,
    "api:flag_watch": POST,
    "patterns:flag_list": SAFE,
    "patterns:flag_detail": SAFE,
    "patterns:flag_accept": FORM,
    "patterns:flag_dismiss": POST,
    "patterns:flag_watch": POST,
    "patterns:flag_early_help": POST,
    "patterns:watch_list": SAFE,
    "patterns:rule_list": SAFE,
    "patterns:rule_detail": SAFE,
    "patterns:rule_change": FORM,
    "patterns:rules_download": SAFE,
    "api:early_help_inbox": GET,
    "api:early_help_acknowledge": POST,
    "api:people_search": POST,
    "api:people_search_by_url": GET,
    "api:person_detail": GET,
    "api:child_status_create": POST,
    "api:child_status_finish": POST,
    "api:person_chronology": GET,
    "api:household_chronology": GET,
    "api:family_network": GET,
    "api:contact_amend": POST,
    "api:contact_person_correct": POST,
    "api:encompass_notices": GET,
    "api:encompass_notice": GET,
    "api:encompass_notice_acknowledge": POST,
    "api:contact_assignment": POST,
    "api:enquiry_assignment": POST,
    "api:case_note_list": GET_POST,
    "api:case_note_add": GET_POST,
    "api:strategy_discussion_list": GET_POST,
    "api:strategy_discussion_record": GET_POST,
    "api:mash_pack_list": GET,
    "api:mash_pack_detail": GET,
    "api:allocations_assign": POST,
    "api:allocation_close": POST,
    "api:routed_contact_acknowledge": POST,
    "matching:queue": SAFE,
    "matching:link_detail": FORM,
    "matching:person_separate": FORM,
    "api:record_link_list": GET,
    "api:record_link_detail": GET,
    "api:record_link_confirm": POST,
    "api:record_link_reject": POST,
    "api:record_link_end": POST,
    "api:person_separate": POST,
    "api:intake_candidate_list": POST,
    # oversight of who looked (issue 7)
    "stepup:confirm": FORM,
    "stepup:key_options": POST,
    "stepup:key": POST,
    "oversight:break_glass": FORM,
    "oversight:break_glass_end": POST,
    "oversight:access_notice": SAFE,
    "oversight:person_access_history": SAFE,
    "oversight:review_queue": SAFE,
    "oversight:alert_detail": FORM,
    "oversight:report": SAFE,
    "oversight:report_export": SAFE,
    "oversight:subject_access": FORM,
    "oversight:uses_report": SAFE,
    "oversight:uses_report_export": SAFE,
    # disparity monitoring of flags (issue 8): a report and its CSV
    "patterns_disparity:disparity": SAFE,
    "patterns_disparity:disparity_export": SAFE,
    "api:break_glass_open": POST,
    "api:break_glass_end": POST,
    "api:privacy_alert_list": GET,
    "api:privacy_alert_detail": GET,
    "api:privacy_alert_decide": POST,
    "api:subject_access_export": POST,
    "api:access_notice_detail": GET,
    "api:person_access_history": GET,
    "api:views_without_involvement": GET,
    # the secure room (issue 7)
    "sharing:item_new": FORM,
    "sharing:helper": FORM,
    "sharing:item_release": FORM,
    "sharing:release_request": POST,
    "sharing:pack_release_requests": POST,
    "sharing:release_requests": SAFE,
    "sharing:pack_answers_pdf": SAFE,
    "api:item_add": POST,
    "api:item_detail": GET,
    "api:item_decide": POST,
    "api:item_release": POST,
    "api:release_request_create": POST,
    "api:release_request_list": GET,
    "api:agreement_list": GET_POST,
    "api:agreement_create": GET_POST,
    "api:agreement_detail": GET,
    "api:agreement_update": POST,
    "api:agreement_end": POST,
    # setting changes waiting for a second partnership admin (ADR 0019 addendum, issue 7)
    "api:setting_change_list": GET,
    "api:setting_change_approve": POST,
    "api:setting_change_refuse": POST,
    # secure messages on an enquiry (issue 7, ADR 0017): the page and its form, the download, the API
    "messaging:thread": FORM,
    "messaging:attachment": SAFE,
    "api:messages_list": GET_POST,
    "api:message_create": GET_POST,
    "api:attachment_get": GET,
}
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
ROUTES = {r.name: r for r in all_routes()}


def test_every_route_has_a_row():
    assert set(ROUTES) <= set(METHODS), f"routes without a METHODS row: {sorted(set(ROUTES) - set(METHODS))}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_unused_methods_get_405(make_actor, name):
    route, allowed = ROUTES[name], METHODS.get(name, frozenset())
    signed_in = Client()
    signed_in.force_login(make_actor("screener", "mash").user)
    url = route.url()
    for method in ALL_METHODS:
        if method in allowed:
            continue
        for who, client in (("signed in", signed_in), ("anonymous", Client())):
            r = client.generic(method, url)
            assert r.status_code == 405, f"{method} {url} ({who}) -> {r.status_code}, expected 405"
            assert b"<td" not in r.content, f"{method} {url} ({who}) rendered a page"
    for method in allowed:
        assert signed_in.generic(method, url).status_code != 405, f"{method} {url} is refused but in METHODS"


def test_trace_and_options_no_longer_echo_the_page(make_actor):
    """The examples of the fault: TRACE and OPTIONS answered 200 with the page; /audit/export.csv rendered for POST
    (/audit/ itself now takes its filter form by POST: issue 6 security review)."""
    client = Client()
    client.force_login(make_actor("auditor", "mash").user)
    for method in ("TRACE", "OPTIONS", "POST", "PUT", "DELETE"):
        assert client.generic(method, "/audit/export.csv").status_code == 405
        if method != "POST":
            assert client.generic(method, "/audit/").status_code == 405
        assert Client().generic(method, "/login/").status_code == (200 if method == "POST" else 405)
