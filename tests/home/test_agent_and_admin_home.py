"""The agent's "My week" (her own items only, gone once done or acknowledged) and the admin's
set-up checklist and "What failed lately"."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.sessions import action_item_done, coaching_session_transition
from interactions.models import ImportRun
from qa.services import evaluation_acknowledge
from tests.factories import KpiSnapshotFactory


def test_alice_sees_her_own_week_and_none_of_bobs(home_items, people, tenants, web):
    KpiSnapshotFactory(kpi="fcr", key="alice.a", period_start=home_items.week, value=62.0, ci_low=50.0, ci_high=72.0)
    KpiSnapshotFactory(kpi="fcr", key="bob.b", period_start=home_items.week, value=91.5, ci_low=85.0, ci_high=95.0)
    response = web(tenants.alpha, people.alice).get("/")
    page = response.content.decode()
    week = response.context["week"]
    assert "north-action-item" in page and "south-action-item" not in page
    assert [s.pk for s in week.sections["sessions"].rows] == [home_items.north.session.pk]
    assert [e.pk for e in week.sections["evaluations"].rows] == []  # disputed, no longer to acknowledge
    assert [(line.code, line.value, line.n) for line in week.kpis] == [("fcr", "62.0 %", 50)]
    assert "50.0 % – 72.0 %" in page and "91.5" not in page
    assert "no value last week" in page
    assert 'id="recognitions-heading"' in page


def test_her_items_disappear_once_done_or_acknowledged(home_items, people, tenants, web):
    contacts_form = home_items.form
    from tests.qa.test_qa_forms import ALL_MET, contacts, evaluate

    [contact] = contacts(("north-second", "alice.a"))
    evaluation = evaluate(contacts_form, contact, people.mona, ALL_MET)
    client = web(tenants.alpha, people.alice)
    week = client.get("/").context["week"]
    assert [e.pk for e in week.sections["evaluations"].rows] == [evaluation.pk]
    assert reverse("qa_evaluation", args=[evaluation.pk]) in client.get("/").content.decode()

    action_item_done(item=home_items.north.item, by=people.alice)
    coaching_session_transition(session=home_items.north.session, to="acknowledged", by=people.alice)
    evaluation_acknowledge(evaluation=evaluation, by=people.alice)
    response = client.get("/")
    week = response.context["week"]
    assert all(section.rows == [] for section in week.sections.values())
    assert "north-action-item" not in response.content.decode()


def test_the_effort_pulse_is_offered_when_due(people, tenants, web):
    page = web(tenants.alpha, people.alice).get("/").content.decode()
    assert reverse("effort_pulse") in page and 'id="home-pulse"' in page


def test_the_admin_checklist_says_what_is_done(people, tenants, web):
    response = web(tenants.alpha, people.ada).get("/")
    steps = {step.key: step for step in response.context["checklist"]}
    assert steps["teams"].done and (steps["teams"].count, steps["teams"].total) == (2, 2)
    assert steps["agents"].done  # alice and bob both have a login
    assert steps["api_keys"].done  # the people fixture made alpha's key
    assert not steps["data"].done and not steps["surveys"].done and not steps["targets"].done
    assert steps["digests"].done  # mona and max manage a team: the default schedule reaches them
    page = response.content.decode()
    assert reverse("import_upload") in page and reverse("target_list") in page
    assert "0 of 6 north-star KPIs have a target" in page


def test_what_failed_lately_lists_the_last_14_days_only(people, tenants, web):
    recent = ImportRun.objects.create(
        kind="interactions", file_name="broken-recent.csv", status="failed", error_message="bad header"
    )
    old = ImportRun.objects.create(kind="interactions", file_name="broken-long-ago.csv", status="failed")
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=15))
    client = web(tenants.alpha, people.ada)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert "broken-recent.csv" in page and "bad header" in page and "broken-long-ago.csv" not in page
    assert reverse("import_detail", args=[recent.pk]) in page
    assert len(queries) <= 25
    ImportRun.objects.filter(pk=recent.pk).delete()
    page = client.get("/").content.decode()
    assert "Nothing failed in the last 14 days." in page


def test_each_home_page_is_for_its_role_only(home_items, people, tenants, web):
    assert "home/manager.html" in [t.name for t in web(tenants.alpha, people.mona).get("/").templates]
    assert "home/agent.html" in [t.name for t in web(tenants.alpha, people.bob).get("/").templates]
    assert "home/admin.html" in [t.name for t in web(tenants.alpha, people.ada).get("/").templates]
    page = web(tenants.alpha, people.bob).get("/").content.decode()
    assert "north-action-item" not in page and "north-unhappy" not in page
