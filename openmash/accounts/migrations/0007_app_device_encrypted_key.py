"""Authenticator apps move from django-otp's TOTPDevice (secret key in plain hex) to accounts.AppDevice (the key
encrypted at rest, ADR 0011 addendum): each confirmed or unconfirmed device is copied with the same key, counters and
names, then the old row is deleted. A session that passed its second factor with an old device is asked for a code
again on its next page (its device id no longer resolves). Backwards: copied back in plain hex."""

import django.db.models.deletion
import openmash.accounts.models
import openmash.core.fields
from django.conf import settings
from django.db import migrations, models


FIELDS = ("user_id", "name", "confirmed", "key", "step", "t0", "digits", "tolerance", "drift", "last_t")
FIELDS += ("throttling_failure_timestamp", "throttling_failure_count", "created_at", "last_used_at")


def devices_forward(apps, schema_editor):
    old = apps.get_model("otp_totp", "TOTPDevice")
    new = apps.get_model("accounts", "AppDevice")
    for device in old.objects.using(schema_editor.connection.alias).order_by("pk").iterator():
        new.objects.using(schema_editor.connection.alias).create(**{f: getattr(device, f) for f in FIELDS})
    old.objects.using(schema_editor.connection.alias).all().delete()


def devices_backward(apps, schema_editor):
    old = apps.get_model("otp_totp", "TOTPDevice")
    new = apps.get_model("accounts", "AppDevice")
    for device in new.objects.using(schema_editor.connection.alias).order_by("created_at").iterator():
        old.objects.using(schema_editor.connection.alias).create(**{f: getattr(device, f) for f in FIELDS})
    new.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_mfa"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="AppDevice",
            fields=[
                ("name", models.CharField(help_text="The human-readable name of this device.", max_length=64)),
                ("confirmed", models.BooleanField(default=True, help_text="Is this device ready for use?")),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(default=0, help_text="Number of successive failed attempts."),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, help_text="The most recent date and time this device was used.", null=True
                    ),
                ),
                (
                    "id",
                    models.BigIntegerField(
                        default=openmash.accounts.models._random_device_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", openmash.core.fields.EncryptedTextField(default=openmash.accounts.models._random_hex_key)),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "authenticator app",
                "abstract": False,
            },
        ),
        migrations.RunPython(devices_forward, devices_backward),
    ]
