"""The public response page: tokens, one answer per invitation, friendly errors, rate limit."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from surveys.models import FollowUp, SurveyInvitation, SurveyResponse
from surveys.services import invitation_get_or_create, invitation_token
from tests.factories import InteractionFactory

from .test_customer_api import survey


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invitation(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    csat = survey(
        "csat",
        follow_up_question="What could we do better?",
        languages="en,de",
        translations={"de": {"question": "Wie war es?", "follow_up_question": "Was können wir besser machen?"}},
    )
    return invitation_get_or_create(survey=csat, interaction=InteractionFactory(external_id="p-1"))[0]


def test_tokens_are_long_random_and_distinct():
    tokens = {invitation_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) == 43 for t in tokens)
    # 43 characters of a 64-symbol alphabet: 258 bits of entropy (256 from the bytes).
    assert 43 * math.log2(64) >= 256


def test_customer_sees_the_question_and_tenant_and_answers_once(tenants, web, invitation):
    client = web(tenants.alpha)
    url = f"/s/{invitation.token}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alpha Care" in html and "How was it?" in html and "<legend>" in html
    assert 'name="viewport"' in html and 'type="radio"' in html and "What could we do better?" in html
    assert page["Referrer-Policy"] == "no-referrer"

    done = client.post(url, {"score": "5", "comment": "Quick and kind"}, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert done.status_code == 200 and "Vielen Dank!" in done.content.decode()  # in the language answered in
    response = SurveyResponse.objects.get()
    assert (response.score, response.source, response.invitation_id, response.language, response.survey) == (
        5,
        "link",
        invitation.pk,
        "de",
        "csat",
    )
    assert response.comment == "Quick and kind"

    again = client.post(url, {"score": "1", "comment": "changed my mind"})
    assert again.status_code == 200 and "already received" in again.content.decode()
    assert SurveyResponse.objects.get().score == 5
    assert "already received" in client.get(url).content.decode()


def test_an_out_of_range_or_missing_score_is_a_form_error(tenants, web, invitation):
    client = web(tenants.alpha)
    for data in ({"score": "9"}, {}):
        response = client.post(f"/s/{invitation.token}/", data)
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_expired_link_is_a_friendly_410(tenants, web, invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = web(tenants.alpha)
    for response in (client.get(f"/s/{invitation.token}/"), client.post(f"/s/{invitation.token}/", {"score": "4"})):
        assert response.status_code == 410
        assert "expired" in response.content.decode() and "Traceback" not in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_unknown_and_other_tenants_tokens_are_404(tenants, people, web, invitation, in_tenant):
    assert web(tenants.alpha).get("/s/not-a-token/").status_code == 404
    in_tenant(tenants.beta)
    response = web(tenants.beta).get(f"/s/{invitation.token}/")
    assert response.status_code == 404 and "could not find" in response.content.decode()
    assert web(tenants.beta).post(f"/s/{invitation.token}/", {"score": "1"}).status_code == 404
    in_tenant(tenants.alpha)
    assert not SurveyResponse.objects.exists()


def test_low_csat_opens_a_follow_up_from_the_link(tenants, web, invitation):
    web(tenants.alpha).post(f"/s/{invitation.token}/", {"score": "2", "comment": "Rude"})
    follow_up = FollowUp.objects.get()
    assert follow_up.response.score == 2 and follow_up.status == "open"


def test_an_imported_answer_for_the_same_contact_counts_as_already_received(tenants, web, invitation):
    SurveyResponse.objects.create(
        interaction=invitation.interaction, survey="csat", score=3, responded_at=timezone.now(), source="import"
    )
    response = web(tenants.alpha).post(f"/s/{invitation.token}/", {"score": "5"})
    assert response.status_code == 200 and "already received" in response.content.decode()
    assert SurveyResponse.objects.get().score == 3


@override_settings(SURVEY_RATE_LIMITS={"answer": (3, 600), "view": (100, 600), "miss": (5, 600)})
def test_rate_limit_answers_429_after_n_posts_and_throttles_token_scanning(tenants, web, invitation):
    client = web(tenants.alpha)
    codes = [client.post(f"/s/{invitation.token}/", {"score": "4"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert SurveyResponse.objects.count() == 1
    scans = [client.get(f"/s/guess-{i}/").status_code for i in range(7)]
    assert scans[:5] == [404] * 5 and scans[5:] == [429, 429]


def test_thirty_unknown_tokens_from_one_address_do_not_block_a_valid_link_from_it(tenants, web, invitation):
    """A load balancer's one address: a scanner spends the budget for unknown tokens (default
    30 in 10 minutes), the customers behind the same address still open and answer their links."""
    client = web(tenants.alpha)
    scans = [client.get(f"/s/guess-{i}/", REMOTE_ADDR="10.0.0.9").status_code for i in range(31)]
    assert scans[:30] == [404] * 30 and scans[30] == 429
    assert client.get(f"/s/{invitation.token}/", REMOTE_ADDR="10.0.0.9").status_code == 200
    done = client.post(f"/s/{invitation.token}/", {"score": "4"}, REMOTE_ADDR="10.0.0.9")
    assert done.status_code == 200 and SurveyResponse.objects.count() == 1
    assert client.get("/s/guess-again/", REMOTE_ADDR="10.0.0.9").status_code == 429


@override_settings(SURVEY_RATE_LIMITS={"answer": (3, 600), "view": (100, 600), "miss": (3, 600)})
def test_expired_links_spend_the_scanning_budget(tenants, web, invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = web(tenants.alpha)
    codes = [client.get(f"/s/{invitation.token}/").status_code for _ in range(4)]
    assert codes == [410, 410, 410, 429]


@override_settings(SURVEY_RATE_LIMITS={"answer": (3, 600), "view": (100, 600), "miss": (3, 600)})
def test_behind_a_trusted_proxy_the_scanning_budget_is_the_clients_own(tenants, web, invitation, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = web(tenants.alpha)
    proxy = "10.0.0.254"
    for i in range(3):  # the scanner names someone else's address; the proxy appends its real one
        client.get(f"/s/guess-{i}/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
    scanner = client.get("/s/guess-x/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
    neighbour = client.get("/s/guess-y/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert (scanner.status_code, neighbour.status_code) == (429, 404)
