"""Report subscriptions against a real SMTP server (aiosmtpd, the digest tests' fixture): sent
once per period across dispatcher runs, with a CSV and a PDF that hold the snapshots' values;
unsubscribing stops the next period; the task through a real worker.

Threads and the worker have their own connections, so the data is committed: this module
creates a tenant of its own and drops it afterwards."""

import csv
import datetime as dt
import io
import time
import zoneinfo

import pypdf
import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from accounts.models import Agent, Role, Team
from accounts.services import user_create
from coaching.models import DigestDelivery
from reports.models import Cadence, ReportSubscription, Scope
from reports.services import report_subscription_create, report_subscription_delete
from reports.tasks import periods_due, report_dispatch, report_send_task, reports_due
from scorecards.models import KpiSnapshot
from tenants.services import tenant_create, tenant_drop
from tests.coaching.test_digest_smtp import free_port, smtp  # noqa: F401 - the SMTP server fixture
from tests.reports.seed import MONTH, WEEK, seed_reports, snap

SCHEMA = "reports_one"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Monday after the fixture week, 09:00 in Berlin: the weekly report is due
MONDAY_9 = dt.datetime(2026, 3, 16, 9, 0, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def own_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema=SCHEMA, domain="reports-one.localhost", name="Reports One", timezone="Europe/Berlin"
        )
        try:
            with schema_context(SCHEMA):
                north, south = Team.objects.create(name="North"), Team.objects.create(name="South")
                user_create(email="ada@one.test", password=None, role=Role.ADMIN, first_name="Ada")
                mona = user_create(email="mona@one.test", password=None, role=Role.MANAGER, first_name="Mona")
                max_ = user_create(email="max@one.test", password=None, role=Role.MANAGER, first_name="Max")
                north.managers.add(mona)
                south.managers.add(max_)
                for login, name, team in (("alice.a", "Alice", north), ("bob.b", "Bob", south)):
                    user = user_create(email=f"{name.lower()}@one.test", password=None, role=Role.AGENT)
                    Agent.objects.create(acd_login=login, display_name=name, team=team, user=user)
                seed_reports()
            yield tenant
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=tenant)


@pytest.fixture
def fresh(own_tenant, django_db_blocker):
    """No subscriptions, no ledger rows; mona subscribes to her teams' weekly report."""
    with django_db_blocker.unblock():
        with schema_context(SCHEMA):
            DigestDelivery.objects.all().delete()
            ReportSubscription.objects.all().delete()
            mona = own_tenant_user("mona@one.test")
            report_subscription_create(recipient=mona, cadence=Cadence.WEEKLY, scope=Scope.MY_TEAMS, by=mona)
        yield
        connection.set_schema_to_public()


def own_tenant_user(email):
    from accounts.models import User

    return User.objects.get(email=email)


def dispatch(now):
    """The dispatcher's decision at ``now``, each send run here (the worker test sends through Redis)."""
    ran = []
    for schema, cadence, start in reports_due(now):
        if schema == SCHEMA:
            with schema_context(SCHEMA):
                ran.append((cadence, start, report_send_task(cadence, start.isoformat())))
    return ran


def subject(message):
    # A non-ASCII subject is folded as an encoded word on a continuation line, which Python's
    # parser reads back with the fold's leading space.
    return str(message["Subject"]).strip()


def attachments(message):
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def ledger():
    with schema_context(SCHEMA):
        return sorted(DigestDelivery.objects.values_list("recipient__email", "kind", "week_start", "status"))


def test_due_on_monday_morning_and_on_the_first_only():
    assert periods_due(MONDAY_9, BERLIN) == [("week", WEEK)]
    assert periods_due(dt.datetime(2026, 3, 16, 6, 59, tzinfo=BERLIN), BERLIN) == []
    assert periods_due(dt.datetime(2026, 3, 17, 9, 0, tzinfo=BERLIN), BERLIN) == []
    # 1 June 2026 is a Monday: last week's and May's reports
    assert periods_due(dt.datetime(2026, 6, 1, 7, 0, tzinfo=BERLIN), BERLIN) == [
        ("week", dt.date(2026, 5, 25)),
        ("month", dt.date(2026, 5, 1)),
    ]
    # 07:00 in Berlin is 01:00 in New York: not yet there
    assert periods_due(dt.datetime(2026, 3, 16, 7, 0, tzinfo=BERLIN), zoneinfo.ZoneInfo("America/New_York")) == []


