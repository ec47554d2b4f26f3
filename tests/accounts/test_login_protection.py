"""Tenant logins lock out after ten failures for one account, or from one address, within the
window (django-axes); the eleventh attempt is refused even with the right password, and the
refusal looks the same whether or not the account exists."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY

from tests.conftest import PASSWORD
from tests.factories import UserFactory

LOCKED_TEXT = "Too many failed sign-in attempts. Try again in 15 minutes, or ask your admin."


def login(client, email, password, ip):
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def logged_in(response) -> bool:
    return "_auth_user_id" in response.wsgi_request.session


def fail_ten_times_from_ten_addresses(client, email):
    for i in range(10):
        login(client, email, "wrong-password", f"10.1.0.{i + 1}")


def test_the_11th_login_for_one_account_is_refused_even_with_the_right_password(tenants, people, web):
    client = web(tenants.alpha)
    fail_ten_times_from_ten_addresses(client, "mona@alpha.test")

    response = login(client, "mona@alpha.test", PASSWORD, "10.9.9.9")  # an address with no failures

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert not logged_in(response)
    # another account from the same addresses is not affected
    assert logged_in(login(client, "max@alpha.test", PASSWORD, "10.1.0.1"))


def test_nine_failures_leave_the_tenth_attempt_open(tenants, people, web):
    client = web(tenants.alpha)
    for i in range(9):
        assert login(client, "mona@alpha.test", "wrong-password", f"10.2.0.{i + 1}").status_code == 200
    assert logged_in(login(client, "mona@alpha.test", PASSWORD, "10.2.0.99"))


def test_the_11th_login_from_one_address_is_refused_even_with_the_right_password(tenants, people, web):
    client = web(tenants.alpha)
    for i in range(10):  # ten accounts, existing or not, one address
        login(client, f"guess{i}@alpha.test", "wrong-password", "10.3.0.1")

    response = login(client, "mona@alpha.test", PASSWORD, "10.3.0.1")

    assert response.status_code == 429
    assert not logged_in(response)
    assert logged_in(login(web(tenants.alpha), "mona@alpha.test", PASSWORD, "10.3.0.2"))


def test_a_locked_out_attempt_does_not_reveal_whether_the_account_exists(tenants, people, web):
    client = web(tenants.alpha)
    fail_ten_times_from_ten_addresses(client, "mona@alpha.test")
    fail_ten_times_from_ten_addresses(client, "nobody@alpha.test")

    existing = login(web(tenants.alpha), "mona@alpha.test", PASSWORD, "10.4.0.1")
    missing = login(web(tenants.alpha), "nobody@alpha.test", PASSWORD, "10.4.0.2")

    assert existing.status_code == missing.status_code == 429
    assert existing.content == missing.content
    assert b"mona" not in existing.content


def test_the_lockout_ends_with_the_window(tenants, people, web):
    client = web(tenants.alpha)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        fail_ten_times_from_ten_addresses(client, "mona@alpha.test")
        assert login(client, "mona@alpha.test", PASSWORD, "10.5.0.1").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert login(client, "mona@alpha.test", PASSWORD, "10.5.0.1").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert logged_in(login(client, "mona@alpha.test", PASSWORD, "10.5.0.1"))


def test_a_successful_login_clears_the_accounts_failures_only(tenants, people, web):
    client = web(tenants.alpha)
    for _ in range(9):
        login(client, "mona@alpha.test", "wrong-password", "10.6.0.1")
    assert logged_in(login(web(tenants.alpha), "mona@alpha.test", PASSWORD, "10.6.0.2"))
    # mona's nine are gone, so nine more are allowed before her tenth...
    for i in range(9):
        login(client, "mona@alpha.test", "wrong-password", f"10.6.1.{i + 1}")
    assert logged_in(login(web(tenants.alpha), "mona@alpha.test", PASSWORD, "10.6.2.1"))
    # ...but an address's failures against other accounts are not cleared by a login from it
    for i in range(9):
        login(client, f"guess{i}@alpha.test", "wrong-password", "10.6.3.1")
    assert logged_in(login(web(tenants.alpha), "max@alpha.test", PASSWORD, "10.6.3.1"))
    assert login(client, "guess9@alpha.test", "wrong-password", "10.6.3.1").status_code == 429
    assert login(web(tenants.alpha), "bob@alpha.test", PASSWORD, "10.6.3.1").status_code == 429


def test_a_lockout_in_one_tenant_does_not_lock_the_same_email_in_another(tenants, people, web, in_tenant):
    for tenant in (tenants.beta, tenants.alpha):
        in_tenant(tenant)
        UserFactory(email="sam@both.test", password=PASSWORD, role="agent")
    fail_ten_times_from_ten_addresses(web(tenants.alpha), "sam@both.test")

    assert login(web(tenants.alpha), "sam@both.test", PASSWORD, "10.7.0.1").status_code == 429
    assert logged_in(login(web(tenants.beta), "sam@both.test", PASSWORD, "10.7.0.1"))


def test_a_forged_forwarded_for_header_changes_nothing_without_a_trusted_proxy(tenants, people, web):
    client = web(tenants.alpha)
    for i in range(10):
        client.post(
            "/login/",
            {"username": f"guess{i}@alpha.test", "password": "x"},
            REMOTE_ADDR="10.8.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    response = client.post(
        "/login/",
        {"username": "mona@alpha.test", "password": PASSWORD},
        REMOTE_ADDR="10.8.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_address_it_appended_counts(tenants, people, web, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = web(tenants.alpha)
    proxy = "10.0.0.254"
    for i in range(10):
        # the attacker at 198.51.100.7 names the victim's address; the proxy appends the real one
        client.post(
            "/login/",
            {"username": f"guess{i}@alpha.test", "password": "x"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7",
        )

    victim = client.post(
        "/login/",
        {"username": "mona@alpha.test", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    attacker = web(tenants.alpha).post(
        "/login/",
        {"username": "max@alpha.test", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7",
    )
    assert logged_in(victim)
    assert attacker.status_code == 429


def test_tenant_pages_ignore_the_platform_second_factor(tenants, people, web):
    """django-otp's tables exist in the public schema only; a tenant session that somehow holds
    a device id must not make a tenant page query them."""
    client = web(tenants.alpha, people.ada)
    connection.set_tenant(tenants.alpha)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/1"
    session.save()

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200
    assert response.wsgi_request.user == people.ada
    assert not [q["sql"] for q in queries if "otp_" in q["sql"]]
