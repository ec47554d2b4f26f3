"""The agent effort pulse: answering it once per period, being asked at login, own history.

alpha is in Europe/Berlin; alice (team North) and bob (team South) are its agents.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from interactions.models import InteractionType
from surveys.effort import effort_response_submit, effort_settings_update
from surveys.effort_selectors import effort_pulse_due, effort_pulse_settings
from surveys.models import EffortPulseSettings, EffortResponse

NOW = dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)  # a Wednesday
PULSE, HISTORY = "/surveys/effort/", "/surveys/effort/history/"
MIDDLEWARE = "surveys.middleware.EffortPulseMiddleware"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pulse_middleware(settings):
    """Active until the lead adds it to config/settings/base.py."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[: auth + 1], MIDDLEWARE, *settings.MIDDLEWARE[auth + 1 :]]


def answer(agent, effort=4, when=None, **extra):
    values = {"tools": None, "knowledge_base": None, "process": None, "hardest_types": [], "comment": ""}
    values.update(extra)
    return effort_response_submit(agent=agent, effort=effort, now=when, **values)


# --- the service ------------------------------------------------------------------------------


def test_an_agent_answers_and_a_second_answer_in_the_same_period_is_refused(people):
    alice = people.alice.agent
    billing = InteractionType.objects.create(name="Billing")
    first = answer(alice, 5, tools=3, process=6, hardest_types=[billing], comment=" slow CRM ")
    assert (first.effort, first.tools, first.knowledge_base, first.process) == (5, 3, None, 6)
    assert list(first.hardest_types.all()) == [billing] and first.comment == "slow CRM"
    with pytest.raises(ValidationError, match="already answered the effort pulse for this period"):
        answer(alice, 2, when=NOW + dt.timedelta(days=6, hours=23))
    assert EffortResponse.objects.count() == 1
    answer(alice, 2, when=NOW + dt.timedelta(days=7))  # the next period opens
    assert EffortResponse.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("effort", 0),
        ("effort", 8),
        ("effort", None),
        ("effort", "4.5"),
        ("tools", 9),
        ("process", 0),
        ("knowledge_base", -1),
    ],
)
def test_values_outside_one_to_seven_are_refused(people, field, value):
    values = {"effort": 4, field: value}
    with pytest.raises(ValidationError) as error:
        answer(people.alice.agent, **values)
    assert field in error.value.message_dict
    assert not EffortResponse.objects.exists()


def test_a_switched_off_pulse_is_not_due_and_refuses_answers(people):
    effort_settings_update(every_days=14, is_active=False)
    assert not effort_pulse_due(agent=people.alice.agent)
    with pytest.raises(ValidationError, match="switched off"):
        answer(people.alice.agent)


def test_reading_the_settings_writes_nothing_until_an_admin_saves_them(people):
    assert (effort_pulse_settings().every_days, effort_pulse_settings().is_active) == (7, True)
    assert effort_pulse_due(agent=people.alice.agent) and not EffortPulseSettings.objects.exists()
    effort_settings_update(every_days=14, is_active=True)
    effort_settings_update(every_days=21, is_active=False)
    assert list(EffortPulseSettings.objects.values_list("every_days", "is_active")) == [(21, False)]


def test_the_period_follows_the_settings(people):
    effort_settings_update(every_days=14, is_active=True)
    answer(people.alice.agent, when=NOW - dt.timedelta(days=10))
    assert not effort_pulse_due(agent=people.alice.agent)
    effort_settings_update(every_days=7, is_active=True)
    assert effort_pulse_due(agent=people.alice.agent)


# --- the pulse page and the middleware ---------------------------------------------------------


def test_the_pulse_page_is_accessible_and_an_answer_lands_where_the_agent_was_going(tenants, people, web):
    InteractionType.objects.create(name="Billing")
    client = web(tenants.alpha, people.alice)
    html = client.get(PULSE, {"next": "/kpis/me/"}).content.decode()
    assert html.count("<fieldset") == 5 and html.count("<legend>") == 5
    assert 'type="radio"' in html and "1 – very little effort" in html and "7 – a great deal of effort" in html
    assert 'type="checkbox"' in html and "Billing" in html
    response = client.post(PULSE, {"effort": "6", "tools": "2", "next": "/kpis/me/", "comment": "Long queue"})
    assert response.status_code == 302 and response["Location"] == "/kpis/me/"
    again = client.post(PULSE, {"effort": "3", "next": "/kpis/me/"})
    assert "already answered the pulse for this period" in again.content.decode()
    assert EffortResponse.objects.get().effort == 6


