"""The message form (GOV.UK textarea, file upload and the sensitivity radios with a hint for each level). Type, size and content of the file are checked by the
service (messaging.filecheck), whose errors the view puts back on the form."""

from __future__ import annotations

from django import forms

from openmash.access.messaging import message_sensitivity_hints
from openmash.core.text import CleanTextFormMixin
from openmash.messaging.filecheck import ACCEPTED_LIST, max_bytes, size_words
from openmash.messaging.services import MAX_BODY, SENSITIVITY_MESSAGE
from openmash.sharing.choices import ItemSensitivity


class MessageForm(CleanTextFormMixin, forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter a message",
            "max_length": f"Message must be {MAX_BODY:,} characters or fewer",
        },
    )
    file = forms.FileField(
        label="Attach a file",
        required=False,
        error_messages={"empty": "The selected file is empty", "invalid": "Select a file to attach"},
    )
    sensitivity = forms.ChoiceField(
        label="How sensitive is this message?",
        choices=ItemSensitivity.choices,
        initial=ItemSensitivity.STANDARD,
        required=False,  # standard when not sent (the default, as in the API); a value not in the list is an error
        widget=forms.RadioSelect,
        help_text="This decides who on the thread can read the message and open its file. You can always read what "
        "you send.",
        error_messages={"required": SENSITIVITY_MESSAGE, "invalid_choice": SENSITIVITY_MESSAGE},
    )
    reply_to = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{ACCEPTED_LIST}, smaller than {size_words(max_bytes())}"
        #: the hint under each level (access.messaging.message_sensitivity_hints: who reads it, in plain English)
        self.sensitivity_hints = message_sensitivity_hints()

    def clean_sensitivity(self) -> str:
        return self.cleaned_data.get("sensitivity") or ItemSensitivity.STANDARD

    @staticmethod
    def field_for_service_key(key: str) -> str:
        return {"files": "file"}.get(key, key)
