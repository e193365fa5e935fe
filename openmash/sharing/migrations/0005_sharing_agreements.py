# Information-sharing agreements as data (ADR 0016)

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_mfa"),
        ("sharing", "0004_encrypt_existing_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SharingAgreement",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("title", models.CharField(max_length=200)),
                ("categories", models.JSONField(default=list)),
                ("lawful_bases", models.JSONField(default=list)),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField(blank=True, null=True)),
                ("document_reference", models.CharField(max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("active", "Active"), ("ended", "Ended")],
                        db_index=True,
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                (
                    "ended_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("parties", models.ManyToManyField(related_name="+", to="accounts.agency")),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["title", "starts_on"],
            },
        ),
        migrations.AddField(
            model_name="sharingsettings",
            name="outside_agreement",
            field=models.CharField(
                choices=[
                    ("flag", "Allow it, flag it for the privacy officer"),
                    ("refuse", "Refuse it (urgent child protection is still allowed and flagged)"),
                ],
                default="flag",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="sharedecision",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sharing.sharingagreement",
            ),
        ),
        migrations.AddField(
            model_name="sharedecision",
            name="agreement_check",
            field=models.CharField(
                blank=True,
                choices=[("covered", "Covered by an agreement"), ("outside", "Outside any agreement (flagged)")],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="sharedecision",
            name="info_category",
            field=models.CharField(blank=True, max_length=30),
        ),
    ]
