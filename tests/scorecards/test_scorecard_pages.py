"""Manager and agent scorecards and the drill-down into the contacts behind a value.

alpha is in Europe/Berlin (UTC+1 in March before the 29th). The week under test is
Monday 2 March 2026 – Sunday 8 March 2026, local time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Agent
from interactions.models import Queue
from interactions.services import import_stream
from scorecards.engine import recompute
from scorecards.formatting import format_interval, format_value
from scorecards.models import KpiSnapshot, Target
from scorecards.selectors_scorecards import team_distributions
from scorecards.targets import target_set

WEEK = dt.date(2026, 3, 2)
SCORECARD, ME, DRILL = "/kpis/", "/kpis/me/", "/kpis/drilldown/"
# Wednesday after the week under test: the default period is that week.
AFTER_THE_WEEK = dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)


def snapshot(
    kpi, value, *, scope="team", key="North", n=120, ci=(None, None), insufficient=False, period="week", start=WEEK
):
    return KpiSnapshot.objects.create(
        kpi=kpi,
        scope=scope,
        key=key,
        period=period,
        period_start=start,
        value=value,
        numerator=None,
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
    return response.content.decode()


def card(html: str, code: str) -> str:
    """The markup of one KPI card: from its <li id="kpi-CODE"> to its </li>."""
    start = html.index(f'id="kpi-{code}"')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


@pytest.fixture(autouse=True)
def after_the_week():
    with time_machine.travel(AFTER_THE_WEEK, tick=False):
        yield


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "value", "text"),
    [
        ("aht", 42.4, "42 s"),
        ("aht", 245, "4:05"),
        ("avg_resolution_time", 3725, "1:02:05"),
        ("fcr", 72.04, "72.0 %"),
        ("nps", -12.345, "-12.3 points"),
        ("aht_index", 1.046, "1.05"),
        ("cost_per_call", 4.2, "4.20"),
        ("calls_handled", 1234, "1,234"),
        ("calls_per_hour", 8.26, "8.3 /h"),
        ("peak_hour", 9, "09:00–10:00"),
        ("ces_mean", 5.4167, "5.42"),
        ("fcr", None, "—"),
    ],
)
def test_values_read_in_their_units(kpi, value, text):
    assert format_value(kpi, value) == text


def test_an_interval_reads_in_the_unit_and_is_empty_without_bounds():
    assert format_interval("fcr", 61.23, 80.06) == "61.2 % – 80.1 %"
    assert format_interval("aht", 230, 260) == "3:50 – 4:20"
    assert format_interval("aht", None, 260) == ""


# --- the manager's page -----------------------------------------------------------------------


def test_north_star_values_show_their_band_in_words_with_n_and_interval(tenants, people, web):
    target_set(kpi="fcr", team=people.north, green=80, amber=70, effective_from=dt.date(2026, 1, 1), by=people.ada)
    target_set(kpi="csat", green=85, amber=75, effective_from=dt.date(2026, 1, 1), by=people.ada)
    target_set(kpi="cost_per_call", green=4, amber=5, effective_from=dt.date(2026, 1, 1), by=people.ada)
    target_set(kpi="nps", green=30, amber=10, effective_from=dt.date(2026, 1, 1), by=people.ada)
    snapshot("fcr", 82.0, ci=(74.2, 88.0))
    snapshot("csat", 70.0, n=200, ci=(63.3, 75.9))
    snapshot("cost_per_call", 4.5)
    snapshot("nps", 44.0, n=12, insufficient=True)

    html = page(web(tenants.alpha, people.mona), SCORECARD)

    fcr = card(html, "fcr")
    assert "82.0 %" in fcr and "n = 120" in fcr and "74.2 % – 88.0 %" in fcr
    assert "band-green" in fcr and "Green: on target" in fcr and "green ≥ 80.0 %, amber ≥ 70.0 %" in fcr
    csat = card(html, "csat")
    assert "band-red" in csat and "Red: off target" in csat and "n = 200" in csat
    cost = card(html, "cost_per_call")
    assert "band-amber" in cost and "Amber: close to target" in cost and "green ≤ 4.00" in cost
    nps = card(html, "nps")
    assert "Insufficient data" in nps and "n = 12, fewer than the 30 needed" in nps
    assert "band-" not in nps  # no colour instead of a colour
    assert "Week of Mon 2 Mar – Sun 8 Mar 2026" in html


def test_diagnostics_carry_no_colour_even_with_a_target(tenants, people, web):
    # A paired per-type AHT target may exist; the scorecard still shows AHT without pass/fail.
    Target.objects.create(kpi="aht", direction="lower", green=100, amber=200, effective_from=dt.date(2026, 1, 1))
    snapshot("aht", 500.0, ci=(480, 520))
    snapshot("utilization", 97.0)

    html = page(web(tenants.alpha, people.mona), SCORECARD)

    aht = card(html, "aht")
    assert "8:20" in aht and "8:00 – 8:40" in aht and "diagnostic" in aht
    assert "band-" not in aht and "target" not in aht
    assert "band-" not in card(html, "utilization")


def test_the_default_period_is_the_last_complete_week_in_the_tenants_timezone(tenants, people, web):
    snapshot("fcr", 81.0, start=WEEK)
    snapshot("fcr", 55.0, start=WEEK - dt.timedelta(weeks=1))
    client = web(tenants.alpha, people.mona)
    # Sunday 8 March 23:30 UTC is already Monday 9 March in Berlin: the week of 2 March is over.
    with time_machine.travel(dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.UTC), tick=False):
        html = page(client, SCORECARD)
    assert "81.0 %" in card(html, "fcr")


def test_an_empty_period_says_so(tenants, people, web):
    html = page(web(tenants.alpha, people.mona), SCORECARD, period="day", date="2026-03-04")
    assert "No KPIs computed for this period yet" in html
    assert 'id="kpi-fcr"' not in html


def test_mona_sees_north_and_alice_but_never_bob(tenants, people, web):
    snapshot("fcr", 81.0)
    snapshot("fcr", 77.7, scope="team", key="South")
    snapshot("fcr", 71.5, scope="agent", key="alice.a")
    snapshot("fcr", 66.6, scope="agent", key="bob.b")

    html = page(web(tenants.alpha, people.mona), SCORECARD)

    assert "Agents of team North" in html and "Alice" in html and "71.5 %" in html
    assert "bob" not in html.lower() and "66.6" not in html and "77.7" not in html
    assert f'<option value="{people.south.pk}"' not in html  # South is not among her teams


def test_a_team_in_the_url_that_is_not_yours_is_404(tenants, people, web):
    mona = web(tenants.alpha, people.mona)
    assert mona.get(SCORECARD, {"team": people.south.pk}).status_code == 404
    assert mona.get(SCORECARD, {"team": "nope"}).status_code == 404
    assert mona.get(SCORECARD, {"team": people.north.pk}).status_code == 200
    assert web(tenants.alpha, people.ada).get(SCORECARD, {"team": people.south.pk}).status_code == 200


def test_an_admin_sees_the_whole_contact_center_and_any_team(tenants, people, web):
    snapshot("service_level", 91.2, scope="tenant", key="all")
    snapshot("fcr", 70.1, scope="agent", key="bob.b")
    ada = web(tenants.alpha, people.ada)
    html = page(ada, SCORECARD, team="all")
    assert "Scorecard: the whole contact center" in html and "91.2 %" in card(html, "service_level")
    assert "Choose a team to see its agents" in html
    html = page(ada, SCORECARD, team=people.south.pk)
    assert "Agents of team South" in html and "70.1 %" in html


def test_agents_may_not_open_the_managers_page(tenants, people, web):
    assert web(tenants.alpha, people.alice).get(SCORECARD).status_code == 403
    assert web(tenants.alpha).get(SCORECARD).status_code == 302


def test_a_queue_filter_shows_the_queues_values_and_no_agent_rows(tenants, people, web):
    Queue.objects.create(name="Billing")
    snapshot("fcr", 81.0)
    snapshot("fcr", 64.2, scope="queue", key="Billing")
    snapshot("fcr", 71.5, scope="agent", key="alice.a")

    html = page(web(tenants.alpha, people.mona), SCORECARD, queue="Billing")

    assert "Scorecard: queue Billing" in html and "64.2 %" in card(html, "fcr")
    assert "across every team, not team North’s share of it" in html
    assert "Agent rows are shown in the team view only" in html
    assert 'id="agent-table"' not in html and "71.5" not in html


def test_two_groups_at_once_is_refused_with_a_reason(tenants, people, web):
    Queue.objects.create(name="Billing")
    snapshot("fcr", 81.0)
    html = page(web(tenants.alpha, people.mona), SCORECARD, queue="Billing", channel="chat")
    assert "Choose one of queue, interaction type or channel" in html
    assert "Scorecard: team North" in html


def test_the_agent_table_is_sorted_by_name_not_by_a_kpi(tenants, people, web):
    for login, name, aht in [("zed.z", "Zed", 100.0), ("carl.c", "Carl", 900.0)]:
        Agent.objects.create(acd_login=login, display_name=name, team=people.north)
        snapshot("aht", aht, scope="agent", key=login)
    html = page(web(tenants.alpha, people.mona), SCORECARD)
    table = html[html.index('id="agent-table"') :]
    assert table.index("Alice") < table.index("Carl") < table.index("Zed")


def test_the_trend_shows_twelve_weeks_of_the_chosen_kpi(tenants, people, web):
    for back in range(14):
        snapshot("csat", 70.0 + back, start=WEEK - dt.timedelta(weeks=back), insufficient=back == 3)

    html = page(web(tenants.alpha, people.mona), SCORECARD, kpi="csat")

    table = html[html.index('id="trend-table"') : html.index("</table>", html.index('id="trend-table"'))]
    assert table.count("<tr>") == 13  # header + 12 weeks
    assert "Mon 2 Mar 2026" in table and "Mon 15 Dec 2025" in table and "Mon 8 Dec 2025" not in table
    assert "insufficient data" in table
    assert '"values": [81.0, 80.0, 79.0, 78.0, 77.0, 76.0, 75.0, 74.0, null, 72.0, 71.0, 70.0]' in html


def test_query_count_does_not_grow_with_the_team(tenants, people, web, django_assert_max_num_queries):
    client = web(tenants.alpha, people.mona)

    def add_agents(first, count):
        for i in range(first, first + count):
            Agent.objects.create(acd_login=f"a{i}", display_name=f"Agent {i}", team=people.north)
            for kpi in ("fcr", "csat", "aht", "adherence"):
                snapshot(kpi, 50.0 + i, scope="agent", key=f"a{i}")

    snapshot("fcr", 81.0)
    snapshot("fcr", 70.0, scope="agent", key="alice.a")
    add_agents(0, 2)
    with CaptureQueriesContext(connection) as few:
        page(client, SCORECARD)
    with CaptureQueriesContext(connection) as few_on_agent_page:
        page(client, f"/kpis/agents/{Agent.objects.get(acd_login='alice.a').pk}/")
    add_agents(2, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client, SCORECARD)
    assert "Agent 13" in html
    with django_assert_max_num_queries(len(few_on_agent_page.captured_queries)):
        html = page(client, f"/kpis/agents/{Agent.objects.get(acd_login='alice.a').pk}/")
    assert "Middle half of 14 teammates with enough data" in html


# --- the agent's page -----------------------------------------------------------------------


def teammates(team, *values, kpi="fcr"):
    """Agents of ``team`` with a value each of ``kpi``, named Teammate0, Teammate1..."""
    for i, value in enumerate(values):
        Agent.objects.create(acd_login=f"mate{i}", display_name=f"Teammate{i}", team=team)
        snapshot(kpi, value, scope="agent", key=f"mate{i}")


# Values no band, median, interval or other figure of the page can equal by chance.
DISTINCT = (61.3, 67.9, 72.4, 78.6, 83.1, 87.3)


@pytest.mark.parametrize(
    ("count", "bands"),
    [
        (4, None),
        # 67.9, 72.4, 78.6 are the 25th, 50th and 75th percentiles: rounded to bands of 5 points
        (5, "Middle half of 5 teammates with enough data: 65.0 % – 80.0 % · their median about 70.0 %"),
        # 69.025, 75.5, 81.975
        (6, "Middle half of 6 teammates with enough data: 65.0 % – 85.0 % · their median about 75.0 %"),
    ],
)
def test_the_teams_spread_needs_five_teammates_besides_the_agent_and_shows_only_bands(
    tenants, people, web, count, bands
):
    snapshot("fcr", 74.2, scope="agent", key="alice.a", ci=(66.1, 81.4))
    teammates(people.north, *DISTINCT[:count])
    Agent.objects.create(acd_login="newbie", display_name="Newbie", team=people.north)
    snapshot("fcr", 55.5, scope="agent", key="newbie", insufficient=True, n=3)  # too little data: not counted
    snapshot("fcr", 99.5, scope="agent", key="bob.b")  # another team: in no spread

    html = page(web(tenants.alpha, people.alice), ME)

    fcr = card(html, "fcr")
    assert "Your scorecard" in html and "74.2 %" in fcr and "66.1 % – 81.4 %" in fcr  # her own value stays
    for value in (*DISTINCT[:count], 55.5, 99.5):
        assert f"{value}" not in html  # no teammate's exact value, anywhere in the page
    assert "Teammate" not in html and "mate0" not in html and "Newbie" not in html and "bob" not in html.lower()
    assert 'class="dot"' not in html  # no dot per person: only the ring of her own value
    if bands is None:
        assert "Too few teammates with enough data" in fcr and 'class="box"' not in fcr
    else:
        assert bands + " · you are within it" in fcr
        assert fcr.count('class="box"') == 1 and fcr.count('class="dot own"') == 1


def test_the_spread_counts_teammates_not_the_agent(tenants, people, web):
    # four teammates and alice: five agents, but only four besides her
    snapshot("fcr", 74.2, scope="agent", key="alice.a")
    teammates(people.north, *DISTINCT[:4])
    assert "Too few teammates" in card(page(web(tenants.alpha, people.alice), ME), "fcr")


def test_the_spread_of_teammates_is_shown_when_the_agent_has_no_value_herself(tenants, people, web):
    snapshot("csat", 91.0, scope="agent", key="alice.a")  # a page with cards, but no FCR of her own
    teammates(people.north, *DISTINCT[:5])
    fcr = card(page(web(tenants.alpha, people.alice), ME), "fcr")
    assert "No value for this period" in fcr and "65.0 % – 80.0 %" in fcr
    assert "you are" not in fcr and 'class="dot own"' not in fcr


def test_the_team_distribution_is_the_teammates_values_with_enough_data(tenants, people):
    snapshot("fcr", 72.0, scope="agent", key="alice.a")  # her own: not among her teammates
    snapshot("fcr", 10.0, scope="agent", key="bob.b")  # South: not in North's distribution
    teammates(people.north, 90.0, 60.0)
    snapshot("fcr", 5.0, scope="agent", key="mate0", start=WEEK - dt.timedelta(weeks=1))  # another week
    Agent.objects.create(acd_login="newbie", team=people.north)
    snapshot("fcr", 1.0, scope="agent", key="newbie", insufficient=True)  # too few contacts
    alice = Agent.objects.get(acd_login="alice.a")
    batched = team_distributions(agent=alice, kpis=["fcr", "csat"], period="week", start=WEEK)
    assert batched == {"fcr": [60.0, 90.0]}
    assert (
        team_distributions(agent=Agent.objects.create(acd_login="loner"), kpis=["fcr"], period="week", start=WEEK) == {}
    )


def test_agent_pages_are_only_for_oneself_and_ones_managers(tenants, people, web):
    alice, bob = Agent.objects.get(acd_login="alice.a"), Agent.objects.get(acd_login="bob.b")
    as_alice = web(tenants.alpha, people.alice)
    assert as_alice.get(f"/kpis/agents/{alice.pk}/").status_code == 200
    assert as_alice.get(f"/kpis/agents/{bob.pk}/").status_code == 404
    as_mona = web(tenants.alpha, people.mona)
    assert as_mona.get(f"/kpis/agents/{alice.pk}/").status_code == 200
    assert as_mona.get(f"/kpis/agents/{bob.pk}/").status_code == 404
    assert as_mona.get(ME).status_code == 403
    assert web(tenants.alpha, people.ada).get(f"/kpis/agents/{bob.pk}/").status_code == 200


def test_a_manager_sees_her_agents_page_with_the_same_bands(tenants, people, web):
    alice = Agent.objects.get(acd_login="alice.a")
    snapshot("fcr", 86.2, scope="agent", key="alice.a")
    teammates(people.north, *DISTINCT)
    html = page(web(tenants.alpha, people.mona), f"/kpis/agents/{alice.pk}/")
    fcr = card(html, "fcr")
    assert "Scorecard of Alice" in html and "86.2 %" in fcr and "Teammate" not in html
    assert "Middle half of 6 teammates with enough data: 65.0 % – 85.0 %" in fcr and "Alice is above it" in fcr
    assert not any(f"{value}" in html for value in DISTINCT)


# --- drill-down, on the engine's own snapshots --------------------------------------------

HEADER = (
    "external_id,channel,queue,interaction_type,agent,customer_id,offered_at,answered_at,ended_at,"
    "talk_seconds,hold_seconds,acw_seconds,outcome,transferred,resolved,missed_by\n"
)


def contact(
    ext,
    offered,
    *,
    agent="",
    wait=20,
    talk=200,
    hold=0,
    acw=30,
    outcome="answered",
    queue="Billing",
    customer="",
    transferred="false",
    missed="",
    channel="voice",
):
    """One canonical CSV line; ``offered`` is local (Berlin) unless it carries an offset."""
    start = dt.datetime.fromisoformat(offered)
    answered = start + dt.timedelta(seconds=wait)
    if outcome == "answered":
        ended = answered + dt.timedelta(seconds=talk + hold)
        times = f"{answered.isoformat()},{ended.isoformat()},{talk},{hold},{acw}"
    else:
        times = f",{answered.isoformat()},,,"
    return f"{ext},{channel},{queue},billing,{agent},{customer},{offered},{times},{outcome},{transferred},,{missed}\n"


WEEK_CONTACTS = [
    # alice (North): six handled, two held, three with a customer, one transferred; the first
    # is Sunday 23:30 UTC = Monday 00:30 in Berlin, so it belongs to this week
    contact("a1", "2026-03-01T23:30:00+00:00", agent="alice.a", customer="K1"),
    contact("a2", "2026-03-03T09:00:00", agent="alice.a", hold=40, customer="K2"),
    contact("a3", "2026-03-04T10:00:00", agent="alice.a", hold=15, transferred="true"),
    contact("a4", "2026-03-05T11:00:00", agent="alice.a", customer="K3", channel="chat", queue="Chat"),
    contact("a5", "2026-03-06T12:00:00", agent="alice.a"),
    contact("a6", "2026-03-08T23:00:00", agent="alice.a"),
    # bob (South): three handled, one of them after alice let it ring
    contact("b1", "2026-03-03T09:30:00", agent="bob.b", customer="K9"),
    contact("b2", "2026-03-04T14:00:00", agent="bob.b", missed="alice.a"),
    contact("b3", "2026-03-05T15:00:00", agent="bob.b"),
    # unanswered: two real abandons, one short abandon (2 s < 5 s), one blocked
    contact("x1", "2026-03-03T10:00:00", outcome="abandoned", wait=30),
    contact("x2", "2026-03-04T10:30:00", outcome="abandoned", wait=60),
    contact("x3", "2026-03-05T10:00:00", outcome="abandoned", wait=2),
    contact("x4", "2026-03-06T10:00:00", outcome="blocked", wait=0),
    # outside the week: Sunday 1 March 22:00 Berlin, and Monday 9 March 00:30 Berlin
    contact("o1", "2026-03-01T22:00:00", agent="alice.a"),
    contact("o2", "2026-03-09T00:30:00", agent="alice.a"),
]


@pytest.fixture
def computed_week(tenants, people):
    summary = import_stream(
        kind="interactions", stream=io.BytesIO((HEADER + "".join(WEEK_CONTACTS)).encode()), tz=tenants.alpha.tz
    )
    assert summary.as_dict()["rejected"] == 0, summary.as_dict()["errors"]
    surveys = (
        "interaction_external_id,survey,score,responded_at\n"
        "a2,csat,5,2026-03-03T12:00:00\na4,csat,2,2026-03-05T12:00:00\nb1,csat,4,2026-03-03T12:00:00\n"
    )
    import_stream(kind="survey_responses", stream=io.BytesIO(surveys.encode()), tz=tenants.alpha.tz)
    recompute()


def drill(client, kpi, scope, key, *, period="week", start=WEEK, **extra):
    return client.get(
        DRILL, {"kpi": kpi, "scope": scope, "key": key, "period": period, "start": start.isoformat(), **extra}
    )


def listed(response) -> list[str]:
    return re.findall(r'<tr data-contact="([^"]*)">', response.content.decode())


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def n_of(kpi, scope, key):
    return KpiSnapshot.objects.get(kpi=kpi, scope=scope, key=key, period="week", period_start=WEEK).n


@pytest.mark.parametrize(
    ("kpi", "scope", "key", "expected"),
    [
        ("aht", "agent", "alice.a", ["a1", "a2", "a3", "a4", "a5", "a6"]),
        ("aht", "team", "North", ["a1", "a2", "a3", "a4", "a5", "a6"]),
        ("avg_hold_per_held", "agent", "alice.a", ["a2", "a3"]),
        ("transfer_rate", "team", "North", ["a1", "a2", "a3", "a4", "a5", "a6"]),
        ("repeat_rate", "agent", "alice.a", ["a1", "a2", "a4"]),
        ("service_level", "tenant", "all", ["a1", "a2", "b1", "x1", "a3", "x2", "b2", "a4", "b3", "a5", "a6"]),
        ("abandonment_rate", "queue", "Billing", ["a1", "a2", "b1", "x1", "a3", "x2", "b2", "b3", "a5", "a6"]),
        ("arrivals", "channel", "voice", ["a1", "a2", "b1", "x1", "a3", "x2", "b2", "x3", "b3", "x4", "a5", "a6"]),
        ("csat", "tenant", "all", ["a2", "b1", "a4"]),
        ("missed_calls", "agent", "alice.a", ["b2"]),
    ],
)
def test_a_drilldown_lists_exactly_the_contacts_behind_the_value(
    tenants, people, web, computed_week, kpi, scope, key, expected
):
    response = drill(web(tenants.alpha, people.ada), kpi, scope, key)
    assert response.status_code == 200
    assert listed(response) == expected
    if kpi not in ("missed_calls",):  # missed_calls' n counts the contacts offered to the agent
        assert len(expected) == n_of(kpi, scope, key)


@pytest.mark.parametrize(
    ("period", "start", "expected"),
    [
        ("day", dt.date(2026, 3, 2), ["a1"]),  # 00:30 in Berlin; 23:30 the day before in UTC
        ("month", dt.date(2026, 3, 1), ["o1", "a1", "a2", "a3", "a4", "a5", "a6", "o2"]),
        ("month", dt.date(2026, 3, 17), ["o1", "a1", "a2", "a3", "a4", "a5", "a6", "o2"]),  # any day in it
    ],
)
def test_days_and_months_are_local_too(tenants, people, web, computed_week, period, start, expected):
    response = drill(web(tenants.alpha, people.mona), "aht", "agent", "alice.a", period=period, start=start)
    assert listed(response) == expected
    assert (
        len(expected)
        == KpiSnapshot.objects.get(
            kpi="aht",
            scope="agent",
            key="alice.a",
            period=period,
            period_start=start.replace(day=1) if period == "month" else start,
        ).n
    )


def test_the_csv_export_has_a_header_and_the_same_rows(tenants, people, web, computed_week):
    client = web(tenants.alpha, people.mona)
    rows = csv_rows(drill(client, "aht", "team", "North", format="csv"))
    assert list(rows[0]) == [
        "external_id",
        "offered",
        "channel",
        "queue",
        "type",
        "agent",
        "outcome",
        "wait",
        "handle",
        "transferred",
        "resolved",
    ]
    assert [r["external_id"] for r in rows] == listed(drill(client, "aht", "team", "North"))
    assert rows[0] == {
        "external_id": "a1",
        "offered": "2026-03-02 00:30:00",
        "channel": "voice",
        "queue": "Billing",
        "type": "billing",
        "agent": "Alice",
        "outcome": "answered",
        "wait": "20",
        "handle": "230",
        "transferred": "false",
        "resolved": "",
    }


def test_the_page_shows_offered_in_the_tenants_local_time(tenants, people, web, computed_week):
    html = drill(web(tenants.alpha, people.mona), "aht", "agent", "alice.a").content.decode()
    row = html[html.index('data-contact="a1"') :]
    assert "2026-03-02 00:30:00" in row[: row.index("</tr>")]  # Sunday 23:30 UTC


def test_mona_never_drills_into_bob(tenants, people, web, computed_week):
    mona = web(tenants.alpha, people.mona)
    assert drill(mona, "aht", "agent", "bob.b").status_code == 404
    assert drill(mona, "aht", "team", "South").status_code == 404
    assert drill(mona, "aht", "agent", "bob.b", format="csv").status_code == 404
    # the whole contact center lists bob's contacts, but not his name
    response = drill(mona, "service_level", "tenant", "all")
    html = response.content.decode()
    assert "b1" in listed(response) and "Bob" not in html and "(another team)" in html
    rows = csv_rows(drill(mona, "service_level", "tenant", "all", format="csv"))
    assert {r["agent"] for r in rows} == {"Alice", "(another team)", ""}
    # the contact alice missed was bob's
    response = drill(mona, "missed_calls", "agent", "alice.a")
    assert listed(response) == ["b2"] and "Bob" not in response.content.decode()


def test_alice_drills_only_into_herself(tenants, people, web, computed_week):
    alice = web(tenants.alpha, people.alice)
    assert listed(drill(alice, "aht", "agent", "alice.a")) == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert drill(alice, "aht", "agent", "bob.b").status_code == 404
    assert drill(alice, "aht", "team", "North").status_code == 404
    assert drill(alice, "service_level", "tenant", "all").status_code == 404
    missed = drill(alice, "missed_calls", "agent", "alice.a")
    assert listed(missed) == ["b2"] and "Bob" not in missed.content.decode()
    # the contact she missed was bob's: listed without his name or how he handled it
    assert csv_rows(drill(alice, "missed_calls", "agent", "alice.a", format="csv"))[0] == {
        "external_id": "b2",
        "offered": "2026-03-04 14:00:00",
        "channel": "voice",
        "queue": "Billing",
        "type": "billing",
        "agent": "(another agent)",
        "outcome": "answered",
        "wait": "20",
        "handle": "",
        "transferred": "",
        "resolved": "",
    }


def test_a_kpi_without_contacts_behind_it_or_a_bad_request_is_404(tenants, people, web):
    ada = web(tenants.alpha, people.ada)
    assert drill(ada, "qa_score", "team", "North").status_code == 404
    assert drill(ada, "service_level", "agent", "alice.a").status_code == 404  # no agent scope
    assert drill(ada, "nope", "team", "North").status_code == 404
    assert ada.get(DRILL, {"kpi": "aht", "scope": "team"}).status_code == 404


def test_a_drilldown_pages_by_fifty_and_the_csv_has_them_all(tenants, people, web):
    lines = [contact(f"p{i:03d}", f"2026-03-03T{8 + i // 60:02d}:{i % 60:02d}:00", agent="alice.a") for i in range(60)]
    import_stream(kind="interactions", stream=io.BytesIO((HEADER + "".join(lines)).encode()), tz=tenants.alpha.tz)
    mona = web(tenants.alpha, people.mona)
    first = drill(mona, "aht", "agent", "alice.a")
    assert len(listed(first)) == 50 and "Page 1 of 2" in first.content.decode()
    second = drill(mona, "aht", "agent", "alice.a", page=2)
    assert listed(second) == [f"p{i:03d}" for i in range(50, 60)]
    assert len(csv_rows(drill(mona, "aht", "agent", "alice.a", format="csv"))) == 60


def test_csv_cells_that_look_like_formulas_are_defused(tenants, people, web):
    line = contact("=HYPERLINK(1)", "2026-03-03T09:00:00", agent="alice.a")
    import_stream(kind="interactions", stream=io.BytesIO((HEADER + line).encode()), tz=tenants.alpha.tz)
    rows = csv_rows(drill(web(tenants.alpha, people.ada), "aht", "agent", "alice.a", format="csv"))
    assert rows[0]["external_id"] == "'=HYPERLINK(1)"


def test_scorecard_values_link_to_their_drilldown(tenants, people, web, computed_week):
    html = page(web(tenants.alpha, people.mona), SCORECARD)
    assert "/kpis/drilldown/?scope=team&amp;key=North&amp;period=week&amp;start=2026-03-02&amp;kpi=aht" in html
    assert "/kpis/drilldown/?scope=agent&amp;key=alice.a&amp;period=week&amp;start=2026-03-02&amp;kpi=fcr" in html


def test_a_manager_of_no_team_sees_nothing_of_the_center(people, web, api, tenants):
    """Between teams (or new), a manager has no team's work to see, and the center's figures and
    contacts are every team's work: no snapshot, no drill-down, an empty scorecard page."""
    from accounts.services import user_create
    from tests.factories import InteractionFactory, KpiSnapshotFactory

    idle = user_create(email="idle@alpha.test", password="correct-horse-battery", role="manager")
    InteractionFactory(external_id="center-wide-contact", agent=people.alice.agent)
    KpiSnapshotFactory(kpi="calls_handled", scope="tenant", key="all", period="day", value=1, n=1)
    kpis = api(tenants.alpha, user=idle).get("/api/v1/kpis/?scope=tenant&period=day&start=2026-03-02&end=2026-03-02")
    assert kpis.status_code == 200 and kpis.json()["count"] == 0
    client = web(tenants.alpha, idle)
    drill = "/kpis/drilldown/?kpi=calls_handled&scope=tenant&key=all&period=day&start=2026-03-02"
    assert client.get(drill).status_code == 404
    assert client.get(drill + "&format=csv").status_code == 404
    page = client.get("/kpis/").content.decode()
    assert "You manage no team yet" in page and "center-wide-contact" not in page
    # with a team, the same manager sees the center again
    people.north.managers.add(idle)
    assert (
        api(tenants.alpha, user=idle)
        .get("/api/v1/kpis/?scope=tenant&period=day&start=2026-03-02&end=2026-03-02")
        .json()["count"]
        == 1
    )
