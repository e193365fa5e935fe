# The information-sharing agreement check recorded on a request to an agency (ADR 0016)

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0009_encrypt_existing_rows"),
        ("sharing", "0005_sharing_agreements"),
    ]

    operations = [
        migrations.AddField(
            model_name="agencyrequest",
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
            model_name="agencyrequest",
            name="agreement_check",
            field=models.CharField(blank=True, db_index=True, max_length=10),
        ),
        migrations.AddField(
            model_name="agencyrequest",
            name="info_category",
            field=models.CharField(blank=True, max_length=30),
        ),
    ]
