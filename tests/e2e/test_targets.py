"""An admin sets a KPI target and watches the realism check follow the thresholds she types;
an AHT target without FCR and repeat-rate targets beside it is refused with the reason."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Agent, Team
from accounts.services import user_create
from interactions.models import InteractionType
from scorecards.models import KpiSnapshot, Target
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser


@pytest.fixture
def center(django_db_blocker):
    """A contact center whose three agents had enough contacts last week (FCR 82, 70, 95)."""
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_targets", domain="e2e-targets.localhost", name="E2E Targets Center", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_targets"):
                user_create(email="admin@e2e.test", password="e2e-admin-pass", role="admin")
                north = Team.objects.create(name="North")
                InteractionType.objects.create(name="billing")
                today = timezone.localdate(timezone=tenant.tz)
                last_week = today - dt.timedelta(days=today.weekday() + 7)
                for login, fcr in (("ann.a", 82), ("ben.b", 70), ("cat.c", 95)):
                    Agent.objects.create(acd_login=login, team=north)
                    KpiSnapshot.objects.create(
                        kpi="fcr",
                        scope="agent",
                        key=login,
                        period="week",
                        period_start=last_week,
                        value=fcr,
                        n=40,
                        insufficient_data=False,
                        computed_at=timezone.now(),
                    )
            yield last_week
        finally:
            tenant_drop(tenant=tenant)


def test_admin_sets_a_target_sees_the_realism_check_and_an_unpaired_aht_refused(
    center, live_server_url, page, django_db_blocker
):
    last_week = center.isoformat()
    base = f"http://e2e-targets.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("admin@e2e.test")
    page.get_by_label("Password").fill("e2e-admin-pass")
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "/kpis/targets/")

    status = page.locator("#realism-status")
    expect(status).to_contain_text("Choose a KPI and a green threshold")
    page.get_by_label("KPI").select_option("fcr")
    page.get_by_label("Green at").fill("80")
    expect(status).to_contain_text("whose weekly First-contact resolution was green (≥ 80)")
    last_row = page.locator("#realism-table tbody tr").last
    expect(last_row).to_have_text(re.compile(rf"{last_week}\s*2\s*3\s*66\.7%"))
    expect(page.locator("#realism-table tbody tr").first).to_contain_text("No agent had enough contacts")

    page.get_by_label("Green at").fill("90")
    expect(last_row).to_have_text(re.compile(rf"{last_week}\s*1\s*3\s*33\.3%"))
    page.get_by_label("Amber at").fill("75")
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_role("status")).to_contain_text("Target saved: First-contact resolution")
    expect(page.locator("#targets")).to_contain_text("green ≥ 90, amber ≥ 75")

    page.get_by_label("KPI").select_option("aht")
    expect(page.locator("#diagnostic-note")).to_be_visible()
    page.get_by_label("Interaction type").select_option(label="billing")
    page.get_by_label("Direction").select_option("lower")
    page.get_by_label("Green at").fill("300")
    page.get_by_label("Amber at").fill("360")
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "AHT is a diagnostic: a target on it is accepted only per interaction type, next to FCR and "
        "repeat-rate targets on the same scorecard, so speed is never pushed at the cost of resolution."
    )

    with django_db_blocker.unblock(), schema_context("e2e_targets"):
        assert list(Target.objects.values_list("kpi", "green", "amber")) == [("fcr", 90, 75)]
