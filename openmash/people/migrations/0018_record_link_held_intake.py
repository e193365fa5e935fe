"""ADR 0009 addendum 2: RecordLink.source_contact also names the contact of an intake join held until screening,
and a partial index finds a contact's held links (rule intake_pending_screening) when it is screened."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0011_consent_decision"),
        ("people", "0017_reword_old_link_reasons_and_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="recordlink",
            name="source_contact",
            field=models.ForeignKey(
                blank=True,
                help_text="The contact the decision came from: where a referrer said the two are different people (rule referrer_at_intake), or whose new person's record is held until that contact is screened (rule intake_pending_screening, and the screening's or the hub's decision on it).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="record_links",
                to="contacts.contact",
            ),
        ),
        migrations.AddIndex(
            model_name="recordlink",
            index=models.Index(
                condition=models.Q(("rule", "intake_pending_screening"), ("valid_to__isnull", True)),
                fields=["source_contact"],
                name="record_link_held_intake_idx",
            ),
        ),
    ]
