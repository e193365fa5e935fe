# Sharing without consent as a recorded decision at intake (ADR 0016). Contacts already recorded as shared without
# consent (refused or not sought) get the lawful basis "not recorded"; their free text stays as the note.

from django.db import migrations, models


def mark_not_recorded(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    Contact.objects.filter(consent__in=("refused", "not_sought"), consent_lawful_basis="").update(
        consent_lawful_basis="not_recorded"
    )


def unmark(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    Contact.objects.filter(consent_lawful_basis="not_recorded").update(consent_lawful_basis="")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0010_encrypt_existing_rows")]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="consent",
            field=models.CharField(
                choices=[
                    ("obtained", "Consent obtained"),
                    ("refused", "Consent refused, but sharing is justified"),
                    ("not_sought", "Consent not sought"),
                    ("not_applicable", "Not applicable: shared under a statutory duty (for example the police)"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="contact",
            name="consent_not_sought_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("unsafe", "Seeking consent would place the child at risk of significant harm"),
                    ("prejudice", "Seeking consent would prejudice an investigation"),
                    ("urgent", "Urgent: no time to seek consent"),
                    ("not_capable", "No one capable of giving consent could be reached"),
                    ("other", "Other reason (say why in the note)"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="consent_override_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("risk_of_harm", "The child is at risk of significant harm"),
                    ("public_interest", "Sharing is justified in the public interest"),
                    ("crime", "To prevent or detect a serious crime"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="consent_lawful_basis",
            field=models.CharField(
                blank=True,
                choices=[
                    ("public_task", "Article 6(1)(e) public task (statutory functions)"),
                    ("legal_obligation", "Article 6(1)(c) legal obligation"),
                    ("vital_interests", "Article 6(1)(d) vital interests (life or death)"),
                    ("part3", "DPA 2018 Part 3: law-enforcement processing (police)"),
                    ("not_recorded", "Not recorded (recorded before the lawful basis was asked)"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="consent_condition",
            field=models.CharField(
                blank=True,
                choices=[
                    (
                        "sch1_para18",
                        "DPA 2018 Schedule 1 paragraph 18: safeguarding of children and individuals at risk",
                    ),
                    ("art9_2g", "Article 9(2)(g): substantial public interest"),
                    ("art9_2h", "Article 9(2)(h): health or social care"),
                    ("art9_2b", "Article 9(2)(b): social protection law"),
                    ("sch8_para4", "DPA 2018 Schedule 8 paragraph 4: safeguarding (police)"),
                    ("sch8_para1", "DPA 2018 Schedule 8 paragraph 1: statutory purposes (police)"),
                ],
                max_length=30,
            ),
        ),
        migrations.RunPython(mark_not_recorded, unmark),
    ]
