"""Effectiveness: 4 weeks before vs 4 weeks after the held week, beside the team's change."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from coaching.effectiveness import Pooled, effectiveness_for, pool, windows
from coaching.models import CoachingSession

HELD_WEEK = dt.date(2026, 3, 2)  # a Monday


def test_windows_leave_the_held_week_out():
    before, after = windows(HELD_WEEK)
    assert before == [dt.date(2026, 2, 2), dt.date(2026, 2, 9), dt.date(2026, 2, 16), dt.date(2026, 2, 23)]
    assert after == [dt.date(2026, 3, 9), dt.date(2026, 3, 16), dt.date(2026, 3, 23), dt.date(2026, 3, 30)]


def test_pool_sums_numerators_and_denominators():
    # 30/40 and 10/20 pool to 40/60, not the mean of 75% and 50%
    assert pool([(75.0, 30, 40, 40), (50.0, 10, 20, 20)]) == Pooled(40 / 60 * 100, 60)
    assert pool([(200.0, 2000, 10, 10), (100.0, 3000, 30, 30)]) == Pooled(125.0, 40)  # a mean
    assert pool([(1.0, None, None, 10), (3.0, None, None, 30)]) == Pooled(2.5, 40)
    assert pool([]) == Pooled(None, 0)


def snapshots(scope, key, kpi, weeks_values):
    from scorecards.models import KpiSnapshot

    for monday, (num, den) in weeks_values.items():
        KpiSnapshot.objects.create(
            kpi=kpi,
            scope=scope,
            key=key,
            period="week",
            period_start=monday,
            value=num / den * 100,
            numerator=num,
            denominator=den,
            n=den,
            insufficient_data=False,
            computed_at=timezone.now(),
        )


def closed_session(people, held_at):
    return CoachingSession.objects.create(
        agent=people.alice.agent,
        coach=people.mona,
        status="closed",
        focus_kpis=["fcr", "csat"],
        held_at=held_at,
        closed_at=held_at + dt.timedelta(weeks=6),
    )


def test_agent_and_team_changes_with_sample_sizes(people, web, tenants):
    before, after = windows(HELD_WEEK)
    # alice: 60% before (4 × 6/10), 80% after (4 × 8/10); the held week itself does not count
    snapshots("agent", "alice.a", "fcr", {m: (6, 10) for m in before})
    snapshots("agent", "alice.a", "fcr", {m: (8, 10) for m in after} | {HELD_WEEK: (0, 10)})
    # the team North drifted up 5 points on its own
    snapshots("team", "North", "fcr", {m: (70, 100) for m in before} | {m: (75, 100) for m in after})
    # csat: too few answers after
    snapshots("agent", "alice.a", "csat", {m: (9, 10) for m in before} | {after[0]: (3, 4)})
    # Sunday evening in Berlin is still the week of 2 March; in UTC it is too
    session = closed_session(people, dt.datetime(2026, 3, 8, 20, 0, tzinfo=dt.UTC))
    fcr, csat = effectiveness_for([session], min_sample=30)[session.pk]

    assert (fcr.before, fcr.after) == (Pooled(60.0, 40), Pooled(80.0, 40))
    assert round(fcr.change, 6) == 20.0 and round(fcr.team_change, 6) == 5.0 and round(fcr.net, 6) == 15.0
    assert (fcr.team_before.n, fcr.team_after.n) == (400, 400)
    assert csat.after == Pooled(75.0, 4) and csat.change is None and csat.net is None

    page = web(tenants.alpha, people.mona).get(reverse("coaching_session", args=[session.pk]))
    html = page.content.decode()
    assert "Did it help?" in html and "20.0" in html and "15.0" in html and "not enough data" in html
    listed = web(tenants.alpha, people.mona).get(reverse("coaching_sessions")).content.decode()
    assert "15.0" in listed


def test_held_late_sunday_in_the_tenant_timezone_counts_in_that_week(people, in_tenant, tenants):
    in_tenant(tenants.alpha)  # Europe/Berlin: 23:30 UTC on Sunday 1 March is Monday 2 March there
    session = closed_session(people, dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    # in UTC the week of 23 February would be the held week and left out; in Berlin it is
    # the last week before the session
    snapshots("agent", "alice.a", "fcr", {dt.date(2026, 2, 23): (5, 10)})
    fcr = effectiveness_for([session], min_sample=1)[session.pk][0]
    assert fcr.before == Pooled(50.0, 10) and fcr.after == Pooled(None, 0)


def test_the_tenant_min_sample_decides(people, monkeypatch):
    from django.db import connection

    before, after = windows(HELD_WEEK)
    snapshots("agent", "alice.a", "fcr", {m: (6, 10) for m in before + after})  # n = 40 a side
    session = closed_session(people, dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC))
    assert effectiveness_for([session])[session.pk][0].change == 0.0  # alpha's min_sample: 30
    monkeypatch.setattr(connection.tenant, "min_sample", 41)
    assert effectiveness_for([session])[session.pk][0].change is None
