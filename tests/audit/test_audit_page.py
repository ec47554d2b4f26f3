"""/settings/audit/: alpha's admins read alpha's log, filter it and take it away as CSV;
managers, agents and beta never see a row of it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory

from audit.actions import Action
from audit.context import Actor, acting_as
from audit.services import audit_record
from scorecards.targets import SETTINGS
from tenants.admin import KPI_SETTINGS
from tenants.models import Tenant

URL = "/settings/audit/"
# long and with hyphens: found in a page only when the row itself is shown
SECRET = "alpha-only-team-of-the-audit-test"


@pytest.fixture
def log(people, in_tenant, tenants):
    """Rows of alpha at known times (Europe/Berlin), and one of beta."""
    in_tenant(tenants.beta)
    with acting_as(people.bea):
        audit_record(action=Action.TEAM_CREATE, object_label="beta-only-team-of-the-audit-test")
    in_tenant(tenants.alpha)
    rows = [
        (dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), people.ada, Action.TEAM_CREATE, SECRET),  # 2 March in Berlin
        (dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), people.mona, Action.EXCLUSION_CREATE, "outage-contact-7"),
        (
            dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC),
            Actor(None, "apikey:alpha crm"),
            Action.IMPORT_RUN,
            "=HYPERLINK(evil)",
        ),
    ]
    for at, actor, action, label in rows:
        with time_machine.travel(at, tick=False), acting_as(actor):
            audit_record(action=action, object_type="test.thing", object_id=7, object_label=label, after={"n": 1})


def _page(client, **query) -> str:
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_reads_her_centers_log_newest_first(tenants, people, web, log):
    page = _page(web(tenants.alpha, people.ada))
    assert page.index("=HYPERLINK(evil)") < page.index("outage-contact-7") < page.index(SECRET)
    assert "beta-only-team-of-the-audit-test" not in page
    assert 'href="/settings/audit/"' in page  # in her navigation


@pytest.mark.parametrize("who", ["mona", "alice"])
def test_managers_and_agents_are_refused(tenants, people, web, log, who):
    response = web(tenants.alpha, getattr(people, who)).get(URL)
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    assert 'href="/settings/audit/"' not in _home(web(tenants.alpha, getattr(people, who)))


def _home(client) -> str:
    return client.get("/", follow=True).content.decode()


def test_anonymous_goes_to_login(tenants, web, log):
    response = web(tenants.alpha).get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_centers_admin_sees_only_her_own_log(tenants, people, web, log):
    page = _page(web(tenants.beta, people.bea))
    assert "beta-only-team-of-the-audit-test" in page
    assert SECRET not in page and "outage-contact-7" not in page
    csv_text = web(tenants.beta, people.bea).get(URL, {"format": "csv"}).getvalue().decode()
    assert SECRET not in csv_text


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"action": "exclusion.create"}, ["outage-contact-7"]),
        ({"actor": "MONA"}, ["outage-contact-7"]),
        ({"actor": "apikey"}, ["=HYPERLINK(evil)"]),
        ({"since": "2026-03-02", "until": "2026-03-02"}, [SECRET]),  # 23:30 UTC on the 1st is the 2nd in Berlin
        ({"since": "2026-03-03"}, ["outage-contact-7", "=HYPERLINK(evil)"]),
        ({"until": "2026-03-01"}, []),
        ({"text": "outage"}, ["outage-contact-7"]),
        ({"object_type": "test.thing", "action": "team.create"}, [SECRET]),
    ],
)
def test_filters(tenants, people, web, log, query, shown):
    page = _page(web(tenants.alpha, people.ada), **query)
    labels = [SECRET, "outage-contact-7", "=HYPERLINK(evil)"]
    assert [label for label in labels if label in page] == [label for label in labels if label in shown]
    if not shown:
        assert "No change matches these filters." in page


def test_a_filter_it_cannot_apply_shows_nothing_and_says_why(tenants, people, web, log):
    page = _page(web(tenants.alpha, people.ada), since="2026-03-05", until="2026-03-01")
    assert SECRET not in page and "must be on or before" in page
    page = _page(web(tenants.alpha, people.ada), action="not.an.action")
    assert SECRET not in page


def test_the_csv_holds_the_filtered_rows_with_formulas_defused(tenants, people, web, log):
    response = web(tenants.alpha, people.ada).get(URL, {"actor": "a", "since": "2026-03-03", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [(r["actor"], r["action"], r["object"]) for r in rows] == [
        ("apikey:alpha crm", "import.run", "'=HYPERLINK(evil)"),  # not a live formula in a spreadsheet
        ("mona@alpha.test", "exclusion.create", "outage-contact-7"),
    ]
    assert rows[1]["at"] == "2026-03-03T10:00:00+01:00"  # the center's time
    assert json.loads(rows[1]["after"]) == {"n": 1} and rows[1]["before"] == ""
    assert rows[1]["actor_id"] == str(people.mona.pk) and rows[0]["actor_id"] == ""


def test_an_empty_log_says_so(tenants, people, web):
    page = _page(web(tenants.alpha, people.ada), text="nothing-like-this")
    assert "No change matches these filters." in page


def test_the_page_is_paged_and_its_queries_do_not_grow(tenants, people, web, django_assert_max_num_queries):
    for n in range(60):
        audit_record(action=Action.TEAM_CREATE, object_label=f"team-{n:02d}-of-the-paging-test")
    client = web(tenants.alpha, people.ada)
    with django_assert_max_num_queries(12):
        first = _page(client)
    assert "team-59-of-the-paging-test" in first and "team-09-of-the-paging-test" not in first
    assert "team-09-of-the-paging-test" in _page(client, page=2)


def test_the_platform_admin_reads_the_platform_log_and_cannot_edit_it():
    from audit.models import AuditEvent

    log_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    assert not log_admin.has_add_permission(request)
    assert not log_admin.has_change_permission(request) and not log_admin.has_delete_permission(request)


def test_the_platform_admin_only_reads_the_kpi_settings(people):
    """Platform staff would bypass the audited settings page (and the recompute): read-only."""
    assert set(KPI_SETTINGS) == set(SETTINGS)
    request = RequestFactory().get("/admin/")
    request.user = type("Staff", (), {"is_superuser": True, "is_active": True, "is_staff": True})()
    tenant_admin = admin.site._registry[Tenant]
    form = tenant_admin.get_form(request, obj=Tenant.objects.get(schema_name="alpha"))
    assert not set(KPI_SETTINGS) & set(form.base_fields)
    assert "name" in form.base_fields