def test_the_pulse_refuses_a_missing_effort_and_foreign_next_urls(tenants, people, web):
    client = web(tenants.alpha, people.alice)
    html = client.post(PULSE, {"tools": "3"}).content.decode()
    assert "Choose how much effort it took" in html and not EffortResponse.objects.exists()
    response = client.post(PULSE, {"effort": "3", "next": "https://evil.example/"})
    assert response["Location"] == HISTORY


def test_the_middleware_asks_an_agent_once_and_not_after_not_now(tenants, people, web, pulse_middleware):
    client = web(tenants.alpha, people.alice, pulse=True)
    response = client.get("/kpis/me/")
    assert response.status_code == 302 and response["Location"] == f"{PULSE}?next=%2Fkpis%2Fme%2F"
    skipped = client.post(PULSE, {"skip": "1", "next": "/kpis/me/"})
    assert skipped["Location"] == "/kpis/me/"
    assert client.get("/").status_code == 200
    assert client.get("/kpis/me/").status_code == 200
    assert not EffortResponse.objects.exists()


def test_the_middleware_asks_once_per_session_even_without_an_answer(tenants, people, web, pulse_middleware):
    client = web(tenants.alpha, people.alice, pulse=True)
    assert client.get("/").status_code == 302
    assert client.get("/").status_code == 200
    # a new login is a new session: asked again
    assert web(tenants.alpha, people.alice, pulse=True).get("/").status_code == 302


def test_the_middleware_does_not_ask_after_an_answer(tenants, people, web, pulse_middleware):
    answer(people.alice.agent, when=NOW - dt.timedelta(days=2))
    assert web(tenants.alpha, people.alice, pulse=True).get("/").status_code == 200
    EffortResponse.objects.all().delete()
    answer(people.alice.agent, when=NOW - dt.timedelta(days=8))  # last period's answer: due again
    assert web(tenants.alpha, people.alice, pulse=True).get("/").status_code == 302


def test_the_middleware_never_asks_managers_admins_api_calls_or_assets(tenants, people, web, api, pulse_middleware):
    for user in (people.mona, people.ada):
        assert web(tenants.alpha, user, pulse=True).get("/").status_code == 200
    client = web(tenants.alpha, people.alice, pulse=True)
    assert client.get("/api/v1/kpis/?scope=agent&period=week&start=2026-03-02&end=2026-03-08").status_code == 200
    assert client.get("/", HTTP_ACCEPT="application/json").status_code == 200
    assert client.get(PULSE).status_code == 200
    assert client.get("/").status_code == 302  # the first HTML page after those is still asked


def test_agents_see_only_their_own_history(tenants, people, web):
    answer(people.alice.agent, 3, comment="alice-own-words")
    answer(people.bob.agent, 6, comment="bob-private-words")
    html = web(tenants.alpha, people.alice).get(HISTORY, {"agent": people.bob.agent.pk}).content.decode()
    assert "alice-own-words" in html and "bob-private-words" not in html
    assert 'id="effort-chart"' in html and "effort-data" in html
    for user in (people.mona, people.ada):
        assert web(tenants.alpha, user).get(HISTORY).status_code == 403
        assert web(tenants.alpha, user).get(PULSE).status_code == 403


def test_settings_are_for_admins(tenants, people, web):
    assert web(tenants.alpha, people.mona).get("/surveys/effort/settings/").status_code == 403
    client = web(tenants.alpha, people.ada)
    response = client.post("/surveys/effort/settings/", {"every_days": "14"})
    assert response.status_code == 302
    html = client.get("/surveys/effort/settings/").content.decode()
    assert 'value="14"' in html and 'name="is_active"' in html and "checked" not in html
    assert client.post("/surveys/effort/settings/", {"every_days": "0"}).status_code == 200
