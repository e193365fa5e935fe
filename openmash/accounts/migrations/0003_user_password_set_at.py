"""User.password_set_at (issue 5 review, fault 3): when the user last set a password. Existing users who hold a
usable password, or have ever signed in, have set one: they get their last sign-in (or joining) time."""

from django.db import migrations, models

UNUSABLE_PREFIX = "!"  # django.contrib.auth.hashers.UNUSABLE_PASSWORD_PREFIX


def backfill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.all().iterator(chunk_size=1000):
        usable = bool(user.password) and not user.password.startswith(UNUSABLE_PREFIX)
        if usable or user.last_login is not None:
            User.objects.filter(pk=user.pk).update(password_set_at=user.last_login or user.date_joined)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_apitoken_expiry_and_revoker"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="password_set_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
