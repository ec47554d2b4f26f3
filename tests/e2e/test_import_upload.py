"""An admin of a demo contact center logs in and uploads a CSV through the page."""

import pytest
from django_tenants.utils import schema_context

from accounts.services import user_create
from interactions.models import ImportRun, Interaction
from tenants.services import tenant_create, tenant_drop
from tests.e2e.test_navigation import open_nav_group

pytestmark = pytest.mark.browser

CSV = (
    "external_id,channel,queue,interaction_type,agent,offered_at,answered_at,ended_at,"
    "talk_seconds,hold_seconds,acw_seconds\n"
    "web-1,voice,Billing,billing,agent.web,2026-03-02T09:00:00,2026-03-02T09:00:20,"
    "2026-03-02T09:05:00,260,20,30\n"
    "web-2,chat,Tech Support,tech_support,agent.web,2026-03-02T09:10:00,2026-03-02T09:09:00,"
    ",100,0,10\n"
)


@pytest.fixture
def demo_tenant(django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_demo", domain="e2e-demo.localhost", name="E2E Demo Center", timezone="Europe/Berlin"
        )
        try:
            call_command("demo_data", "--schema", "e2e_demo", "--days", "2", "--agents", "8")
            with schema_context("e2e_demo"):
                user_create(email="admin@e2e.test", password="e2e-admin-pass", role="admin")
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def test_admin_uploads_a_csv_and_sees_the_summary_and_rejected_line(
    demo_tenant, live_server_url, page, tmp_path, django_db_blocker
):
    base = f"http://e2e-demo.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("admin@e2e.test")
    page.get_by_label("Password").fill("e2e-admin-pass")
    page.get_by_role("button", name="Log in").click()
    open_nav_group(page, "Settings")
    page.get_by_role("link", name="Imports", exact=True).click()

    csv = tmp_path / "contacts.csv"
    csv.write_text(CSV)
    page.get_by_label("Kind").select_option("interactions")
    page.get_by_label("File").set_input_files(str(csv))
    page.get_by_role("button", name="Upload and import").click()

    page.wait_for_selector("#import-summary")
    summary = page.locator("#import-summary").inner_text()
    assert "Created\n1" in summary and "Rejected\n1" in summary
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.inner_text().startswith("3\tanswered_at")

    with django_db_blocker.unblock(), schema_context("e2e_demo"):
        assert Interaction.objects.filter(external_id="web-1").exists()
        assert not Interaction.objects.filter(external_id="web-2").exists()
        run = ImportRun.objects.get(file_name="contacts.csv")
        assert run.created_by.email == "admin@e2e.test"


def test_a_file_over_the_upload_limit_is_refused_before_it_is_sent(
    demo_tenant, live_server_url, page, tmp_path, django_db_blocker, settings
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024  # the live server runs in this process
    base = f"http://e2e-demo.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("admin@e2e.test")
    page.get_by_label("Password").fill("e2e-admin-pass")
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "/imports/")
    assert "Files up to 1.0" in page.content()

    big = tmp_path / "big.csv"
    big.write_bytes(CSV.encode() + b"x" * (2 * 1024 * 1024))
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.get_by_label("Kind").select_option("interactions")
    page.get_by_label("File").set_input_files(str(big))
    page.get_by_role("button", name="Upload and import").click()

    message = page.locator("#upload-pct")
    message.wait_for()
    assert "uploads take at most 1 MB" in message.inner_text() and "Split it" in message.inner_text()
    assert posts == []
    with django_db_blocker.unblock(), schema_context("e2e_demo"):
        assert not ImportRun.objects.filter(file_name="big.csv").exists()
