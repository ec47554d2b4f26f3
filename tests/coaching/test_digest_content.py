"""What the weekly digest says and to whom, when it is due, and the admins' pages.

``seed_week`` (also used by the SMTP tests) writes a fixture week, 2026-03-09, and the week
before for teams North (alice, and carol with too few contacts) and South (bob)."""

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Agent
from coaching import tasks
from coaching.digest import last_complete_week, manager_digest, recipients
from coaching.digest_send import digest_render
from coaching.models import ActionItem, CoachingSession, DigestDelivery, DigestSettings, Signal
from coaching.tasks import TenantDigestTime, digest_dispatch, tenants_due
from scorecards.models import KpiSnapshot
from scorecards.targets import target_set
from tests.factories import SurveyResponseFactory

WEEK = dt.date(2026, 3, 9)
BEFORE = dt.date(2026, 3, 2)


def snap(kpi, scope, key, week, value, n, low, high, insufficient=False):
    KpiSnapshot.objects.create(
        kpi=kpi,
        scope=scope,
        key=key,
        period="week",
        period_start=week,
        value=value,
        n=n,
        ci_low=low,
        ci_high=high,
        insufficient_data=insufficient,
        computed_at=timezone.now(),
    )


def seed_week(north, south):
    """FCR targets (every team 80/70, North 75/65), team and agent snapshots, a burnout-risk
    signal for bob and an overdue action item for alice."""
    target_set(kpi="fcr", green=80, amber=70, effective_from=BEFORE, by=None)
    target_set(kpi="fcr", team=north, green=75, amber=65, effective_from=BEFORE, by=None)
    snap("fcr", "team", "North", WEEK, 82.0, 120, 74.2, 88.0)
    snap("fcr", "team", "North", BEFORE, 78.0, 110, 69.5, 84.8)  # overlaps: not significant
    snap("csat", "team", "North", WEEK, 90.0, 60, 79.9, 95.3)
    snap("csat", "team", "North", BEFORE, 70.0, 60, 57.5, 78.9)  # apart: significant
    snap("fcr", "team", "South", WEEK, 61.0, 100, 51.2, 70.0)
    snap("fcr", "team", "South", BEFORE, 60.0, 100, 50.2, 69.1)
    carol = Agent.objects.create(acd_login="carol.c", display_name="Carol", team=north)
    snap("fcr", "agent", "alice.a", WEEK, 85.0, 40, 70.9, 92.9)
    snap("fcr", "agent", "carol.c", WEEK, 40.0, 5, 11.8, 76.9, insufficient=True)
    snap("fcr", "agent", "bob.b", WEEK, 55.0, 35, 38.9, 70.1)
    bob = Agent.objects.get(acd_login="bob.b")
    Signal.objects.create(
        kind="burnout_risk",
        agent=bob,
        week_start=WEEK,
        computed_at=timezone.now(),
        facts={"summary": "occupancy above 85% on 4 days"},
    )
    session = CoachingSession.objects.create(agent=Agent.objects.get(acd_login="alice.a"))
    ActionItem.objects.create(
        session=session, description="Shadow a senior on billing calls", due_on=dt.date(2026, 3, 11)
    )
    return carol


def texts(digest):
    return {t["team"].name: t for t in digest["teams"]}


def test_a_manager_gets_her_own_teams_numbers_against_targets_and_the_week_before(people):
    seed_week(people.north, people.south)
    mona = texts(manager_digest(manager=people.mona, week_start=WEEK, today=dt.date(2026, 3, 16)))
    assert list(mona) == ["North"]
    fcr, csat = mona["North"]["kpis"]
    assert (fcr.label, fcr.value, fcr.n, fcr.band_word) == ("First-contact resolution", "82.0%", 120, "on target")
    assert fcr.change == "not a significant change (from 78.0%)"
    assert (csat.value, csat.band_word, csat.change) == ("90.0%", "no target set", "up significantly from 70.0%")
    assert [(p.name, p.reasons) for p in mona["North"]["recognition"]] == [
        ("Alice", ["First-contact resolution 85.0% on target (n=40)"])
    ]
    assert mona["North"]["coaching"] == []  # carol's 40% rests on 5 contacts: not judged
    assert [a["description"] for a in mona["North"]["overdue"]] == ["Shadow a senior on billing calls"]

    south = texts(manager_digest(manager=people.max, week_start=WEEK, today=dt.date(2026, 3, 16)))["South"]
    assert south["kpis"][0].band_word == "off target"
    assert [(p.name, p.reasons) for p in south["coaching"]] == [
        ("Bob", ["First-contact resolution 55.0% off target (n=35)"])
    ]
    assert [(p.name, p.reasons) for p in south["wellbeing"]] == [
        ("Bob", ["Burnout risk (occupancy above 85% on 4 days)"])
    ]
    assert south["overdue"] == [] and south["recognition"] == []


def test_the_last_complete_week_is_local(tenants):
    with time_machine.travel(dt.datetime(2026, 3, 15, 23, 30, tzinfo=dt.UTC), tick=False):
        assert last_complete_week(tenants.alpha) == WEEK  # already Monday 16th in Berlin
        assert last_complete_week(tenants.beta) == BEFORE  # still Sunday 15th in New York


BERLIN, NEW_YORK = TenantDigestTime("alpha", "Europe/Berlin"), TenantDigestTime("beta", "America/New_York")


