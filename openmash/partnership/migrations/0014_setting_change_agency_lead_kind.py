# Issue 7 (later still): a shorter agency answer lead (agency_lead_working_hours) waits too.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0013_setting_change_timescale_kinds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="settingchange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sealed_roles", "Roles that see sealed items"),
                    ("outside_agreement", "Outside an information-sharing agreement"),
                    ("pattern_rule", "Pattern rule"),
                    ("agency_access_days", "Agency access window"),
                    ("link_thresholds", "Person matching thresholds"),
                    ("sharing_agreement", "Information-sharing agreement"),
                    ("threshold_levels", "Threshold level words"),
                    ("outcome_rules", "Outcome rules"),
                    ("immediate_risk_screening", "Screening time for immediate risk"),
                    ("rag_timescales", "RAG timescales"),
                    ("immediate_risk_enquiry", "Immediate-risk enquiry timescales"),
                    ("outcome_active", "Decision outcome switched off"),
                    ("agency_lead_hours", "Agency answer lead time"),
                ],
                max_length=30,
            ),
        ),
    ]
