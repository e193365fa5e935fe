# Strategy discussions carry a sensitivity (issue 7; ADR 0017 addendum): existing discussions are standard.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_casenote_sensitivity"),
    ]

    operations = [
        migrations.AddField(
            model_name="strategydiscussion",
            name="sensitivity",
            field=models.CharField(
                choices=[("standard", "Standard"), ("sensitive", "Sensitive"), ("sealed", "Sealed")],
                default="standard",
                max_length=20,
            ),
        ),
    ]
