# Information request questions and RAG change reasons carry a sensitivity (issue 7; ADR 0017 addendum): existing ones are standard.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enquiries', '0010_agency_request_agreement'),
    ]

    operations = [
        migrations.AddField(
            model_name='agencyrequest',
            name='question_sensitivity',
            field=models.CharField(choices=[('standard', 'Standard'), ('sensitive', 'Sensitive'), ('sealed', 'Sealed')], default='standard', max_length=20),
        ),
        migrations.AddField(
            model_name='ragchange',
            name='sensitivity',
            field=models.CharField(choices=[('standard', 'Standard'), ('sensitive', 'Sensitive'), ('sealed', 'Sealed')], default='standard', max_length=20),
        ),
    ]
