"""The survey pages in German (staff and the customer's page), and the customer's page in Spanish.

Staff pages: no English text of our catalogue left in what people read. The customer's page:
its fixed texts (heading, scale ends, button, errors, thanks) follow the customer's language,
while the question stays the admins' own wording in that language.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from interactions.models import InteractionType
from surveys.services import follow_ups_create_missing, invitation_get_or_create
from tests.factories import InteractionFactory
from tests.i18n_scan import untranslated

from .test_customer_api import survey
from .test_customer_follow_ups import answer as customer_answer
from .test_effort_pulse import answer as pulse_answer

WORDING = {
    "de": {"question": "Wie zufrieden waren Sie?", "follow_up_question": "Was können wir besser machen?"},
    "es": {"question": "¿Qué tan satisfecho quedaste?", "follow_up_question": "¿Qué podemos mejorar?"},
}


@pytest.fixture(autouse=True)
def in_german():
    with translation.override("de"):
        yield


@pytest.fixture
def invitation(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    csat = survey(
        "csat",
        question="How satisfied were you?",
        follow_up_question="What could we do better?",
        languages="en,de,es",
        translations=WORDING,
    )
    return invitation_get_or_create(survey=csat, interaction=InteractionFactory(external_id="g-1"))[0]


@pytest.fixture
def answered(people, invitation):
    customer_answer("csat-2", "csat", 2, comment="Zu lange gewartet")
    customer_answer("csat-5", "csat", 5)
    follow_ups_create_missing()
    InteractionType.objects.create(name="Billing")
    pulse_answer(people.alice.agent, effort=5)
    return people


def german(client, url: str, **params) -> str:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_staff_survey_pages_have_no_english_left(tenants, web, invitation, answered):
    manager, admin, agent = (web(tenants.alpha, who) for who in (answered.mona, answered.ada, answered.alice))
    pages = {
        "results": german(manager, reverse("survey_results")),
        "comments": german(manager, reverse("survey_comments")),
        "follow-ups": german(manager, reverse("survey_follow_ups")),
        "effort results": german(manager, reverse("effort_results")),
        "effort gap": german(manager, reverse("effort_gap")),
        "surveys": german(admin, reverse("survey_list")),
        "survey": german(admin, reverse("survey_edit", args=[invitation.survey_id])),
        "effort settings": german(admin, reverse("effort_settings")),
        "effort history": german(agent, reverse("effort_history")),
        "effort pulse": german(agent, reverse("effort_pulse")),
    }
    for name, html in pages.items():
        assert untranslated(html) == [], name
    assert "Umfrageergebnisse: CSAT" in pages["results"] and "Zu lange gewartet" in pages["follow-ups"]
    assert "Frage auf Deutsch (de)" in pages["survey"] and "Mein Aufwandsverlauf" in pages["effort history"]


def test_the_customers_page_in_german_has_no_english_left(tenants, web, invitation):
    client = web(tenants.alpha)
    url = f"/s/{invitation.token}/"
    with translation.override("en"):  # the customer's language decides, not the server's
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
        refused = client.post(url, {"lang": "de"}).content.decode()
        thanks = client.post(url, {"lang": "de", "score": "4"}).content.decode()
    assert WORDING["de"]["question"] in page and "Sehr unzufrieden" in page and "Antwort senden" in page
    assert "Bitte wählen Sie eine Bewertung." in refused
    assert "Vielen Dank!" in thanks
    for html in (page, refused, thanks):
        assert untranslated(html) == []


def test_the_customers_page_in_spanish_speaks_spanish(tenants, web, invitation):
    client = web(tenants.alpha)
    url = f"/s/{invitation.token}/"
    page = client.get(url, {"lang": "es"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page["Content-Language"] == "es" and '<html lang="es">' in html
    assert f"<legend>{WORDING['es']['question']}</legend>" in html
    assert '<h1 lang="es">¿Qué tal lo hicimos?</h1>' in html
    assert "1 = Muy insatisfecho" in html and "5 = Muy satisfecho" in html
    assert '<button type="submit" lang="es">Enviar mi respuesta</button>' in html
    assert "(opcional)" in html and "How did we do?" not in html and "Send my answer" not in html
    thanks = client.post(url, {"lang": "es", "score": "5"}).content.decode()
    assert "¡Gracias!" in thanks and "Alpha Care" in thanks
    assert "Ya recibimos tu respuesta" in client.get(url, {"lang": "es"}).content.decode()


def test_a_language_the_ui_lacks_keeps_english_fixed_texts_marked_as_english(tenants, people, web, in_tenant):
    in_tenant(tenants.alpha)
    french = survey(
        "csat", question="How satisfied were you?", languages="en,fr", translations={"fr": {"question": "Satisfait ?"}}
    )
    invitation = invitation_get_or_create(survey=french, interaction=InteractionFactory(external_id="g-2"))[0]
    html = web(tenants.alpha).get(f"/s/{invitation.token}/", {"lang": "fr"}).content.decode()
    assert '<html lang="fr">' in html and "<legend>Satisfait ?</legend>" in html
    assert '<h1 lang="en">How did we do?</h1>' in html
