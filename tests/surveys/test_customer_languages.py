"""Survey wording per language: the admin form asks for every listed language's question, the
public page answers in the customer's language and records it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from surveys.models import DEFAULT_QUESTIONS, Survey, SurveyResponse
from surveys.services import invitation_get_or_create
from tests.factories import InteractionFactory

from .test_customer_api import survey

GERMAN = {"question": "Wie zufrieden waren Sie?", "follow_up_question": "Was können wir besser machen?"}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _definition(**fields) -> dict:
    data = {
        "kind": "csat",
        "name": "After call",
        "languages": "en",
        "question": "How satisfied were you?",
        "follow_up_question": "",
        "sample_pct": "20",
        "sample_pct_by_channel": "{}",
        "sample_pct_by_queue": "{}",
        "cooldown_days": "30",
        "link_valid_days": "7",
    }
    data.update(fields)
    return data


@pytest.fixture
def admin(tenants, people, web, in_tenant):
    in_tenant(tenants.alpha)
    return web(tenants.alpha, people.ada)


def test_a_listed_language_without_a_question_is_refused_and_its_fields_appear(admin):
    page = admin.post("/surveys/", _definition(languages="en, de, fr", question_de=GERMAN["question"]))
    html = page.content.decode()
    assert page.status_code == 200 and not Survey.objects.exists()
    assert "Enter the question in French" in html
    # Every further language has labelled fields of its own, the entered wording kept.
    assert '<label for="id_question_fr">Question in French (fr)' in html
    assert '<label for="id_follow_up_question_fr">Follow-up question in French (fr)' in html
    assert f'value="{GERMAN["question"]}"' in html
    assert 'name="shown_languages" value="en,de,fr"' in html

    done = admin.post(
        "/surveys/",
        _definition(
            languages="en, de, fr",
            question_de=GERMAN["question"],
            question_fr="Étiez-vous satisfait ?",
            shown_languages="en,de,fr",
        ),
    )
    assert done.status_code == 302, done.content.decode()
    saved = Survey.objects.get()
    assert saved.languages == "en,de,fr" and saved.question == "How satisfied were you?"
    assert saved.translations == {
        "de": {"question": GERMAN["question"], "follow_up_question": ""},
        "fr": {"question": "Étiez-vous satisfait ?", "follow_up_question": ""},
    }


def test_edit_adds_a_language_then_shows_and_saves_its_wording(admin):
    csat = survey("csat", question="How satisfied were you?")
    first = admin.get(f"/surveys/{csat.pk}/").content.decode()
    assert "Question in English (en)" in first and "id_question_de" not in first

    added = admin.post(f"/surveys/{csat.pk}/", _definition(languages="en,de", shown_languages="en"))
    assert added.status_code == 200 and "Enter the question in German" in added.content.decode()
    assert '<label for="id_question_de">Question in German (de)' in added.content.decode()

    assert (
        admin.post(
            f"/surveys/{csat.pk}/",
            _definition(
                languages="en,de",
                shown_languages="en,de",
                follow_up_question="What could we do better?",
                question_de=GERMAN["question"],
                follow_up_question_de=GERMAN["follow_up_question"],
            ),
        ).status_code
        == 302
    )
    csat.refresh_from_db()
    assert csat.translations == {"de": GERMAN}
    assert f'value="{GERMAN["question"]}"' in admin.get(f"/surveys/{csat.pk}/").content.decode()


def test_english_falls_back_to_the_standard_wording_and_no_other_language_does(admin):
    refused = admin.post("/surveys/", _definition(languages="de,en", question=""))
    assert refused.status_code == 200 and "Enter the question in German" in refused.content.decode()
    assert (
        admin.post("/surveys/", _definition(languages="de,en", question=GERMAN["question"], question_en="")).status_code
        == 302
    )
    saved = Survey.objects.get()
    assert saved.question == GERMAN["question"]
    assert saved.translations == {"en": {"question": DEFAULT_QUESTIONS["csat"], "follow_up_question": ""}}


def test_a_follow_up_question_is_asked_in_every_language_or_none(admin):
    missing = admin.post(
        "/surveys/",
        _definition(languages="en,de", question_de=GERMAN["question"], follow_up_question="What could we do better?"),
    )
    assert missing.status_code == 200 and "Enter the follow-up question in German too" in missing.content.decode()
    only_german = admin.post(
        "/surveys/",
        _definition(
            languages="en,de",
            **{"question_de": GERMAN["question"], "follow_up_question_de": GERMAN["follow_up_question"]},
        ),
    )
    assert only_german.status_code == 200 and "Enter the follow-up question in English" in only_german.content.decode()
    assert not Survey.objects.exists()


def test_reordering_the_languages_keeps_each_wording_with_its_language(admin):
    csat = survey(
        "csat",
        question="How satisfied were you?",
        languages="en,de",
        translations={"de": GERMAN},
        follow_up_question="What could we do better?",
    )
    # The page showed the English wording in the main fields and the German one below.
    response = admin.post(
        f"/surveys/{csat.pk}/",
        _definition(
            languages="de,en",
            shown_languages="en,de",
            question="How satisfied were you?",
            follow_up_question="What could we do better?",
            question_de=GERMAN["question"],
            follow_up_question_de=GERMAN["follow_up_question"],
        ),
    )
    assert response.status_code == 302, response.content.decode()
    csat.refresh_from_db()
    assert (csat.languages, csat.question, csat.follow_up_question) == (
        "de,en",
        GERMAN["question"],
        GERMAN["follow_up_question"],
    )
    assert csat.translations == {
        "en": {"question": "How satisfied were you?", "follow_up_question": "What could we do better?"}
    }


@pytest.fixture
def invitation(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    csat = survey(
        "csat",
        question="How satisfied were you?",
        follow_up_question="What could we do better?",
        languages="en,de",
        translations={"de": GERMAN},
    )
    return invitation_get_or_create(survey=csat, interaction=InteractionFactory(external_id="l-1"))[0]


def test_the_page_speaks_german_for_an_accept_language_of_de(tenants, web, invitation):
    page = web(tenants.alpha).get(f"/s/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.8")
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="de">' in html
    assert f"<legend>{GERMAN['question']}</legend>" in html and GERMAN["follow_up_question"] in html
    assert "How satisfied were you?" not in html
    # The fixed texts are German too, and say so.
    assert (
        '<h1 lang="de">Wie waren wir?</h1>' in html
        and '<button type="submit" lang="de">Antwort senden</button>' in html
    )
    assert "Accept-Language" in page["Vary"]
    # q-values count, not the order: English is wanted least here.
    assert (
        GERMAN["question"]
        in web(tenants.alpha)
        .get(f"/s/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="en;q=0.1, fr, de;q=0.5")
        .content.decode()
    )


def test_lang_parameter_chooses_and_links_switch_between_languages(tenants, web, invitation):
    client = web(tenants.alpha)
    html = client.get(f"/s/{invitation.token}/?lang=de", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in html and GERMAN["question"] in html
    assert 'href="?lang=en" hreflang="en" lang="en"' in html and ">English</a>" in html
    assert 'href="?lang=de" hreflang="de" lang="de" aria-current="true">Deutsch</a>' in html
    # A language that is not offered is ignored.
    assert "How satisfied were you?" in client.get(f"/s/{invitation.token}/?lang=fr").content.decode()


def test_without_a_preference_the_first_language_is_used(tenants, web, invitation):
    html = web(tenants.alpha).get(f"/s/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="fr-FR").content.decode()
    assert '<html lang="en">' in html and "<legend>How satisfied were you?</legend>" in html
    assert GERMAN["question"] not in html


def test_the_response_records_the_language_it_was_given_in(tenants, web, invitation):
    client = web(tenants.alpha)
    page = client.get(f"/s/{invitation.token}/?lang=de").content.decode()
    assert '<input type="hidden" name="lang" value="de">' in page
    # The form carries the language shown, whatever the browser says on submit.
    done = client.post(
        f"/s/{invitation.token}/", {"score": "4", "comment": "Schnell", "lang": "de"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert done.status_code == 200 and "Vielen Dank!" in done.content.decode()  # thanks in the answer's language
    response = SurveyResponse.objects.get()
    assert (response.language, response.comment) == ("de", "Schnell")


def test_a_language_without_its_wording_is_not_offered(tenants, people, web, in_tenant):
    in_tenant(tenants.alpha)
    csat = survey("csat", question="How satisfied were you?", languages="en,de")  # listed before this feature
    invitation = invitation_get_or_create(survey=csat, interaction=InteractionFactory(external_id="l-2"))[0]
    client = web(tenants.alpha)
    html = client.get(f"/s/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in html and "How satisfied were you?" in html
    assert "?lang=" not in html  # one language: no links to switch
    client.post(f"/s/{invitation.token}/", {"score": "5"}, HTTP_ACCEPT_LANGUAGE="de")
    assert SurveyResponse.objects.get().language == "en"
