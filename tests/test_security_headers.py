"""Every response carries the Content-Security-Policy and the other headers of Django's
deployment checklist: a tenant page, the public host, an API answer and the API docs."""

from __future__ import annotations

from django.test import Client

from common.security_headers import permissions_policy_header

STRICT_CSP = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def assert_security_headers(response) -> list[str]:
    csp = [directive.strip() for directive in response["Content-Security-Policy"].split(";")]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    return csp


def test_a_tenant_page_has_the_strict_policy_and_the_other_headers(tenants, people, web):
    response = web(tenants.alpha, people.mona).get("/kpis/")
    assert response.status_code == 200
    csp = assert_security_headers(response)
    assert set(STRICT_CSP) <= set(csp)
    assert not any("unsafe" in directive for directive in csp)
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_login_page_and_the_public_host_too(tenants, web, db):
    login = web(tenants.alpha).get("/login/")
    assert login.status_code == 200 and set(STRICT_CSP) <= set(assert_security_headers(login))
    landing = Client().get("/", HTTP_HOST="localhost")
    assert landing.status_code == 200 and set(STRICT_CSP) <= set(assert_security_headers(landing))


def test_an_api_answer_has_them(tenants, people, api):
    response = api(tenants.alpha, key=people.alpha_key).get("/api/v1/teams/")
    assert response.status_code == 200
    assert set(STRICT_CSP) <= set(assert_security_headers(response))


def test_no_page_of_ours_needs_an_inline_script_or_style(tenants, people, web):
    from pathlib import Path

    from tests.paths import ROOT

    # Emails are exempt: they are not pages, and mail clients need inline styles.
    pages = [p for p in (Path(ROOT) / "templates").rglob("*.html") if "emails" not in p.parts]
    offending = [
        str(p.relative_to(ROOT))
        for p in pages
        if any(marker in p.read_text() for marker in ("style=", "<style", "<script>", " on" + "click="))
    ]
    assert offending == []


def test_swagger_ui_needs_no_exception(tenants, web, db):
    response = web(tenants.alpha).get("/api/v1/docs/")
    assert response.status_code == 200
    assert set(STRICT_CSP) <= set(assert_security_headers(response))
    # Swagger UI's start-up script is a file of its own, not inline
    assert b"<script>" not in response.content and b"<style>" not in response.content
    script = web(tenants.alpha).get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_the_platform_admin_alone_may_use_inline_styles_never_scripts(tenants, web, db):
    admin = Client().get("/admin/login/", HTTP_HOST="localhost")
    csp = assert_security_headers(admin)
    assert "style-src 'self' 'unsafe-inline'" in csp and "script-src 'self'" in csp
    # a tenant's own /admin/ path (none exists) gets the strict policy
    tenant = web(tenants.alpha).get("/admin/")
    assert "style-src 'self'" in [d.strip() for d in tenant["Content-Security-Policy"].split(";")]


def test_the_digest_preview_allows_style_attributes_for_the_email_only(tenants, people, web):
    response = web(tenants.alpha, people.ada).get(f"/coaching/digests/preview/?user={people.mona.pk}")
    assert response.status_code == 200
    csp = assert_security_headers(response)
    assert "style-src-attr 'unsafe-inline'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp


def test_permissions_policy_header_spelling():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == "camera=(), fullscreen=(self)"
