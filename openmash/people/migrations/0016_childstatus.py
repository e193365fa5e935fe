import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_mfa"),
        ("people", "0015_encrypt_existing_rows"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChildStatus",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("cp_plan", "Child protection plan"),
                            ("looked_after", "Looked after"),
                            ("child_in_need", "Child in need plan"),
                        ],
                        max_length=20,
                    ),
                ),
                ("start_date", models.DateField()),
                ("end_date", models.DateField(blank=True, null=True)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="statuses", to="people.person"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.user"
                    ),
                ),
                (
                    "source_agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.agency"
                    ),
                ),
            ],
            options={
                "ordering": ["-start_date", "created_at"],
                "indexes": [models.Index(fields=["person", "end_date"], name="child_status_person_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("end_date__isnull", True), ("end_date__gte", models.F("start_date")), _connector="OR"
                        ),
                        name="child_status_end_after_start",
                    )
                ],
            },
        ),
    ]
