"""The message form (GOV.UK textarea and file upload). Type, size and content of the file are checked by the
service (messaging.filecheck), whose errors the view puts back on the form."""

from __future__ import annotations

from django import forms

from openmash.core.text import CleanTextFormMixin
from openmash.messaging.filecheck import ACCEPTED_LIST, max_bytes, size_words
from openmash.messaging.services import MAX_BODY


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
    reply_to = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{ACCEPTED_LIST}, smaller than {size_words(max_bytes())}"

    @staticmethod
    def field_for_service_key(key: str) -> str:
        return {"files": "file"}.get(key, key)