@pytest.mark.parametrize(
    ("utc", "due"),
    [
        ("2026-03-02T07:00", ["alpha"]),  # 08:00 CET
        ("2026-03-02T13:00", ["beta"]),  # 08:00 EST
        ("2026-03-02T08:00", []),
        ("2026-03-02T12:00", []),
        ("2026-03-03T07:00", []),
        ("2026-03-30T06:00", ["alpha"]),  # 08:00 CEST, after Europe's DST change
        ("2026-03-09T12:00", ["beta"]),  # 08:00 EDT, after America's DST change
    ],
)
def test_tenants_are_due_at_their_own_local_hour(utc, due):
    assert tenants_due(dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC), [BERLIN, NEW_YORK]) == due
    custom = TenantDigestTime("gamma", "Europe/Berlin", weekday=4, hour=16)
    assert tenants_due(dt.datetime(2026, 3, 6, 15, tzinfo=dt.UTC), [custom]) == ["gamma"]


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (dt.datetime(2026, 1, 12, 7, tzinfo=dt.UTC), [("alpha", "2026-01-05")]),
        (dt.datetime(2026, 1, 12, 13, tzinfo=dt.UTC), [("beta", "2026-01-05")]),
        (dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC), []),
    ],
)
def test_the_dispatcher_enqueues_each_tenant_at_its_own_hour(tenants, db, monkeypatch, utc, expected):
    sent = []
    monkeypatch.setattr(
        tasks.digest_send_task, "apply_async", lambda args, headers: sent.append((headers["_schema_name"], args[0]))
    )
    with time_machine.travel(utc, tick=False):
        digest_dispatch()
    assert sorted(sent) == expected


def test_admins_preview_any_managers_digest_and_see_the_ledger(people, web, tenants):
    seed_week(people.north, people.south)
    DigestDelivery.objects.create(
        recipient=people.max, week_start=WEEK, status="failed", attempts=2, last_error="SMTPServerDisconnected: gone"
    )
    admin = web(tenants.alpha, people.ada)
    page = admin.get("/coaching/digests/").content.decode()
    assert "max@alpha.test" in page and "SMTPServerDisconnected: gone" in page and "preview" in page
    preview = admin.get(f"/coaching/digests/preview/?user={people.mona.pk}&week=2026-03-09")
    assert preview.status_code == 200
    text = preview.context["text"]
    assert "North" in text and "South" not in text and "not a significant change" in text
    assert "http://alpha.localhost:8000/kpis/?team=" in text
    assert "not a significant change" in preview.content.decode()
    for user in (people.mona, people.alice):
        assert web(tenants.alpha, user).get("/coaching/digests/").status_code == 403
        assert web(tenants.alpha, user).get(f"/coaching/digests/preview/?user={people.mona.pk}").status_code == 403
    assert admin.get(f"/coaching/digests/preview/?user={people.alice.pk}").status_code == 404


def test_a_dry_run_lists_the_digests_and_claims_nothing(people):
    seed_week(people.north, people.south)
    out = StringIO()
    call_command("send_digests", "--schema", "alpha", "--week", "2026-03-09", "--dry-run", stdout=out)
    summary = json.loads(out.getvalue())
    assert [(d["to"], d["kind"]) for d in summary["would_send"]] == [
        ("max@alpha.test", "manager"),
        ("mona@alpha.test", "manager"),
    ]
    assert summary["would_send"][0]["subject"] == "Alpha Care: your coaching digest for the week of 9 Mar 2026"
    assert (summary["sent"], summary["skipped"], summary["failed"]) == (0, 0, 0)
    assert not DigestDelivery.objects.exists()


def test_agents_get_their_own_week_only_when_the_tenant_says_so(people):
    seed_week(people.north, people.south)
    assert [kind for _, kind in recipients()] == ["manager", "manager"]
    DigestSettings.objects.create(send_to_agents=True)
    assert sorted(user.email for user, kind in recipients() if kind == "agent") == [
        "alice@alpha.test",
        "bob@alpha.test",
    ]
    subject, text, html = digest_render(user=people.alice, kind="agent", week_start=WEEK)
    assert subject == "Alpha Care: your week of 9 Mar 2026"
    assert "- First-contact resolution: 85.0% (on target)" in text and "n=40" in text
    for other in ("Bob", "Carol", "North", "Burnout", "detractor"):
        assert other not in text and other not in html
    _, bob_text, _ = digest_render(user=people.bob, kind="agent", week_start=WEEK)
    assert "55.0%" in bob_text and "Burnout" not in bob_text and "tell your manager" in bob_text


def answers(agent, count, detractors, prefix):
    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    for i in range(count):
        SurveyResponseFactory(
            survey="csat",
            score=1 if i < detractors else 5,
            interaction__external_id=f"{prefix}{i}",
            interaction__agent=agent,
            interaction__offered_at=at,
        )


def test_detractors_count_only_with_enough_answers(people):
    seed_week(people.north, people.south)
    answers(people.bob.agent, 30, 3, "b")  # min_sample is 30
    answers(people.alice.agent, 29, 5, "a")
    today = dt.date(2026, 3, 16)
    south = texts(manager_digest(manager=people.max, week_start=WEEK, today=today))["South"]
    assert "3 detractor answers out of 30 survey answers" in south["coaching"][0].reasons
    north = texts(manager_digest(manager=people.mona, week_start=WEEK, today=today))["North"]
    assert north["coaching"] == []
