"""The scorecard pages in German: no English text of our catalogue left in what people read.

Pages are filled (values, an insufficient one, a target, a trend, a setting change) so the
scan reads their cards, bands, tables and notes, not only empty states.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from scorecards.models import Target
from scorecards.targets import settings_update, target_set
from tests.i18n_scan import main_texts, untranslated
from tests.scorecards.test_scorecard_pages import AFTER_THE_WEEK, WEEK, snapshot

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture(autouse=True)
def in_german():
    with time_machine.travel(AFTER_THE_WEEK, tick=False), translation.override("de"):
        yield


@pytest.fixture
def filled(tenants, people):
    target_set(kpi="fcr", team=people.north, green=80, amber=70, effective_from=dt.date(2026, 1, 1), by=people.ada)
    target_set(kpi="csat", green=85, amber=75, effective_from=dt.date(2026, 1, 1), by=people.ada)
    snapshot("fcr", 82.0, ci=(74.2, 88.0))
    snapshot("fcr", 78.0, ci=(70.0, 85.0), start=WEEK - dt.timedelta(days=7))
    snapshot("csat", 70.0, n=200, ci=(63.3, 75.9))
    snapshot("nps", 44.0, n=12, insufficient=True)
    snapshot("aht", 500.0, ci=(480, 520))
    snapshot("fcr", 81.0, scope="agent", key="alice.a")
    snapshot("aht", 260.0, scope="agent", key="alice.a")
    snapshot("service_level", 81.5, scope="tenant", key="all", period="day", start=WEEK + dt.timedelta(days=8))
    settings_update(tenant=tenants.alpha, changes={"min_sample": 25}, by=people.ada)
    return people


def german(client, url: str, **params) -> str:
    response = client.get(url, params, **GERMAN)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_managers_pages_have_no_english_left(tenants, filled, web):
    client = web(tenants.alpha, filled.mona)
    scorecard = german(client, reverse("scorecard"))
    assert "Erstlösungsquote" in scorecard and "Grün: im Zielwert" in scorecard and "82,0 %" in scorecard
    pages = {
        "scorecard": scorecard,
        "month": german(client, reverse("scorecard"), period="month"),
        "agent": german(client, reverse("agent_scorecard", args=[filled.alice.agent.pk])),
        "drill-down": german(
            client, reverse("kpi_drilldown"), scope="team", key="North", period="week", start=WEEK, kpi="fcr"
        ),
        "operations": german(client, reverse("operations")),
        "staffing": german(client, reverse("staffing"), calls=100, aht_seconds=240, target_pct=80, target_seconds=20),
    }
    for name, html in pages.items():
        assert untranslated(html) == [], name
    assert "Benötigte Agents" in pages["staffing"] and "Woche vom" in pages["scorecard"]


def test_the_agents_own_scorecard_has_no_english_left(tenants, filled, web):
    html = german(web(tenants.alpha, filled.alice), reverse("my_scorecard"))
    assert "Ihre Scorecard" in html and "81,0 %" in html
    assert untranslated(html) == []


def test_the_admins_target_and_settings_pages_have_no_english_left(tenants, filled, web):
    client = web(tenants.alpha, filled.ada)
    target = Target.objects.get(kpi="fcr", team=filled.north)
    pages = {
        "targets": german(client, reverse("target_list")),
        "target": german(client, reverse("target_edit", args=[target.pk])),
        "settings": german(client, reverse("kpi_settings")),
    }
    for name, html in pages.items():
        assert untranslated(html) == [], name
    assert "KPI-Zielwerte" in pages["targets"] and "Mindeststichprobe" in pages["settings"]


def test_the_scan_finds_english_that_was_left(tenants, filled, web):
    # The scan itself: an English page read as if it were German shows the source strings.
    with translation.override("en"):
        html = web(tenants.alpha, filled.mona).get(reverse("scorecard")).content.decode()
    assert "North-star KPIs" in main_texts(html)
    assert {"North-star KPIs", "Green: on target", "First-contact resolution"} <= set(untranslated(html))
