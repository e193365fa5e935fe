"""Secure messages and attachments between the practitioners on a MASH enquiry (issue 7; ADR 0017).

The enquiry's thread is its messages (no thread row: one thread per enquiry, found by the enquiry). Every free text
is encrypted at rest (``EncryptedTextField``: the body, an attachment's original name and its SHA-256), and an
attachment's content is an AES-256-GCM blob in its own table (``AttachmentContent``), so listing a thread never
reads a blob and ``openmash keys rotate`` re-encrypts blobs one row at a time (``core.encryption``).
Rows are never changed after they are written (a message is not edited or deleted in the application)."""

from django.conf import settings
from django.db import models

from openmash.core.fields import EncryptedTextField
from openmash.core.models import BaseModel
from openmash.sharing.choices import ItemSensitivity

User = settings.AUTH_USER_MODEL


class Message(BaseModel):
    """One message on an enquiry's thread: who wrote it, as which agency and role, when, what (encrypted) and how
    sensitive it is. reply_to: the message it answers (on the same thread), or None."""

    enquiry = models.ForeignKey("enquiries.Enquiry", on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=30)
    sent_at = models.DateTimeField()
    body = EncryptedTextField(max_length=10_000)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    #: The sender's choice (ADR 0017 addendum): standard, sensitive or sealed, the words of a contributed item
    #: (sharing.choices.ItemSensitivity). Who reads each level whole: access.messaging.message_audience.
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default=ItemSensitivity.STANDARD)

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["enquiry", "sent_at"], name="message_thread_idx")]


class Attachment(BaseModel):
    """A file sent with a message: its original name and SHA-256 (both encrypted: the name says who it is about,
    the hash would let whoever holds the database confirm a file they already have), the content type detected from
    its bytes (messaging.filecheck, never the name or the browser's claim) and its size in bytes."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    filename = EncryptedTextField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = EncryptedTextField(max_length=64)

    class Meta:
        ordering = ["created_at", "id"]


class AttachmentContent(BaseModel):
    """An attachment's bytes, AES-256-GCM encrypted (core.crypto.encrypt_bytes) with this table, column, row and key
    version as associated data; key_version says which field key, so a rotation finds the rows to re-encrypt in
    SQL. Its id is the attachment's id."""

    #: core.encryption.encrypted_blob_tables: (blob field, key version field)
    encrypted_blob = ("data", "key_version")

    attachment = models.OneToOneField(Attachment, on_delete=models.PROTECT, related_name="content")
    key_version = models.PositiveIntegerField()
    data = models.BinaryField()
