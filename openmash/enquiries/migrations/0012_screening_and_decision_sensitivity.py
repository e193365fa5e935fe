# Screening and decision texts (rationale, next steps, exception reason) carry a sensitivity (issue 7; ADR 0017 addendum): existing ones are standard.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enquiries', '0011_question_and_rag_reason_sensitivity'),
    ]

    operations = [
        migrations.AddField(
            model_name='screening',
            name='sensitivity',
            field=models.CharField(choices=[('standard', 'Standard'), ('sensitive', 'Sensitive'), ('sealed', 'Sealed')], default='standard', max_length=20),
        ),
        migrations.AddField(
            model_name='decision',
            name='sensitivity',
            field=models.CharField(choices=[('standard', 'Standard'), ('sensitive', 'Sensitive'), ('sealed', 'Sealed')], default='standard', max_length=20),
        ),
    ]
