"""The customer's survey page speaks the customer's language, not that of whoever is logged in."""

from tests.surveys.test_customer_languages import invitation  # noqa: F401 - a fixture


def test_the_survey_page_follows_the_customers_choice_over_a_logged_in_users(tenants, people, web, invitation):  # noqa: F811
    people.mona.language = "es"
    people.mona.save(update_fields=["language"])
    client = web(tenants.alpha, people.mona)
    assert client.get(f"/s/{invitation.token}/?lang=de")["Content-Language"] == "de"
    assert client.get(f"/s/{invitation.token}/?lang=en")["Content-Language"] == "en"
    # the thanks page after the answer too (the form carries the language shown)
    done = client.post(f"/s/{invitation.token}/", {"score": "4", "lang": "de"}, HTTP_ACCEPT_LANGUAGE="es")
    assert done.status_code == 200 and done["Content-Language"] == "de"
    # her own pages stay Spanish
    assert client.get("/account/preferences/")["Content-Language"] == "es"
