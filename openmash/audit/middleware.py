"""Denied requests write an audit event (fault 5 of issue 5).

A page or API call answering 403 to a signed-in user, or 404 to a signed-in user for a record that exists (the
"forbidden looks like missing" answer of openmash.access.policy), writes one `deny` event naming the record, the
route, the method and the status. The answer the user gets is not changed, so it still says nothing about whether
the record exists. A 404 for a record that does not exist writes nothing (there is nothing to protect), and
anonymous requests are sent to sign in (pages) or refused with 401 (API) before anything is looked up.

The event is written after the view has finished, outside its transaction (which a denial rolled back), so the
denial is recorded even though the request changed nothing else.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError

from openmash.audit.services import audit_record

# URL keyword arguments that name a record, and the record's model. A route whose record keyword is missing here
# fails tests/test_web_permission_matrix.py::test_every_record_keyword_is_known_to_the_denial_audit.
RECORD_KWARGS: dict[str, str] = {
    "contact_id": "contacts.Contact",
    "enquiry_id": "enquiries.Enquiry",
    "request_id": "enquiries.AgencyRequest",
    "person_id": "people.Person",
    "token_id": "accounts.ApiToken",
    "link_id": "contacts.ContactPerson",  # a person's place in a contact
    "notice_id": "contacts.EncompassNotice",
    "allocation_id": "enquiries.CaseAllocation",
    "user_id": "accounts.User",
    "record_link_id": "people.RecordLink",  # a decision about two agency records (issue 6)
    "code": "accounts.Agency:code",  # "label:field": the record is looked up by that field, not its pk
    "batch_id": "feeds.ImportBatch",
    "feed_code": "feeds.FeedMapping:code",
    "change_id": "feeds.FeedMappingChange",  # a feed mapping change waiting for a second admin (ADR 0019)
    "break_glass_id": "oversight.BreakGlass",  # issue 7: emergency access to one record
    "alert_id": "oversight.PrivacyAlert",  # the privacy officer's review item
    "item_id": "sharing.ContributedItem",  # an agency's contributed item (issue 7, the secure room)
    "agreement_id": "sharing.SharingAgreement",  # an information-sharing agreement (ADR 0016)
    "attachment_id": "messaging.Attachment",  # a file sent with a secure message (issue 7)
    "status_id": "people.ChildStatus",  # a child protection plan / looked-after status (issue 7)
    "flag_id": "patterns.Flag",  # a pattern flag (issue 8): hub only
    "rule_code": "patterns.PatternRule:code",  # a pattern rule (issue 8): partnership data, any of its versions
    "setting_change_id": "partnership.SettingChange",  # a setting change waiting for a second admin (ADR 0019)
}
# URL keyword arguments that are not a record: the set-password link's encoded user id and one-time token, which
# name nothing until checked (a wrong one is shown "this link has expired", never denied); the "Can I share this?"
# helper's question name (openmash.sharing: a step, not a record).
NOT_RECORD_KWARGS = frozenset({"uidb64", "token", "step"})
# Routes whose keyword names a different model than RECORD_KWARGS says: {route name: {keyword: model label}}.
ROUTE_RECORD_KWARGS: dict[str, dict[str, str]] = {
    "web:early_help_detail": {"request_id": "enquiries.EarlyHelpRequest"},
    "api:early_help_acknowledge": {"request_id": "enquiries.EarlyHelpRequest"},
    "oversight:access_notice": {"notice_id": "oversight.AccessNotice"},
    "api:access_notice_detail": {"notice_id": "oversight.AccessNotice"},
}
DENIED = frozenset({403, 404})


def named_records(kwargs: dict, route: str = "") -> list[tuple[str, str]]:
    """The (model label, id) of every record the URL names that exists, whoever may see it. System lookups of
    existence only: nothing from them reaches the user."""
    found = []
    overrides = ROUTE_RECORD_KWARGS.get(route, {})
    for name, value in kwargs.items():
        label = overrides.get(name) or RECORD_KWARGS.get(name)
        if label is None:
            continue
        label, _, lookup = label.partition(":")
        model = apps.get_model(label)
        try:
            pk = model._default_manager.filter(**{lookup or "pk": value}).values_list("pk", flat=True).first()
        except (ValidationError, ValueError, TypeError):
            pk = None
        if pk is not None:
            found.append((model._meta.label_lower, str(pk)))
    return found


def audit_denied(request, status: int) -> int:
    """Write the deny event(s) for this answered request; returns how many were written."""
    actor = getattr(request, "actor", None)
    user = getattr(request, "user", None)
    if actor is None and not (user is not None and user.is_authenticated):
        return 0
    match = getattr(request, "resolver_match", None)
    if match is None:
        return 0
    records = named_records(match.kwargs, match.view_name or "")
    if status == 404 and not records:
        return 0
    detail = {"status": status, "route": match.view_name or "", "method": request.method}
    for object_type, object_id in records or [("", "")]:
        audit_record(actor=actor, user=user, action="deny", object_type=object_type, object_id=object_id, detail=detail)
    return len(records) or 1


class DeniedAccessAuditMiddleware:
    """Place after AuthenticationMiddleware. See the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in DENIED:
            audit_denied(request, response.status_code)
        return response
