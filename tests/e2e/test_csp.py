"""Every kind of page works under the Content-Security-Policy: the API docs (Swagger UI), the
platform admin on the public host; and the `page` fixture's watcher, which makes
every browser test fail on a violation, does catch one."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.services import platform_staff_create, user_create
from tenants.services import tenant_create, tenant_drop
from tests.accounts.test_platform_admin import code
from tests.e2e.conftest import watch_csp_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def docs_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema="e2e_csp", domain="e2e-csp.localhost", name="E2E CSP Center", timezone="UTC")
        try:
            with schema_context("e2e_csp"):
                user_create(email="admin@csp.test", password="csp-admin-pass", role="admin")
                manager = user_create(email="manager@csp.test", password="csp-manager-pass", role="manager")
            yield manager
        finally:
            tenant_drop(tenant=tenant)


@pytest.fixture
def platform_staff(django_db_blocker):
    with django_db_blocker.unblock(), schema_context("public"):
        staff, _uri = platform_staff_create(
            username="csp-staff", email="staff@csp.test", password="a-long-staff-passphrase-9"
        )
        try:
            yield staff
        finally:
            # a raw delete: the ORM's cascade would look for tenant tables in the public schema
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM otp_totp_totpdevice WHERE user_id = %s", [staff.pk])
                cursor.execute("DELETE FROM accounts_user WHERE id = %s", [staff.pk])


def test_the_watcher_reports_an_inline_script_and_an_inline_style(browser, live_server_url):
    context = browser.new_context()
    try:
        violations = watch_csp_violations(context)
        page = context.new_page()
        response = page.goto(f"http://localhost:{live_server_url}/")
        assert response and "script-src 'self'" in response.headers["content-security-policy"]
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.ran = true";
              document.body.append(script);
              const div = document.createElement("div");
              div.setAttribute("style", "color: red");
              document.body.append(div);
            }"""
        )
        page.wait_for_timeout(300)  # the violation events are dispatched asynchronously
        assert page.evaluate("window.ran") is None  # the inline script was refused
        assert any("script-src" in v for v in violations), violations
        assert any("style-src" in v for v in violations), violations
    finally:
        context.close()


def test_swagger_ui_renders_the_api_under_the_policy(docs_tenant, live_server_url, page):
    base = f"http://e2e-csp.localhost:{live_server_url}"
    page.goto(base + "/api/v1/docs/")
    # the operations come from the schema, fetched and drawn by Swagger UI's scripts
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/kpis/")


def test_platform_staff_use_the_admin_under_the_policy(platform_staff, live_server_url, page, django_db_blocker):
    # Playwright's teardown of `page` fails this test on any violation of the admin's pages.
    base = f"http://localhost:{live_server_url}"
    page.goto(base + "/admin/")
    page.get_by_label("Username").fill("csp-staff")
    page.get_by_label("Password").fill("a-long-staff-passphrase-9")
    with django_db_blocker.unblock(), schema_context("public"):
        page.get_by_label("Authentication code").fill(code(platform_staff))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(base + "/admin/tenants/tenant/")
    expect(page.locator("#result_list, .paginator").first).to_be_visible()
    page.goto(base + "/admin/tenants/tenant/add/")
    expect(page.locator("form")).not_to_have_count(0)


def test_the_digest_preview_opens_under_the_policy(docs_tenant, live_server_url, page):
    # The email's HTML sits in a srcdoc iframe, which inherits the page's policy.
    base = f"http://e2e-csp.localhost:{live_server_url}"
    page.goto(base + "/login/")
    page.get_by_label("Email").fill("admin@csp.test")
    page.get_by_label("Password").fill("csp-admin-pass")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/coaching/digests/preview/?user={docs_tenant.pk}")
    expect(page.locator("#digest-text")).to_contain_text("manager@csp.test")
    email = page.frame_locator("#digest-html").locator("body")
    expect(email).to_contain_text("manager@csp.test")
    # the email's own style attributes apply inside the frame (and break no policy)
    assert email.evaluate("body => getComputedStyle(body).fontFamily") == "sans-serif"
