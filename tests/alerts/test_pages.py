"""The rules page (admins) and the history page (admins and managers): forms, errors, audit,
paging, CSV, and who may see what."""

import csv
import io

import pytest
from django.db import connection

from alerts.models import AlertEpisode, AlertRule, EndReason, Kind
from alerts.services import alert_rule_create
from audit.models import AuditEvent
from tests.alerts.conftest import when


def episode(rule, start_seconds: float, *, duration: float | None = 300, worst: float = 62.5) -> AlertEpisode:
    return AlertEpisode.objects.create(
        rule=rule,
        kind=rule.kind,
        queue=rule.queue,
        threshold=rule.threshold,
        started_at=when(start_seconds),
        recovered_at=when(start_seconds + duration) if duration is not None else None,
        end_reason=EndReason.RECOVERED if duration is not None else "",
        value_at_start=70,
        worst_value=worst,
        last_value=82,
        last_evaluated_at=when(start_seconds),
    )


@pytest.fixture
def sl_rule(people):
    return alert_rule_create(name="Billing SL", kind=Kind.SERVICE_LEVEL_BELOW, threshold=80, queue="Billing")


def test_an_admin_creates_a_rule_from_the_form(tenants, people, web):
    client = web(tenants.alpha, people.ada)
    page = client.get("/settings/alerts/")
    assert page.status_code == 200 and "No alert rules yet." in page.content.decode()
    assert "at least the rule's minimum number of contacts" in page.content.decode()
    form = client.get("/settings/alerts/new/").content.decode()
    assert "a window with fewer contacts is not judged" in form
    response = client.post(
        "/settings/alerts/new/",
        {
            "name": "Nobody ready",
            "kind": Kind.WAITING_WITHOUT_AGENTS,
            "window_minutes": 15,
            "min_contacts": 10,
            "recipients": [people.mona.pk],
            "extra_emails": "oncall@alpha.test, desk@alpha.test",
            "webhook": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/settings/alerts/"
    rule = AlertRule.objects.get()
    assert (rule.kind, rule.threshold, rule.queue, rule.created_by) == (
        Kind.WAITING_WITHOUT_AGENTS,
        None,
        "",
        people.ada,
    )
    assert list(rule.recipients.all()) == [people.mona]
    assert rule.extra_emails == ["oncall@alpha.test", "desk@alpha.test"]
    event = AuditEvent.objects.get(action="alert_rule.create")
    assert event.actor_id == people.ada.pk and event.after["recipients"] == ["mona@alpha.test"]
    listing = client.get("/settings/alerts/").content.decode()
    assert "Calls waiting while no agent is ready (whole center)" in listing


def test_form_errors_are_shown_next_to_their_field(tenants, people, web):
    client = web(tenants.alpha, people.ada)
    response = client.post(
        "/settings/alerts/new/",
        {"name": "SL", "kind": Kind.SERVICE_LEVEL_BELOW, "window_minutes": 15, "min_contacts": 10, "extra_emails": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not AlertRule.objects.exists()
    threshold_field = html[html.index('for="id_threshold"') : html.index('for="id_window_minutes"')]
    assert '<p class="error" role="alert">This condition needs a threshold.</p>' in threshold_field
    fields = {"name": "SL", "kind": Kind.ABANDONMENT_ABOVE, "threshold": 140, "window_minutes": 15}
    html = client.post("/settings/alerts/new/", {**fields, "min_contacts": 10}).content.decode()
    assert '<p class="error" role="alert">A percentage is between 0 and 100.</p>' in html
    html = client.post("/settings/alerts/new/", {**fields, "threshold": 5, "min_contacts": 0}).content.decode()
    assert "Ensure this value is greater than or equal to 1." in html
    assert not AlertRule.objects.exists()


def test_an_admin_edits_and_deletes_a_rule_audited(tenants, people, web, sl_rule):
    episode(sl_rule, 0)
    client = web(tenants.alpha, people.ada)
    form = client.get(f"/settings/alerts/{sl_rule.pk}/").content.decode()
    assert 'value="Billing SL"' in form and '<option value="80.0"' not in form
    response = client.post(
        f"/settings/alerts/{sl_rule.pk}/",
        {
            "name": "Billing SL",
            "kind": Kind.SERVICE_LEVEL_BELOW,
            "threshold": 85,
            "window_minutes": 30,
            "queue": "Billing",
            "min_contacts": 10,
            "webhook": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    sl_rule.refresh_from_db()
    assert (sl_rule.threshold, sl_rule.window_minutes) == (85, 30)
    update = AuditEvent.objects.get(action="alert_rule.update")
    assert update.before == {"threshold": 80.0, "window_minutes": 15}
    assert update.after == {"threshold": 85.0, "window_minutes": 30}
    confirm = client.get(f"/settings/alerts/{sl_rule.pk}/delete/").content.decode()
    assert "Its history of 1 alert is deleted with it." in confirm
    assert client.post(f"/settings/alerts/{sl_rule.pk}/delete/").status_code == 302
    assert not AlertRule.objects.exists() and not AlertEpisode.objects.exists()
    assert AuditEvent.objects.get(action="alert_rule.delete").before["name"] == "Billing SL"


def test_the_history_newest_first_with_ongoing_and_durations(tenants, people, web, sl_rule):
    episode(sl_rule, 0, duration=125, worst=61.0)
    episode(sl_rule, 3600, duration=None, worst=55.5)
    html = web(tenants.alpha, people.mona).get("/live/alerts/").content.decode()
    rows = html[html.index("<tbody>") : html.index("</tbody>")].split("<tr>")[1:]
    assert "ongoing" in rows[0] and "55.5%" in rows[0] and "2026-11-30 10:00:00" in rows[0]
    assert "2 min 05 s" in rows[1] and "61.0%" in rows[1] and "2026-11-30 09:02:05" in rows[1]
    assert "Service level of the last 15 minutes below 80.0% (queue Billing)" in rows[1]


def test_the_history_is_paged_with_constant_queries_and_exports_csv(
    tenants, people, web, sl_rule, django_assert_max_num_queries
):
    for i in range(55):
        episode(sl_rule, i * 600)
    client = web(tenants.alpha, people.ada)
    with django_assert_max_num_queries(12):
        first = client.get("/live/alerts/").content.decode()
    assert "Page 1 of 2" in first and first.count("<tr>") == 51  # the header and 50 rows
    assert client.get("/live/alerts/?page=2").content.decode().count("<tr>") == 6
    response = client.get("/live/alerts/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["rule", "queue", "condition", "started_at", "recovered_at"]
    assert len(rows) == 56
    newest = rows[1]
    assert newest[0] == "Billing SL" and newest[3] == (when(54 * 600)).isoformat() and newest[6] == "300"


def test_the_empty_history(tenants, people, web):
    assert "No alert has fired yet." in web(tenants.alpha, people.max).get("/live/alerts/").content.decode()


@pytest.mark.parametrize(
    ("who", "path", "method", "expected"),
    [
        ("alice", "/live/alerts/", "get", 403),
        ("alice", "/settings/alerts/", "get", 403),
        ("mona", "/live/alerts/", "get", 200),
        ("mona", "/settings/alerts/", "get", 403),
        ("mona", "/settings/alerts/new/", "post", 403),
        ("mona", "/settings/alerts/{pk}/delete/", "post", 403),
        ("ada", "/settings/alerts/{pk}/", "get", 200),
    ],
)
def test_who_may_use_which_page(tenants, people, web, sl_rule, who, path, method, expected):
    client = web(tenants.alpha, getattr(people, who))
    response = getattr(client, method)(path.format(pk=sl_rule.pk))
    assert response.status_code == expected
    assert AlertRule.objects.filter(pk=sl_rule.pk).exists()


def test_anonymous_goes_to_the_login(db, tenants, web):
    response = web(tenants.alpha).get("/live/alerts/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_center_sees_none_of_it(tenants, people, web, sl_rule):
    episode(sl_rule, 0)
    beta_admin = web(tenants.beta, people.bea)
    assert "No alert has fired yet." in beta_admin.get("/live/alerts/").content.decode()
    assert "Billing SL" not in beta_admin.get("/settings/alerts/").content.decode()
    assert beta_admin.get(f"/settings/alerts/{sl_rule.pk}/").status_code == 404
    assert beta_admin.post(f"/settings/alerts/{sl_rule.pk}/delete/").status_code == 404
    connection.set_tenant(tenants.alpha)
    assert AlertRule.objects.filter(pk=sl_rule.pk).exists()


def test_the_navigation_links(tenants, people, web):
    admin = web(tenants.alpha, people.ada).get("/live/alerts/").content.decode()
    assert 'href="/settings/alerts/"' in admin and 'href="/live/alerts/"' in admin
    manager = web(tenants.alpha, people.mona).get("/").content.decode()
    assert 'href="/live/alerts/"' in manager and 'href="/settings/alerts/"' not in manager
    agent = web(tenants.alpha, people.alice).get("/").content.decode()
    assert "/live/alerts/" not in agent
