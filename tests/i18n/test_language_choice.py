"""The language is the user's own: chosen once on the Preferences page, kept across logins
and browsers, and used for the emails sent to them."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import User
from common.formats import number, percent
from common.i18n import language_of, recipient_language
from tests.coaching.test_digest_smtp import free_port, smtp  # noqa: F401 - smtp is a fixture
from tests.conftest import PASSWORD


def login(web, tenant, email, **headers):
    client = web(tenant)
    response = client.post("/login/", {"username": email, "password": PASSWORD}, follow=True, **headers)
    assert response.wsgi_request.user.email == email
    return client


def test_the_language_chosen_persists_across_logins_and_is_nobody_elses(tenants, people, web):
    client = login(web, tenants.alpha, "alice@alpha.test")
    response = client.post("/account/preferences/", {"language": "de"}, follow=True)
    page = response.content.decode()
    assert "Einstellungen gespeichert." in page  # the confirmation already speaks German
    assert response["Content-Language"] == "de"
    client.post("/logout/")

    # a fresh browser that asks for English: her choice wins over Accept-Language
    fresh = login(web, tenants.alpha, "alice@alpha.test", HTTP_ACCEPT_LANGUAGE="en")
    response = fresh.get("/account/preferences/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "de"
    assert "<h1>Meine Einstellungen</h1>" in response.content.decode()
    assert '<option value="de" selected>' in response.content.decode()

    # another user, same browser language, is unaffected
    other = login(web, tenants.alpha, "bob@alpha.test", HTTP_ACCEPT_LANGUAGE="en")
    response = other.get("/account/preferences/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en" and "<h1>Preferences</h1>" in response.content.decode()


def test_no_choice_follows_the_browser_and_a_blank_choice_goes_back_to_it(tenants, people, web):
    client = web(tenants.alpha, people.mona)
    assert client.get("/account/preferences/", HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"
    client.post("/account/preferences/", {"language": "de"})
    assert client.get("/account/preferences/", HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "de"
    client.post("/account/preferences/", {"language": ""})
    people.mona.refresh_from_db()
    assert people.mona.language == ""
    assert client.get("/account/preferences/", HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"


def test_an_unknown_language_is_refused(tenants, people, web):
    response = web(tenants.alpha, people.mona).post("/account/preferences/", {"language": "fr"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    people.mona.refresh_from_db()
    assert people.mona.language == ""


def test_the_password_reset_email_speaks_the_account_language_not_the_browsers(tenants, people, web, smtp):  # noqa: F811
    people.alice.language = "es"
    people.alice.save(update_fields=["language"])
    web(tenants.alpha).post("/password/reset/", {"email": "alice@alpha.test"}, HTTP_ACCEPT_LANGUAGE="de")
    [message] = smtp.messages
    assert message["To"] == "alice@alpha.test"
    assert message["Subject"] == "Restablece tu contraseña de Callwell"
    body = message.get_content()
    assert "Alguien ha pedido restablecer la contraseña de Callwell de alice@alpha.test." in body
    assert re.search(r"http://alpha\.localhost\S*/password/reset/\S+/", body)


def test_an_invitation_created_by_an_english_admin_goes_out_in_the_invitees_language(tenants, people, web, smtp):  # noqa: F811
    client = web(tenants.alpha, people.ada)
    response = client.post(
        "/settings/users/",
        {"email": "neu@alpha.test", "role": "manager", "language": "de"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "neu@alpha.test was created" in response.content.decode()  # the admin reads English
    [message] = smtp.messages
    assert message["To"] == "neu@alpha.test"
    assert re.search(r"http://alpha\.localhost\S*/password/reset/\S+/", message.get_content())
    # stored, so that this and every later email to them is German (the invitation's wording
    # is templates/emails/invitation-*, translated with the other emails)
    assert User.objects.get(email="neu@alpha.test").language == "de"


def test_recipient_language_and_the_formats(people):
    people.alice.language = "de"
    assert language_of(people.alice) == "de" and language_of(people.bob) == settings.LANGUAGE_CODE
    with translation.override("en"):
        with recipient_language(people.alice):
            assert translation.get_language() == "de"
            assert percent(12.345, 1) == "12,3\u00a0%" and number(1234.5, 1) == "1.234,5"
        assert translation.get_language() == "en"
        assert percent(12.345, 1) == "12.3%" and number(1234.5, 1) == "1,234.5"
    with translation.override("es"):
        assert percent(80, 1) == "80,0\u00a0%"


@pytest.mark.parametrize("language", ["de", "es"])
def test_the_catalogue_is_complete_and_compiled(language, tmp_path):
    po = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    for option in ("--only-fuzzy", "--untranslated"):
        left = subprocess.run(["msgattrib", option, "--no-wrap", str(po)], capture_output=True, text=True, check=True)
        assert re.findall(r'^msgid "(.+)"$', left.stdout, re.M) == [], f"{option} entries in {po}"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), "run `make messages` and commit the .mo"