def test_sent_once_per_period_with_the_snapshots_in_csv_and_pdf(fresh, smtp):  # noqa: F811
    first = dispatch(MONDAY_9)
    second = dispatch(MONDAY_9 + dt.timedelta(minutes=5))
    next_hour = dispatch(MONDAY_9 + dt.timedelta(hours=1))
    assert [r[2] for r in first] == [{"sent": 1, "skipped": 0, "failed": 0}]
    assert [r[2] for r in second + next_hour] == [{"sent": 0, "skipped": 1, "failed": 0}] * 2
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "mona@one.test"
    assert subject(message) == "Reports One: weekly scorecard, 9 Mar – 15 Mar 2026"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "== North ==" in text and "South" not in text and "Bob" not in text
    assert "First-contact resolution: 82.5 % (95% interval 74.7 % – 88.3 %), n=120" in text
    files = attachments(message)
    assert sorted(files) == ["scorecard-week-2026-03-09.csv", "scorecard-week-2026-03-09.pdf"]

    rows = list(csv.DictReader(io.StringIO(files["scorecard-week-2026-03-09.csv"])))
    with schema_context(SCHEMA):
        north = {s.kpi: s for s in KpiSnapshot.objects.filter(scope="team", key="North", period="week")}
        alice = KpiSnapshot.objects.get(scope="agent", key="alice.a", kpi="fcr", period="week")
    by_key = {(r["scope"], r["key"], r["kpi"]): r for r in rows}
    for kpi in ("fcr", "csat", "aht"):
        row = by_key[("team", "North", kpi)]
        assert float(row["value"]) == north[kpi].value and int(row["n"]) == north[kpi].n
    assert float(by_key[("team", "North", "fcr")]["ci_low"]) == north["fcr"].ci_low
    assert by_key[("team", "North", "fcr")]["band"] == "green"
    assert float(by_key[("agent", "alice.a", "fcr")]["value"]) == alice.value
    assert by_key[("agent", "alice.a", "fcr")]["agent"] == "Alice"
    assert not [r for r in rows if r["key"] in ("South", "bob.b", "all")]

    pdf = files["scorecard-week-2026-03-09.pdf"]
    assert pdf.startswith(b"%PDF")
    pdf_text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "North" in pdf_text and "82.5 %" in pdf_text and "74.7 % – 88.3 %" in pdf_text
    assert "91.7 %" in pdf_text and "84.6 %" in pdf_text
    assert "63.3" not in pdf_text and "Bob" not in pdf_text
    assert ledger() == [("mona@one.test", "report_week", WEEK, "sent")]


def test_an_admin_gets_the_center_and_a_team_in_one_email_per_cadence(fresh, smtp, django_db_blocker):  # noqa: F811
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        ada = own_tenant_user("ada@one.test")
        south = Team.objects.get(name="South")
        report_subscription_create(recipient=ada, cadence=Cadence.WEEKLY, scope=Scope.CENTER, by=ada)
        report_subscription_create(recipient=ada, cadence=Cadence.WEEKLY, scope=Scope.TEAM, team=south, by=ada)
        report_subscription_create(recipient=ada, cadence=Cadence.MONTHLY, scope=Scope.TEAM, team=south, by=ada)
    dispatch(MONDAY_9)
    to_ada = [m for m in smtp.messages if m["To"] == "ada@one.test"]
    assert len(to_ada) == 1
    rows = list(csv.DictReader(io.StringIO(attachments(to_ada[0])["scorecard-week-2026-03-09.csv"])))
    assert {(r["scope"], r["key"]) for r in rows if r["kpi"] == "fcr"} == {
        ("tenant", "all"),
        ("team", "South"),
        ("agent", "bob.b"),
    }
    # the month's report: 1 April 2026, 07:00 in Berlin (a Wednesday: no weekly report)
    ran = dispatch(dt.datetime(2026, 4, 1, 7, 0, tzinfo=BERLIN))
    assert [(c, s) for c, s, _ in ran] == [("month", MONTH)]
    monthly = smtp.messages[-1]
    assert subject(monthly) == "Reports One: monthly scorecard, March 2026"
    month_rows = list(csv.DictReader(io.StringIO(attachments(monthly)["scorecard-month-2026-03-01.csv"])))
    assert [(r["key"], float(r["value"]), int(r["n"])) for r in month_rows if r["kpi"] == "fcr"] == [
        ("South", 66.4, 410),
        ("bob.b", 59.9, 152),
    ]
    assert ("ada@one.test", "report_month", MONTH, "sent") in ledger()


def test_unsubscribing_stops_the_next_period(fresh, smtp, django_db_blocker):  # noqa: F811
    dispatch(MONDAY_9)
    assert len(smtp.messages) == 1
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        mona = own_tenant_user("mona@one.test")
        report_subscription_delete(subscription=ReportSubscription.objects.get(recipient=mona), by=mona)
        snap("fcr", "team", "North", 80.1, 100, 71.2, 86.8, start=WEEK + dt.timedelta(days=7))
    try:
        assert dispatch(MONDAY_9 + dt.timedelta(days=7)) == []
        assert len(smtp.messages) == 1
    finally:
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            KpiSnapshot.objects.filter(period_start=WEEK + dt.timedelta(days=7)).delete()


def test_a_failed_send_is_on_the_ledger_and_the_next_hour_sends_it(fresh, smtp):  # noqa: F811
    with override_settings(EMAIL_PORT=free_port()):  # nothing listens there
        with pytest.raises(Exception, match="1 report"):
            dispatch(MONDAY_9)
    with schema_context(SCHEMA):
        failed = DigestDelivery.objects.get()
    assert failed.status == "failed" and "ConnectionRefused" in failed.last_error
    assert [r[2] for r in dispatch(MONDAY_9 + dt.timedelta(hours=1))] == [{"sent": 1, "skipped": 0, "failed": 0}]
    assert len(smtp.messages) == 1 and ledger() == [("mona@one.test", "report_week", WEEK, "sent")]


def test_the_dispatcher_sends_through_a_real_worker(fresh, smtp, celery_worker_thread):  # noqa: F811
    with time_machine.travel(MONDAY_9, tick=True):
        enqueued = report_dispatch()
    assert f"{SCHEMA}:week:{WEEK.isoformat()}" in enqueued
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and [s for *_, s in ledger()] != ["sent"]:
        time.sleep(0.2)
    assert ledger() == [("mona@one.test", "report_week", WEEK, "sent")]
    # other tenants of the test database (the accessibility tests' demo) may be due too
    assert [m["To"] for m in smtp.messages if m["To"].endswith("@one.test")] == ["mona@one.test"]
