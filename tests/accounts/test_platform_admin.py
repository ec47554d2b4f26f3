"""The platform admin (/admin/ on the public host): a password and the code of the staff
member's TOTP device (django-otp); ten failures for one account, or from one address, lock out
the eleventh attempt (django-axes), a wrong code counting as a failure."""

import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import platform_staff_create

STAFF_PASSWORD = "a-long-staff-passphrase-7"


@pytest.fixture
def staff(db, tenants):
    connection.set_schema_to_public()
    user, _uri = platform_staff_create(username="olga", email="olga@callwell.test", password=STAFF_PASSWORD)
    return user


def code(user, *, offset: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset * device.step
    return f"{totp.token():0{device.digits}d}"


def admin_login(username, password, otp_token, ip="10.20.0.1", client=None):
    client = client or Client(HTTP_HOST="localhost")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": otp_token},
        REMOTE_ADDR=ip,
    )
    return client, response


def wrong_code(user) -> str:
    right = {code(user, offset=o) for o in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def test_password_and_code_open_the_admin(staff):
    client, response = admin_login("olga", STAFF_PASSWORD, code(staff))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/tenants/tenant/").status_code == 200


def test_the_login_page_asks_for_the_code(staff):
    page = Client(HTTP_HOST="localhost").get("/admin/login/").content.decode()
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page


def test_the_password_alone_is_refused(staff):
    client, response = admin_login("olga", STAFF_PASSWORD, "")
    assert response.status_code == 200
    assert "authentication code" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # back to the login page


def test_a_wrong_code_is_refused_with_the_same_words_as_a_wrong_password(staff):
    _, wrong_token = admin_login("olga", STAFF_PASSWORD, wrong_code(staff))
    _, wrong_password = admin_login("olga", "not-the-password", code(staff), ip="10.20.0.2")
    assert wrong_token.status_code == wrong_password.status_code == 200
    errors = [r.context["form"].non_field_errors() for r in (wrong_token, wrong_password)]
    assert errors[0] == errors[1] and "authentication code" in errors[0][0]


def test_staff_without_a_device_cannot_get_in(staff):
    TOTPDevice.objects.filter(user=staff).delete()
    client, response = admin_login("olga", STAFF_PASSWORD, "123456")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_session_without_a_verified_device_is_not_staff_here(staff):
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)  # a password login that skipped the second factor
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_11th_login_for_one_account_is_refused_even_with_password_and_code(staff):
    bad = wrong_code(staff)
    for i in range(5):
        admin_login("olga", "not-the-password", "", ip=f"10.21.0.{i + 1}")
    for i in range(5):  # the right password with a wrong code is a failure too
        admin_login("olga", STAFF_PASSWORD, bad, ip=f"10.21.1.{i + 1}")

    client, response = admin_login("olga", STAFF_PASSWORD, code(staff), ip="10.21.9.9")

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_alone_lock_the_account(staff):
    bad = wrong_code(staff)
    for i in range(10):
        admin_login("olga", STAFF_PASSWORD, bad, ip=f"10.22.0.{i + 1}")
    _, response = admin_login("olga", STAFF_PASSWORD, code(staff), ip="10.22.9.9")
    assert response.status_code == 429


def test_the_11th_login_from_one_address_is_refused(staff):
    for i in range(10):
        admin_login(f"guess{i}", "not-the-password", "", ip="10.23.0.1")

    _, locked = admin_login("olga", STAFF_PASSWORD, code(staff), ip="10.23.0.1")
    _, elsewhere = admin_login("olga", STAFF_PASSWORD, code(staff, offset=1), ip="10.23.0.2")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_a_locked_out_attempt_does_not_reveal_whether_the_account_exists(staff):
    for name in ("olga", "nobody"):
        for i in range(10):
            admin_login(name, "not-the-password", "", ip=f"10.24.{len(name)}.{i + 1}")

    _, existing = admin_login("olga", STAFF_PASSWORD, code(staff), ip="10.24.9.1")
    _, missing = admin_login("nobody", STAFF_PASSWORD, code(staff), ip="10.24.9.2")

    assert existing.status_code == missing.status_code == 429
    assert existing.content == missing.content


def test_an_operator_creates_platform_staff_with_a_second_factor(db, tenants):
    out = io.StringIO()
    call_command("platform_staff_create", "--username", "pat", "--email", "Pat@Callwell.test", stdout=out)
    printed = out.getvalue()

    connection.set_schema_to_public()
    pat = User.objects.get(username="pat")
    assert (pat.email, pat.is_staff, pat.is_superuser, pat.role) == ("pat@callwell.test", True, True, "")
    [uri] = [line for line in printed.splitlines() if line.startswith("otpauth://totp/")]
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    device = TOTPDevice.objects.get(user=pat, confirmed=True)
    assert device.config_url == uri and secret
    password = printed.split("Password (shown once): ")[1].split()[0]
    assert pat.check_password(password)

    out = io.StringIO()
    call_command("platform_staff_create", "--username", "pat", "--new-device", stdout=out)
    [new_device] = TOTPDevice.objects.filter(user=pat)
    assert new_device.pk != device.pk and new_device.config_url in out.getvalue()
