"""AU-5 (SECURITY-TESTS.md 5(b)): the password rules, table-driven, through the real set-password page.

The rules (config/settings/base.py AUTH_PASSWORD_VALIDATORS; NCSC password guidance, ASVS 6.2): at least 15
characters, no upper limit below 64 (passphrases of 64 and 128 characters are accepted), no composition rules (a
passphrase of lowercase letters only, or of digits only, is accepted), a password in the common-password list is
refused whatever its length or case, and so is one too like the user's own name.

In: a starter's one-time set-password link (admin_services.user_set_password_link, as the server operator), the page
opened and the form posted. Out: accepted (302 to sign in, the password works) or refused (the GOV.UK error summary,
the password unchanged).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import django
import pytest
from django.test import Client

ROWS = [
    # (what the row shows, password, accepted)
    ("14 characters is one too few", "quietriverfoxe", False),
    ("15 lowercase letters, no digit or symbol, is enough", "quietriverfoxes", True),
    ("15 digits only is enough", "739184620573918", True),
    ("a passphrase with spaces", "correct horse battery staple", True),
    ("64 characters", "a long passphrase that keeps on going past sixty four characters", True),
    ("128 characters", "x7 tall grey herons wade" * 5 + "slowly!!", True),
    ("common list entry of 20 characters", "1q2w3e4r5t6y7u8i9o0p", False),
    ("common list entry in capitals", "1Q2W3E4R5T6Y7U8I9O0P", False),
    ("common list entry of 18 digits", "123456789987654321", False),
    ("too like the user's own username", "jo.passwordtester", False),
]


def test_the_table_rows_have_the_lengths_they_claim():
    lengths = {name: len(pw) for name, pw, _ in ROWS}
    assert lengths["14 characters is one too few"] == 14
    assert lengths["15 lowercase letters, no digit or symbol, is enough"] == 15
    assert lengths["64 characters"] == 64 and lengths["128 characters"] == 128


@pytest.fixture
def set_password_page(partnership):
    """post(password) -> (status, page text, whether the user's password is now that one), for a fresh starter."""
    from openmash.accounts.admin_services import SYSTEM, user_set_password_link
    from openmash.accounts.models import User
    from openmash.accounts.services import user_create

    user_create(username="jo.passwordtester", password="", agency_code="police", role="referrer", check_password=False)

    def post(password: str):
        link = user_set_password_link(actor=SYSTEM, username="jo.passwordtester")
        client = Client()
        page = client.get(link, follow=True)
        assert page.status_code == 200 and b"Set your password" in page.content
        form_url = page.redirect_chain[-1][0]
        answer = client.post(form_url, {"new_password1": password, "new_password2": password})
        user = User.objects.get(username="jo.passwordtester")
        return answer.status_code, answer.content.decode(), user.check_password(password)

    return post


@pytest.mark.parametrize(("name", "password", "accepted"), ROWS, ids=[r[0] for r in ROWS])
def test_a_password_is_accepted_or_refused_as_the_table_says(set_password_page, name, password, accepted):
    status, page, works = set_password_page(password)
    if accepted:
        assert status == 302 and works, (name, page[:2000])
    else:
        assert status == 200 and "There is a problem" in page and not works, name


def test_every_password_of_the_top_three_thousand_common_list_is_refused():
    """Every one of the 3,000 most common passwords in Django's list (most common first) is refused by the configured
    validators (too short or too common), as the set-password page would refuse it (it runs the same validators)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    listed = Path(django.__file__).parent / "contrib" / "auth" / "common-passwords.txt.gz"
    with gzip.open(listed, "rt", encoding="utf-8") as f:
        top = f.read().split()[:3000]
    accepted = []
    for password in top:
        try:
            validate_password(password)
        except ValidationError:
            continue
        accepted.append(password)
    assert not accepted, accepted[:20]
