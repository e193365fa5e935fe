"""Issue 5 review, fault 5: the sign-in lockout counted only per username + IP address, so 48 failures from 5
addresses and then the right password from a sixth got in, and nothing capped an account. SECURITY-TESTS AU-2:
the 101st attempt in an hour on one account is refused from any address, other users are unaffected, every attempt
is logged; and one shared address cannot lock a colleague out. Signing in through the real login page (django-axes
configured by settings + openmash.accounts.lockout). Failed on main before the fix."""

from __future__ import annotations

import pytest
from django.test import Client

from openmash.accounts.admin_services import SYSTEM, user_unlock
from openmash.accounts.services import user_create
from openmash.audit.models import AuditEvent

PASSWORD = "a-long-enough-test-password-0"


@pytest.fixture
def users(partnership):
    return {
        name: user_create(username=name, password=PASSWORD, agency_code="police", role="referrer", check_password=False)
        for name in ("target", "colleague")
    }


def sign_in(username: str, password: str, ip: str):
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/login/", {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def fail(username: str, times: int, *, ips: int, per_ip: int = 9) -> None:
    """`times` wrong passwords for `username`, spread over addresses so no address reaches the per-pair limit."""
    sent = 0
    for n in range(ips):
        for _ in range(per_ip):
            if sent == times:
                return
            response, signed_in = sign_in(username, "wrong-password-guess", f"10.1.{n}.1")
            assert response.status_code == 200 and not signed_in
            sent += 1
    assert sent == times, "not enough addresses for that many failures"


def test_the_101st_attempt_in_an_hour_is_refused_from_any_address(users):
    fail("target", 100, ips=12)
    response, signed_in = sign_in("target", PASSWORD, "192.0.2.77")  # a fresh address, the right password
    assert not signed_in
    assert response.status_code == 429 and "Signing in is locked" in response.content.decode()
    # other users, even from the addresses used in the attack, are unaffected
    assert sign_in("colleague", PASSWORD, "10.1.0.1")[1]
    # every attempt is in the audit trail: the 100 failures and the refused 101st
    assert AuditEvent.objects.filter(action="login_failed", actor_username="target").count() == 101
    assert AuditEvent.objects.filter(action="lockout", actor_username="target").exists()


def test_99_failures_spread_over_addresses_do_not_lock_the_account(users):
    fail("target", 99, ips=11)
    assert sign_in("target", PASSWORD, "192.0.2.77")[1]


def test_a_shared_address_cannot_lock_a_colleague_out(users):
    office = "198.51.100.10"
    for _ in range(10):
        sign_in("target", "wrong-password-guess", office)
    assert not sign_in("target", PASSWORD, office)[1]  # that username, from that address: locked for 15 minutes
    assert sign_in("colleague", PASSWORD, office)[1]  # the colleague at the same address: unaffected
    assert sign_in("target", PASSWORD, "198.51.100.11")[1]  # the same user elsewhere: unaffected


def test_unlocking_lifts_the_account_cap_too(users):
    fail("target", 100, ips=12)
    assert not sign_in("target", PASSWORD, "192.0.2.77")[1]
    assert user_unlock(actor=SYSTEM, username="target") > 0
    assert sign_in("target", PASSWORD, "192.0.2.77")[1]


def test_the_admin_page_shows_an_account_capped_user_as_locked(users, make_actor):
    from openmash.partnership.people_admin import _locked_usernames

    fail("target", 100, ips=12)
    assert _locked_usernames(["target", "colleague"]) == {"target"}
