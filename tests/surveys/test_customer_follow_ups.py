"""Closed loop: low CSAT and NPS detractors open follow-ups for the agent's manager."""

from __future__ import annotations

import pytest
from django.utils import timezone

from surveys.models import FollowUp, SurveyResponse
from surveys.services import follow_ups_create_missing
from tests.factories import AgentFactory, SurveyResponseFactory


def answer(ext: str, kind: str, score: int, *, agent="alice.a", comment="") -> SurveyResponse:
    return SurveyResponseFactory(
        survey=kind,
        score=score,
        comment=comment,
        responded_at=timezone.now(),
        interaction__external_id=ext,
        interaction__agent=AgentFactory(acd_login=agent),
    )


@pytest.fixture
def answers(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    answer("csat-2", "csat", 2, comment="Waited forever")
    answer("nps-5", "nps", 5)
    answer("csat-3", "csat", 3)
    answer("nps-7", "nps", 7)
    answer("ces-1", "ces", 1)
    answer("bob-csat-1", "csat", 1, agent="bob.b", comment="Bob's customer")


def test_imported_detractors_get_one_follow_up_each_set_based(answers):
    assert follow_ups_create_missing() == 3
    assert set(FollowUp.objects.values_list("response__interaction__external_id", flat=True)) == {
        "csat-2",
        "nps-5",
        "bob-csat-1",
    }
    assert follow_ups_create_missing() == 0


def test_mona_sees_her_teams_follow_ups_and_closes_one_max_cannot(tenants, people, web, answers):
    follow_ups_create_missing()
    mona = web(tenants.alpha, people.mona)
    page = mona.get("/surveys/follow-ups/").content.decode()
    assert "Waited forever" in page and "csat-2" in page and "nps-5" in page
    assert "Bob&#x27;s customer" not in page and "bob-csat-1" not in page
    assert "/kpis/drilldown/?scope=agent&amp;key=alice.a" in page

    max_page = web(tenants.alpha, people.max).get("/surveys/follow-ups/").content.decode()
    assert "csat-2" not in max_page and "bob-csat-1" in max_page
    alices = FollowUp.objects.get(response__interaction__external_id="csat-2")
    assert (
        web(tenants.alpha, people.max).post(f"/surveys/follow-ups/{alices.pk}/done/", {"note": "x"}).status_code == 404
    )

    assert mona.post(f"/surveys/follow-ups/{alices.pk}/done/", {"note": "Called back, refunded"}).status_code == 302
    alices.refresh_from_db()
    assert (alices.status, alices.note, alices.closed_by) == ("done", "Called back, refunded", people.mona)
    assert "Called back, refunded" in mona.get("/surveys/follow-ups/?status=done").content.decode()
    assert "csat-2" not in mona.get("/surveys/follow-ups/").content.decode()


def test_admin_sees_all_and_agents_are_refused(tenants, people, web, answers):
    follow_ups_create_missing()
    page = web(tenants.alpha, people.ada).get("/surveys/follow-ups/").content.decode()
    assert "csat-2" in page and "bob-csat-1" in page
    assert web(tenants.alpha, people.alice).get("/surveys/follow-ups/").status_code == 403
