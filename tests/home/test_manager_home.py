"""The manager's "Needs you today": each item of her own teams, with its link, and gone once
dealt with; nothing of another team's."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.sessions import action_item_add, action_item_done, coaching_session_create
from qa.services import dispute_decide
from scorecards.models import KpiSnapshot
from surveys.services import follow_up_close


def home(web, tenants, user):
    response = web(tenants.alpha, user).get("/")
    assert response.status_code == 200
    return response, response.content.decode()


def test_mona_sees_norths_items_each_with_its_link_and_none_of_souths(home_items, people, tenants, web):
    response, page = home(web, tenants, people.mona)
    north, south = home_items.north, home_items.south
    for marker in ("north-action-item", "north-unhappy", reverse("signal", args=[north.signal.pk])):
        assert marker in page
    assert reverse("coaching_session", args=[north.session.pk]) in page  # overdue item and unacknowledged
    for marker in ("south-action-item", "south-unhappy", reverse("signal", args=[south.signal.pk])):
        assert marker not in page
    assert reverse("coaching_session", args=[south.session.pk]) not in page
    needs = response.context["needs"]
    assert [d.pk for d in needs.sections["disputes"].rows] == [north.dispute.pk]
    assert [s.pk for s in needs.sections["unacknowledged"].rows] == [north.session.pk]
    assert [(line.code, line.group) for line in needs.kpis_off_target] == [("fcr", "North")]
    assert 'id="home-disputes"' in page and reverse("qa_disputes") in page


def test_max_sees_only_souths(home_items, people, tenants, web):
    response, page = home(web, tenants, people.max)
    assert "south-action-item" in page and "north-action-item" not in page
    needs = response.context["needs"]
    assert [d.pk for d in needs.sections["disputes"].rows] == [home_items.south.dispute.pk]
    assert [line.group for line in needs.kpis_off_target] == ["South"]


def test_an_off_target_kpi_shows_n_interval_and_whether_the_change_is_significant(home_items, people, tenants, web):
    _, page = home(web, tenants, people.mona)
    assert "First-contact resolution" in page and "off target" in page
    assert "40.0 % – 60.0 %" in page and ">80<" in page  # the interval and n
    # 50 % (40–60) after 55 % (45–65): the intervals overlap
    assert "not a significant change (last week 55.0 %)" in page
    KpiSnapshot.objects.filter(scope="team", key="North", period_start=home_items.week).update(
        value=30.0, ci_low=25.0, ci_high=35.0
    )
    _, page = home(web, tenants, people.mona)
    assert "worse than last week (55.0 %)" in page and "not a significant change" not in page


def test_each_item_disappears_once_dealt_with(home_items, people, tenants, web):
    north = home_items.north
    coaching_session_create(agent=people.alice.agent, by=people.mona, signal=north.signal)
    action_item_done(item=north.item, by=people.alice)
    dispute_decide(dispute=north.dispute, by=people.mona, decision="rejected", note="the recording says otherwise")
    follow_up_close(follow_up=north.follow_up, by=people.mona, note="called back")
    KpiSnapshot.objects.filter(scope="team", key="North", period_start=home_items.week).update(value=85.0)
    response, page = home(web, tenants, people.mona)
    needs = response.context["needs"]
    for key in ("signals", "overdue_actions", "disputes", "follow_ups"):
        assert needs.sections[key].rows == [], key
    assert needs.kpis_off_target == []
    assert "north-action-item" not in page and "north-unhappy" not in page
    # the session created from the signal is planned with no date: it now waits to be held
    assert [s.signal_id for s in needs.sections["sessions_due"].rows] == [north.signal.pk]


def test_a_manager_with_nothing_waiting_gets_the_empty_state(people, tenants, web):
    _, page = home(web, tenants, people.mona)
    assert 'id="nothing-needs-you"' in page
    assert "Nothing needs you today" in page


def test_the_page_reads_a_fixed_number_of_queries_however_many_items_wait(home_items, people, tenants, web):
    client = web(tenants.alpha, people.mona)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(8):
        action_item_add(
            session=home_items.north.session,
            by=people.mona,
            description=f"more-{n}",
            owner=people.alice,
            due_on=home_items.north.item.due_on,
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/").content.decode()
    assert len(many) == len(few) <= 25
    assert "See all" in page  # more overdue items than the page lists
