"""A manager's wallboard follows the live events without a reload; a kiosk link opens the
board without login and stops once an admin revokes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Agent
from accounts.services import team_create, user_create
from live.events import AgentStateEvent, ContactEvent
from live.services import live_events_ingest
from live.state import forget
from tenants.services import tenant_create, tenant_drop
from tests.e2e.conftest import watch_csp_violations
from tests.e2e.test_navigation import open_nav_group

pytestmark = pytest.mark.browser

SCHEMA = "e2e_live"


@pytest.fixture
def live_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema=SCHEMA, domain="e2e-live.localhost", name="E2E Live", timezone="Europe/Berlin")
        forget(SCHEMA)
        try:
            with schema_context(SCHEMA):
                manager = user_create(email="manager@e2e.test", password="e2e-manager-pass", role="manager")
                user_create(email="admin@e2e.test", password="e2e-admin-pass", role="admin")
                team = team_create(name="North", managers=[manager])
                Agent.objects.create(acd_login="ana", display_name="Ana Ortiz", team=team)
                Agent.objects.create(acd_login="ben", display_name="Ben Other")  # no team: not hers
            yield tenant
        finally:
            forget(SCHEMA)
            tenant_drop(tenant=tenant)


def _ingest(*events) -> None:
    """As the events API does: inside the tenant, committed (the change notice goes out then)."""
    with schema_context(SCHEMA):
        summary = live_events_ingest(events=list(events), source="e2e")
    assert not summary.errors, summary.errors


def _enqueued(line: int, external_id: str) -> ContactEvent:
    return ContactEvent(
        line=line,
        event_id=f"e2e-{external_id}",
        kind="enqueued",
        at=timezone.now(),
        external_id=external_id,
        queue="Billing",
    )


def _log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_managers_wallboard_shows_a_new_figure_within_two_seconds(
    live_tenant, live_server_url, page, django_db_blocker
):
    base = f"http://e2e-live.localhost:{live_server_url}"
    with django_db_blocker.unblock():
        _ingest(
            AgentStateEvent(
                line=1, event_id="e2e-s1", at=timezone.now() - dt.timedelta(minutes=3), agent="ana", state="ready"
            ),
            AgentStateEvent(line=2, event_id="e2e-s2", at=timezone.now(), agent="ben", state="ready"),
        )
    _log_in(page, base, "manager@e2e.test", "e2e-manager-pass")
    open_nav_group(page, "Live")
    page.get_by_role("link", name="Wallboard").click()

    waiting = page.locator('[data-field="waiting"]')
    expect(waiting).to_have_text("0")
    agents = page.get_by_role("region", name="Agents")
    expect(agents.get_by_role("rowheader", name="Ana Ortiz")).to_be_visible()
    expect(agents).not_to_contain_text("Ben Other")
    # the stream is open once the script has rendered the first board it sent
    page.wait_for_function("() => document.querySelector('[data-version]') !== null")

    with django_db_blocker.unblock():
        _ingest(_enqueued(1, "c-1"), _enqueued(2, "c-2"))

    expect(waiting).to_have_text("2", timeout=2_000)
    expect(page.locator("[data-announce]")).to_have_text("2 calls waiting")
    expect(page.get_by_role("region", name="Queues").get_by_role("rowheader", name="Billing")).to_be_visible()


def test_a_kiosk_link_works_without_login_and_stops_when_revoked(
    live_tenant, live_server_url, page, browser, django_db_blocker
):
    base = f"http://e2e-live.localhost:{live_server_url}"
    _log_in(page, base, "admin@e2e.test", "e2e-admin-pass")
    page.goto(base + "/settings/kiosks/")
    page.get_by_label("Name").fill("Floor 2")
    page.get_by_role("button", name="Create").click()
    url = page.get_by_label("Link of Floor 2").input_value()
    assert url.startswith(base + "/live/kiosk/")

    tv = browser.new_context()  # no session: a wall TV
    violations = watch_csp_violations(tv)
    try:
        screen = tv.new_page()
        screen.goto(url)
        expect(screen.get_by_role("heading", name="Floor 2")).to_be_visible()
        screen.wait_for_function("() => document.querySelector('[data-version]') !== null")
        with django_db_blocker.unblock():
            _ingest(_enqueued(1, "k-1"))
        expect(screen.locator('[data-field="waiting"]')).to_have_text("1", timeout=2_000)

        page.get_by_role("button", name="Revoke").click()
        expect(page.get_by_text("revoked", exact=False).first).to_be_visible()

        # the open stream ends and the screen says so, without anyone touching it
        expect(screen.get_by_role("heading", name="This wallboard was switched off")).to_be_visible(timeout=5_000)
        assert screen.goto(url).status == 410
    finally:
        tv.close()
    assert not violations, violations
