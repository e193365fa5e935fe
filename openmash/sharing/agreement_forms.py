"""Forms for the partnership admin's information-sharing agreement pages (ADR 0016). Field names match the keys of
the errors openmash.sharing.agreements raises, so a service error lands on its field."""

from __future__ import annotations

from django import forms

from openmash.accounts.models import Agency
from openmash.core.text import CleanTextFormMixin
from openmash.sharing.choices import AgreementBasis, InfoCategory
from openmash.web.forms import GovukDateField


class AgreementForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, 'Children's safeguarding information-sharing agreement 2026'",
        error_messages={"required": "Enter the agreement's title"},
    )
    parties = forms.MultipleChoiceField(
        label="Which agencies are party to the agreement?",
        help_text="Choose at least two. The MASH (children's social care front door) is usually one of them.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least two agencies that are party to the agreement",
            "invalid_choice": "Choose agencies from the list",
        },
    )
    categories = forms.MultipleChoiceField(
        label="Which categories of information does it cover?",
        choices=InfoCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the categories of information shared",
            "invalid_choice": "Choose categories from the list",
        },
    )
    lawful_bases = forms.MultipleChoiceField(
        label="Which lawful bases does it rely on?",
        choices=AgreementBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the lawful basis the agreement relies on",
            "invalid_choice": "Choose lawful bases from the list",
        },
    )
    starts_on = GovukDateField(
        label="Start date", help_text="For example, 1 4 2026", error_messages={"required": "Enter the start date"}
    )
    ends_on = GovukDateField(label="End date", required=False, help_text="Leave empty if it has no end date")
    document_reference = forms.CharField(
        label="Where is the signed agreement kept?",
        max_length=500,
        help_text="A reference to the signed document, for example its file path or document management number",
        error_messages={"required": "Enter where the signed agreement is kept"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("draft", "Draft: not yet in force"), ("active", "Active: in force between its dates")],
        widget=forms.RadioSelect,
        initial="draft",
        error_messages={"required": "Choose draft or active", "invalid_choice": "Choose draft or active"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = [(a.code, a.name) for a in Agency.objects.filter(active=True).order_by("name")]

    def clean_parties(self):
        parties = self.cleaned_data["parties"]
        if len(parties) < 2:
            raise forms.ValidationError("Choose at least two agencies that are party to the agreement")
        return parties

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k)
            for k in (
                "title",
                "parties",
                "categories",
                "lawful_bases",
                "starts_on",
                "ends_on",
                "document_reference",
                "status",
            )
        }


class AgreementEndForm(CleanTextFormMixin, forms.Form):
    ends_on = GovukDateField(
        label="When did the agreement end?",
        required=False,
        help_text="Leave empty to end it today. For example, 31 3 2027",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
