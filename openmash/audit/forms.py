"""The auditor's filter form for the audit trail (GOV.UK pattern: bad input -> error summary)."""

from __future__ import annotations

import uuid

from django import forms

from openmash.contacts.references import HINT as REFERENCE_HINT
from openmash.contacts.references import reference_normalise
from openmash.core.text import CleanTextFormMixin
from openmash.people.identifiers import nhs_number_normalise
from openmash.web.forms import FilterDateField

# What the trail records (openmash.audit.models.AuditEvent.action), in the words an auditor uses.
ACTION_LABELS = {
    # patterns across agencies (issue 8)
    "flag.raise": "Raised a pattern flag",
    "flag.update": "Updated a pattern flag's events",
    "flag.withdraw": "Withdrew a pattern flag (its pattern is gone)",
    "flag.early_help": "Suggested early help from a pattern flag",
    "flag.early_help_outcome": "Recorded whether early help was offered, accepted or declined",
    "pattern_rule.save": "Saved a pattern rule (new version)",
    "pattern_rule.export": "Downloaded the pattern rules file",
    "watch.notify": "Told the hub of new events about a watched child",
    "watch.start": "Put a child on the watch-list",
    "watch.extend": "Extended a child's watch",
    "watch.escalate": "Escalated a watched child (contacts reached the limit)",
    "view": "Viewed a record",
    "list": "Listed records",
    "search": "Searched",
    "search_result": "Found by a search",
    "create": "Created",
    "update": "Changed",
    "screen": "Screened",
    "rate": "Rated or re-rated",
    "request": "Requested information",
    "respond": "Answered a request",
    "decide": "Decided",
    "route": "Routed",
    "return": "Returned to the screening queue",
    "allocate": "Allocated",
    "escalate": "Escalated",
    "configure": "Changed configuration",
    "deny": "Refused access",
    "login": "Signed in",
    "login_failed": "Failed sign-in",
    "sso_refused": "Single sign-on refused",
    "attachment_refused": "Attachment refused (virus scan)",
    "logout": "Signed out",
    "lockout": "Locked out",
    "export": "Exported the audit trail",
    "link_propose": "Proposed two records as one person",
    "link_confirm": "Joined two records as one person",
    "link_reject": "Decided two records are different people",
    "link_supersede": "Closed a proposed match: the records are already the same person",
    "link_end": "Unmerged two records (not the same person)",
    "merge": "Merged into another person",
    "unmerge": "Separated from another person",
    "acknowledge": "Acknowledged",
    "activate": "Reactivated",
    "deactivate": "Deactivated",
    "amend": "Amended a contact before screening",
    "correct": "Corrected a person's details",
    "assign": "Assigned work to someone",
    "take": "Took work to do",
    "close": "Closed",
    "delete": "Deleted",
    "encompass_send": "Sent an Operation Encompass notice to a school",
    "import": "Imported an agency extract",
    # oversight of who looked (issue 7)
    "break_glass": "Opened a record in an emergency (break-glass)",
    "break_glass_end": "Ended emergency access",
    "access_notice": "Told the owning team of a view (access notice)",
    "stepup": "Confirmed it is them again (step-up: password and second factor, or single sign-on)",
    "stepup_failed": "Failed to confirm it is them again (step-up: password, second factor or single sign-on)",
    "alert_approve": "Approved a break-glass alert",
    "alert_flag": "Flagged a break-glass alert",
    "alert_escalate": "Escalated a break-glass alert to the Caldicott guardian",
    "issue_set_password_link": "Made a set-password link",
    "reset_password": "Reset a password (link emailed)",
    "set_password": "Set their password",
    "revoke": "Revoked an API token",
    "unlock": "Unlocked a locked account",
    "search_index_rebuild": "Rebuilt the search index",
    "search_limited": "Paused for too many searches",
    "session_expired": "Signed out when idle",
    "token_refused": "API token refused",
    "train": "Trained the person-matching model",
    "role_grant_request": "Asked for a role (waiting for approval)",
    "role_grant_approve": "Approved a role",
    "role_grant_reject": "Rejected a role",
    "role_grant_bootstrap": "Gave the first partnership admin role directly (no admin existed to approve it)",
    # feed mapping changes under dual control (ADR 0019)
    "feed_mapping_change_request": "Asked for a feed mapping change (waiting for approval)",
    "feed_mapping_change_approve": "Approved a feed mapping change",
    "feed_mapping_change_reject": "Rejected a feed mapping change",
    "feed_mapping_change_supersede": "Replaced a waiting feed mapping change with a later one",
    # setting changes under dual control (ADR 0019 addendum): sealed roles, the agreement rule, pattern rules
    "setting_change_request": "Asked for a setting change (waiting for approval)",
    "setting_change_approve": "Approved a setting change",
    "setting_change_reject": "Rejected a setting change",
    "setting_change_supersede": "Replaced a waiting setting change with a later one",
    "setting_change_notify": "Told partnership admins of a setting change (waiting, approved or refused)",
    # the second factor (ADR 0011)
    "mfa_verified": "Passed the second factor",
    "mfa_failed": "Wrong second factor",
    "mfa_enrolled": "Set up an authenticator app",
    "recovery_code_used": "Signed in with a recovery code",
    "recovery_codes_regenerated": "Made new recovery codes",
    "webauthn_registered": "Added a security key",
    "webauthn_removed": "Removed a security key",
    "mfa_reset_request": "Asked for a second-factor reset (waiting for approval)",
    "mfa_reset_approve": "Approved a second-factor reset",
    "mfa_reset_reject": "Rejected a second-factor reset",
    "session_end": "Ended one of their sessions",
    "sessions_end": "Signed a user out everywhere",
    # the secure room (issue 7): an agency's sharing decisions on its items, and requests to release them
    "share": "Shared an item with the MASH",
    "share_refuse": "Decided not to share an item",
    "release": "Released an item outside the MASH",
    "release_refuse": "Refused to release an item",
    "release_request": "Asked an agency to release an item",
    # information-sharing agreements and consent at intake (ADR 0016)
    "agreement_end": "Ended an information-sharing agreement",
    "agreement_refuse": "Refused: outside every information-sharing agreement",
    "share_without_consent": "Recorded sharing without consent at intake",
}


