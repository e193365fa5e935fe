"""Forms for the partnership admin's people pages (starters, leavers, roles, agencies, teams). Field names match
the keys of the errors raised by openmash.accounts.admin_services, so a service error lands on its field."""

from django import forms
from django.core.validators import RegexValidator

from openmash.accounts.admin_services import (
    AGENCY_DEACTIVATE_REASON_MESSAGE,
    CODE_MESSAGE,
    CODE_RE,
    USERNAME_MESSAGE,
    USERNAME_RE,
    agency_type_choices,
    health_service_choices,
    role_choices,
)
from openmash.accounts.models import Agency
from openmash.core.text import CleanTextFormMixin


def _agency_choices():
    return [("", "Choose an agency")] + [(a.code, a.name) for a in Agency.objects.filter(active=True).order_by("name")]


class UserNewForm(CleanTextFormMixin, forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Letters, digits and . @ + - _ only, for example jo.bloggs",
        validators=[RegexValidator(USERNAME_RE, USERNAME_MESSAGE)],
        error_messages={"required": "Enter a username"},
    )
    name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="As colleagues will see it on the records this person writes",
        error_messages={"required": "Enter the user's full name, as colleagues will see it on the records they write"},
    )
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    #: Required here (practitioners' review: the page had no email field, yet the approver is told to check the
    #: address "where password resets go" and saw "Not given"). A partnership adds professionals who each have a
    #: work address, and without one a forgotten password needs the server operator. Unique among users (case
    #: folded; accounts.admin_services.user_add), so a reset cannot go to someone else. At the command line
    #: (`openmash user create --email`) it stays optional, for the operator's first admin.
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="Where a link to reset their password is sent. It cannot be changed here later.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter their work email address, where a link to reset their password is sent",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    agency = forms.ChoiceField(label="Agency", error_messages={"required": "Choose the agency they work for"})
    role = forms.ChoiceField(
        label="Role", choices=[("", "Choose a role"), *role_choices()], error_messages={"required": "Choose a role"}
    )
    team = forms.CharField(label="Team", max_length=200, required=False, help_text="Created in the agency if it is new")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = _agency_choices()


class UserDeactivateForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you deactivating this user?",
        max_length=500,
        help_text="For example, 'Left the service on 31 March'. This is kept in the audit trail.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        error_messages={
            "required": "Enter why the user is being deactivated, for example 'Left the service on 31 March'"
        },
    )
    hand_work_to = forms.ChoiceField(
        label="Who should take on the work they hold?",
        required=False,
        help_text="Only colleagues who can sign in and work now are listed: an active screener or manager in the "
        "hub who has set a password and enrolled a second factor",
        choices=[],
        error_messages={"invalid_choice": "Choose a screener or manager in the hub who is not leaving"},
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        """colleagues: [(user id, name)] of hub members who may hold work and can sign in now
        (enquiries.assignment.work_recipients; the leaver excluded)."""
        super().__init__(*args, **kwargs)
        self.fields["hand_work_to"].choices = [("", "Nobody: put it back on the shared queue")] + [
            (str(uid), name) for uid, name in colleagues
        ]


class RoleAddForm(CleanTextFormMixin, forms.Form):
    agency = forms.ChoiceField(label="Agency", error_messages={"required": "Choose an agency"})
    role = forms.ChoiceField(
        label="Role", choices=[("", "Choose a role"), *role_choices()], error_messages={"required": "Choose a role"}
    )
    team = forms.CharField(label="Team", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = _agency_choices()


class MembershipEditForm(CleanTextFormMixin, forms.Form):
    """One role's edit form; updated_at carries the version the admin saw (concurrent edit detection)."""

    role = forms.ChoiceField(label="Role", choices=role_choices(), error_messages={"required": "Choose a role"})
    team = forms.ChoiceField(label="Team", required=False)
    active = forms.TypedChoiceField(
        label="Status",
        choices=[("1", "Active"), ("0", "Removed")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the role is active"},
    )
    updated_at = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault("prefix", f"m{membership.pk}")
        kwargs.setdefault(
            "initial",
            {
                "role": membership.role,
                "team": str(membership.team_id or ""),
                "active": "1" if membership.active else "0",
                "updated_at": membership.updated_at.isoformat(),
            },
        )
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["team"].choices = [("", "No team")] + [
            (str(t.pk), t.name) for t in membership.agency.teams.order_by("name")
        ]


class AgencyForm(CleanTextFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="Lower-case letters, digits and hyphens, for example county-police. It cannot be changed later.",
        validators=[RegexValidator(CODE_RE, CODE_MESSAGE)],
        error_messages={"required": "Enter a code"},
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the agency's name"})
    type = forms.ChoiceField(
        label="Type",
        choices=[("", "Choose a type"), *agency_type_choices()],
        error_messages={"required": "Choose the type of agency"},
    )
    source_code = forms.CharField(
        label="Referral source code",
        max_length=3,
        help_text="The CIN census source of referrals for contacts from this agency, for example 6 for police",
        error_messages={"required": "Enter the referral source code"},
    )
    health_service = forms.ChoiceField(
        label="Health service", choices=[("", "Not a health agency"), *health_service_choices()], required=False
    )
    hub = forms.BooleanField(label="This agency is the MASH itself", required=False)
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)


class AgencyDeactivateForm(CleanTextFormMixin, forms.Form):
    """Why an agency is being deactivated (required; kept in the audit event's reason), as for a user."""

    reason = forms.CharField(
        label="Why are you deactivating this agency?",
        max_length=500,
        help_text="For example, 'Service ended on 31 March; its staff moved to the county team'. This is kept in the "
        "audit trail.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        error_messages={"required": AGENCY_DEACTIVATE_REASON_MESSAGE},
    )
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)


class TeamForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label="Team name", max_length=200, error_messages={"required": "Enter the team's name"})
