"""Operations and Staffing pages: the numbers, local time, the calculator, who may look.

alpha is in Europe/Berlin (UTC+1 in February and March before the 29th).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Agent
from interactions.models import Interaction, Queue, ScheduleEntry
from scorecards.calculators import staffing_required
from scorecards.models import KpiSnapshot

UTC = dt.UTC
OPERATIONS, STAFFING = "/kpis/operations/", "/kpis/staffing/"


def at(text: str) -> dt.datetime:
    """A UTC instant: at("2026-03-02 07:15")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def contacts(*specs, queue=None):
    """specs: (offered_at UTC text, outcome[, wait seconds[, handle seconds]])."""
    rows = []
    for i, (offered, outcome, *rest) in enumerate(specs):
        wait, handle = (rest + [10, 180])[:2] if rest else (10, 180)
        offered_at = at(offered)
        end = offered_at + dt.timedelta(seconds=wait)
        rows.append(
            Interaction(
                external_id=f"c-{queue.name if queue else 'x'}-{i}-{offered}",
                offered_at=offered_at,
                outcome=outcome,
                queue=queue,
                answered_at=end if outcome == "answered" else None,
                ended_at=end + dt.timedelta(seconds=handle) if outcome == "answered" else end,
                talk_seconds=handle if outcome == "answered" else 0,
            )
        )
    Interaction.objects.bulk_create(rows)


def snapshot(
    kpi,
    value,
    *,
    period="day",
    start=dt.date(2026, 3, 2),
    scope="tenant",
    key="all",
    n=120,
    ci=(None, None),
    numerator=None,
    insufficient=False,
):
    return KpiSnapshot.objects.create(
        kpi=kpi,
        scope=scope,
        key=key,
        period=period,
        period_start=start,
        value=value,
        numerator=numerator,
        denominator=None,
        n=n,
        ci_low=ci[0],
        ci_high=ci[1],
        insufficient_data=insufficient,
        computed_at=timezone.now(),
    )


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


# --- Operations ----------------------------------------------------------------------------


def test_operations_shows_the_engines_values_with_n_and_interval(tenants, people, web):
    snapshot("service_level", 83.3, ci=(75.1, 89.0))
    snapshot("asa", 14.2, ci=(11.0, 17.4))
    snapshot("abandonment_rate", 4.0, n=12, insufficient=True)
    snapshot("longest_wait", 245)
    snapshot("peak_hour", 9, numerator=17)
    snapshot("arrivals", 130)
    snapshot("service_level", 50.0, start=dt.date(2026, 3, 3))  # another day: not shown

    _, html = page(web(tenants.alpha, people.mona), OPERATIONS, period="day", date="2026-03-02")

    assert "83.3 %" in html and "n = 120" in html and "75.1 % – 89.0 %" in html
    assert "14 s" in html and "11 s – 17 s" in html
    assert "Insufficient data" in html and "n = 12, fewer than the 30 needed" in html
    assert "4.0 %" not in html  # an insufficient value is not shown as if it were one
    assert "4 min 05 s" in html and "09:00–10:00" in html and "17 arrivals" in html
    assert "50.0 %" not in html


def test_arrivals_are_counted_by_local_hour_and_day(tenants, people, web):
    contacts(
        ("2026-03-01 23:30", "answered"),  # 00:30 on Monday 2 March in Berlin
        ("2026-03-02 07:15", "answered"),  # 08:15
        ("2026-03-02 07:40", "abandoned", 2),  # 08:40, a short abandon still arrived
        ("2026-03-02 08:05", "blocked", 0),  # 09:05, refused, but it arrived
        ("2026-03-02 08:10", "callback"),  # never reached the queue
        ("2026-03-02 22:59", "answered"),  # 23:59
        ("2026-03-02 23:30", "answered"),  # 00:30 on Tuesday: another day
    )

    response, html = page(web(tenants.alpha, people.ada), OPERATIONS, period="day", date="2026-03-02")

    counts = {row["hour"]: row["count"] for row in response.context["arrivals"]}
    assert {h: n for h, n in counts.items() if n} == {0: 1, 8: 2, 9: 1, 23: 1}
    assert response.context["arrivals_total"] == 5
    assert 'id="arrivals-chart"' in html and 'id="arrivals-table"' in html
    assert 'id="arrivals-data"' in html and "vendor/chart.js/chart.umd.min.js" in html
    assert 'id="kpis-pending"' in html  # contacts, but the engine has not run yet