#: Actions whose words depend on the record (allocations are created, re-pointed and closed).
_ACTION_ON_RECORD = {
    ("create", "enquiries.caseallocation"): "Allocated",
    ("update", "enquiries.caseallocation"): "Allocated",
    ("close", "enquiries.caseallocation"): "Allocation closed",
}


def action_label(code: str, object_type: str = "") -> str:
    """The plain-English label of an audit action code (ACTION_LABELS), in the words for its kind of record where
    they differ (an allocation "create" reads "Allocated"). An unknown code (a new action not yet labelled:
    test_every_audited_action_has_a_plain_english_label fails first) reads as words, never as a raw code."""
    return (
        _ACTION_ON_RECORD.get((code, object_type))
        or ACTION_LABELS.get(code)
        or (code or "").replace("_", " ").capitalize()
    )


class AuditFilterForm(CleanTextFormMixin, forms.Form):
    """All fields optional. clean() turns the person box into an NHS number or a person record id."""

    person = forms.CharField(
        label="Person",
        required=False,
        max_length=60,
        help_text="NHS number (10 digits) or OpenMASH person record ID",
    )
    contact = forms.CharField(label="Contact reference", required=False, max_length=20, help_text=REFERENCE_HINT)
    user = forms.CharField(label="Username", required=False, max_length=150)
    agency = forms.ChoiceField(label="Agency", required=False, choices=[])
    action = forms.ChoiceField(label="Action", required=False, choices=[])
    date_from = FilterDateField(label="From", required=False, help_text="For example, 27 3 2026")
    date_to = FilterDateField(label="To", required=False, help_text="For example, 28 3 2026")

    def __init__(self, *args, agencies=(), actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Any agency")] + [(a.code, a.name) for a in agencies]
        known = dict(ACTION_LABELS)
        extra = [(a, action_label(a)) for a in actions if a not in known]
        self.fields["action"].choices = [("", "Any action")] + list(known.items()) + extra
        self.fields["agency"].error_messages["invalid_choice"] = "Select an agency from the list"
        self.fields["action"].error_messages["invalid_choice"] = "Select an action from the list"

    def clean_person(self) -> dict:
        value = (self.cleaned_data.get("person") or "").strip()
        if not value:
            return {}
        try:
            return {"person_id": str(uuid.UUID(value))}
        except ValueError:
            pass
        try:
            return {"nhs_number": nhs_number_normalise(value)}
        except ValueError:
            raise forms.ValidationError(
                "Enter an NHS number with 10 digits, like 943 476 5919, or a person record ID"
            ) from None

    def clean_contact(self) -> str:
        value = (self.cleaned_data.get("contact") or "").strip()
        if not value:
            return ""
        try:
            return reference_normalise(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        cd = super().clean()
        since, until = cd.get("date_from"), cd.get("date_to")
        if since and until and until < since:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cd

    def filters(self) -> dict:
        """The valid filters as keyword arguments for audit_event_search."""
        cd = self.cleaned_data
        return {
            **(cd.get("person") or {}),
            "contact_reference": cd.get("contact") or "",
            "username": (cd.get("user") or "").strip(),
            "agency_code": cd.get("agency") or "",
            "action": cd.get("action") or "",
            "date_from": cd.get("date_from"),
            "date_to": cd.get("date_to"),
        }
