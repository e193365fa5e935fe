# Routed contacts returned to the queue: the closing reason carries a sensitivity (issue 7; ADR 0017 addendum); existing returns are standard.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0006_strategydiscussion_sensitivity'),
    ]

    operations = [
        migrations.AddField(
            model_name='routedcontactreturn',
            name='sensitivity',
            field=models.CharField(choices=[('standard', 'Standard'), ('sensitive', 'Sensitive'), ('sealed', 'Sealed')], default='standard', max_length=20),
        ),
    ]