def test_a_week_starts_on_monday_and_a_queue_filters_contacts_and_snapshots(tenants, people, web):
    billing, sales = Queue.objects.create(name="Billing"), Queue.objects.create(name="Sales")
    contacts(("2026-03-04 09:00", "answered"), ("2026-03-08 22:30", "answered"), queue=billing)
    contacts(("2026-03-04 09:00", "answered"), queue=sales)
    contacts(("2026-03-08 23:30", "answered"), queue=billing)  # Monday 9 March locally
    snapshot("service_level", 91.5, period="week", scope="queue", key="Billing")
    snapshot("service_level", 70.0, period="week")

    response, html = page(
        web(tenants.alpha, people.mona), OPERATIONS, period="week", date="2026-03-05", queue="Billing"
    )

    assert response.context["start"] == dt.date(2026, 3, 2)
    assert 'name="date" value="2026-03-02"' in html  # the picker shows the week's Monday
    assert response.context["arrivals_total"] == 2
    assert "91.5 %" in html and "70.0 %" not in html


def test_a_bad_date_is_explained_and_the_default_period_shown(tenants, people, web):
    response, html = page(web(tenants.alpha, people.mona), OPERATIONS, period="day", date="2026-02-30")
    assert "Enter a valid date." in html
    assert response.context["start"] == timezone.localdate(timezone=tenants.alpha.tz) - dt.timedelta(days=1)


def test_the_default_period_is_yesterday_and_last_week_in_the_tenants_timezone(tenants, people, web):
    client = web(tenants.alpha, people.mona)
    # 23:30 UTC on Monday 2 March is already Tuesday in Berlin: yesterday is the Monday.
    with time_machine.travel(at("2026-03-02 23:30"), tick=False):
        assert client.get(OPERATIONS).context["start"] == dt.date(2026, 3, 2)
        assert client.get(OPERATIONS, {"period": "week"}).context["start"] == dt.date(2026, 2, 23)


def test_an_empty_period_says_so(tenants, people, web):
    _, html = page(web(tenants.alpha, people.ada), OPERATIONS, period="day", date="2026-03-02")
    assert 'id="operations-empty"' in html and "No contacts arrived" in html
    assert "chart.umd.min.js" not in html


def test_the_operations_page_reads_in_a_fixed_number_of_queries(tenants, people, web):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(5):
        Queue.objects.create(name=f"Queue {i}")
    contacts(*[(f"2026-03-02 {h:02d}:10", "answered") for h in range(24)])
    for kpi in ("service_level", "asa", "abandonment_rate", "longest_wait", "arrivals", "peak_hour"):
        snapshot(kpi, 10)
    client = web(tenants.alpha, people.ada)
    with CaptureQueriesContext(connection) as queries:
        page(client, OPERATIONS, period="day", date="2026-03-02")
    statements = [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]
    # the tenant's domain and tenant, session, user; then snapshots, arrivals, queue choices
    assert len(statements) == 7, statements


# --- Staffing ------------------------------------------------------------------------------


def schedule(agent, *spans):
    """spans: (start UTC text, end UTC text, activity)."""
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(agent=agent, start=at(s), end=at(e), activity=a) for s, e, a in spans
    )


MONDAYS = ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16"]  # the 4 complete weeks


@time_machine.travel(dt.datetime(2026, 3, 25, 12, tzinfo=UTC), tick=False)  # a Wednesday
def test_staffing_plans_each_hour_with_erlang_c_against_the_schedule(tenants, people, web):
    # Mondays 09:00–10:00 local (08:xx UTC): 30 answered contacts a week of 200 s, 10 s wait.
    for monday in MONDAYS:
        contacts(*[(f"{monday} 08:{m:02d}", "answered", 10, 200) for m in range(0, 60, 2)])
    contacts(("2026-03-01 23:30", "answered", 10, 200))  # Monday 2 March 00:30 local
    contacts(("2026-03-23 08:00", "answered", 10, 9999))  # this week: not complete, not used
    alice, bob = Agent.objects.get(acd_login="alice.a"), Agent.objects.get(acd_login="bob.b")
    for monday in MONDAYS:  # alice works 09–12 local with a break 10:00–10:15
        schedule(
            alice,
            (f"{monday} 08:00", f"{monday} 09:00", "work"),
            (f"{monday} 09:00", f"{monday} 09:15", "break"),
            (f"{monday} 09:15", f"{monday} 11:00", "work"),
        )
    for monday in MONDAYS[:2]:  # bob works 09–10 local in two of the four weeks
        schedule(bob, (f"{monday} 08:00", f"{monday} 09:00", "work"))

    response, html = page(web(tenants.alpha, people.mona), STAFFING)

    plan = response.context["plan"]
    assert (plan.first_day, plan.last_day) == (dt.date(2026, 2, 23), dt.date(2026, 3, 22))
    assert plan.aht_seconds == 200 and plan.handled == 121
    monday_9, monday_10, monday_0 = plan.hours[9], plan.hours[10], plan.hours[0]
    assert (monday_9.weekday, monday_9.hour, monday_9.arrivals) == (1, 9, 30)
    expected = staffing_required(calls=30, interval_seconds=3600, aht_seconds=200, target_pct=80, target_seconds=20)
    assert monday_9.required == expected and expected.agents == 4
    assert monday_9.scheduled == pytest.approx(1.5)  # alice, and bob half the weeks
    assert monday_10.scheduled == pytest.approx(0.75)  # alice after her break
    assert monday_0.arrivals == 0.25 and monday_0.required.agents == 1
    assert 'id="how-1-9">4 / 1.5 <span class="flag">short</span>' in html
    assert "200 s" in html and 'id="staffing-chart"' in html and 'id="staffing-table"' in html


@time_machine.travel(dt.datetime(2026, 3, 25, 12, tzinfo=UTC), tick=False)
def test_staffing_without_handled_contacts_says_so(tenants, people, web):
    _, html = page(web(tenants.alpha, people.ada), STAFFING)
    assert 'id="staffing-empty"' in html and "chart.umd.min.js" not in html


def test_the_calculator_shows_agents_service_level_asa_occupancy_and_waiting(tenants, people, web):
    response, html = page(
        web(tenants.alpha, people.mona),
        STAFFING,
        calls=100,
        interval_minutes=30,
        aht_seconds=180,
        target_pct=80,
        target_seconds=20,
        shrinkage_pct=30,
        max_occupancy_pct="",
    )
    assert response.context["result"].agents == 14
    assert 'id="result-agents">14<' in html and 'id="result-scheduled">20<' in html
    assert "88.8 %" in html and "7.8 s" in html and "71.4 %" in html and "17.4 %" in html


def test_the_calculator_starts_from_the_tenants_service_level_and_refuses_the_impossible(tenants, people, web):
    client = web(tenants.alpha, people.ada)
    _, html = page(client, STAFFING)
    assert 'name="target_pct" value="80"' in html and 'name="target_seconds" value="20"' in html
    response, html = page(
        client, STAFFING, calls=100, interval_minutes=30, aht_seconds=180, target_pct=100, target_seconds=20
    )
    assert response.context["result"] is None and "less than or equal to 99.9" in html
    response, html = page(
        client, STAFFING, calls=1_000_000, interval_minutes=1, aht_seconds=600, target_pct=80, target_seconds=20
    )
    assert response.context["result"] is None and "the calculator stops at 1,000" in html


# --- Who may look --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [OPERATIONS, STAFFING])
def test_admins_and_managers_only(tenants, people, web, url):
    assert web(tenants.alpha, people.ada).get(url).status_code == 200
    assert web(tenants.alpha, people.mona).get(url).status_code == 200
    assert web(tenants.alpha, people.alice).get(url).status_code == 403
    response = web(tenants.alpha).get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("url", [OPERATIONS, STAFFING])
def test_a_user_of_another_tenant_cannot_see_alphas_pages(tenants, people, web, url):
    client = web(tenants.beta, people.bea)
    assert client.get(url).status_code == 200
    client.tenant = tenants.alpha  # bea's cookies on alpha's host
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_scheduled_agents_per_local_hour_across_both_dst_changes(tenants, people, in_tenant):
    from scorecards.selectors_operations import scheduled_by_hour_of_week

    alice = Agent.objects.get(acd_login="alice.a")
    # Berlin, Sunday 29 March 2026: 02:00 does not exist. Work from 00:00 to 05:00 local.
    schedule(alice, ("2026-03-28 23:00", "2026-03-29 03:00", "work"))
    # Sunday 25 October 2026: 02:00–03:00 happens twice. Work from 00:00 to 05:00 local.
    schedule(alice, ("2026-10-24 22:00", "2026-10-25 04:00", "work"))
    tz = tenants.alpha.tz

    spring = scheduled_by_hour_of_week(since=at("2026-03-28 00:00"), until=at("2026-03-30 00:00"), tz=tz)
    autumn = scheduled_by_hour_of_week(since=at("2026-10-24 00:00"), until=at("2026-10-26 00:00"), tz=tz)

    assert spring == {(7, 0): 1.0, (7, 1): 1.0, (7, 3): 1.0, (7, 4): 1.0}
    # one agent all along, even in the hour that lasted two hours
    assert autumn == {(7, hour): 1.0 for hour in range(5)}
