"""The production configuration in a browser: gunicorn started as `make serve` starts it
(config/serve.py) with config.settings.production, on the test database. A manager logs in,
opens the scorecard, sees its numbers, and no page breaks the Content-Security-Policy (the
`page` fixture fails the test on any violation)."""

import datetime as dt
import io
import socket
import subprocess
import time
import urllib.request
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Agent, Team
from accounts.services import user_create
from common import devservers
from config.serve import ROOT, collectstatic, production_environment, web_command
from interactions.services import import_stream
from scorecards.engine import recompute
from tenants.models import Tenant
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser

CONTACTS = (
    "external_id,channel,queue,interaction_type,agent,offered_at,answered_at,ended_at,"
    "talk_seconds,hold_seconds,acw_seconds\n"
    + "".join(
        f"prod-{i},voice,Billing,billing,agent.prod,{{day}}T{9 + i:02d}:00:00,{{day}}T{9 + i:02d}:00:15,"
        f"{{day}}T{9 + i:02d}:04:15,210,0,30\n"
        for i in range(3)
    )
)


@pytest.fixture
def prod_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema="prodtest", domain="prodtest.localhost", name="Prod Test Center", timezone="UTC")
        Tenant.objects.filter(pk=tenant.pk).update(min_sample=3)
        try:
            with schema_context("prodtest"):
                manager = user_create(email="lead@prod.test", password=None, role="manager")
                # hashed as production hashes it: the test settings' fast MD5 is unknown there
                manager.password = PBKDF2PasswordHasher().encode("prod-lead-pass", PBKDF2PasswordHasher().salt())
                manager.save(update_fields=["password"])
                team = Team.objects.create(name="Prod")
                team.managers.add(manager)
                Agent.objects.create(acd_login="agent.prod", display_name="Prod Agent", team=team)
                today = timezone.localdate(timezone=tenant.tz)
                tuesday = today - dt.timedelta(days=today.weekday() + 6)  # in the last complete week
                rows = CONTACTS.replace("{day}", tuesday.isoformat())
                import_stream(kind="interactions", stream=io.BytesIO(rows.encode()), tz=tenant.tz)
                recompute()
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production_server(prod_tenant, tmp_path):
    """gunicorn with the production settings, on the test database (pytest-django's), serving
    static files collected as a deployment collects them (a fresh clone has none)."""
    settings = connection.settings_dict
    database_url = f"postgresql://{settings['USER']}@{quote(str(settings['HOST']), safe='')}/{settings['NAME']}"
    port = _free_port()
    env = production_environment(database_url=database_url, redis_url=devservers.redis_url(), port=port)
    env["STATIC_ROOT"] = str(tmp_path / "static")
    collectstatic(env)
    server = subprocess.Popen(web_command(port), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/login/", headers={"Host": f"prodtest.localhost:{port}"}
                )
                with urllib.request.urlopen(request, timeout=5) as answer:
                    headers = answer.headers
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.stdout.read().decode() if server.stdout else "no gunicorn") from None
                time.sleep(0.3)
        yield port, headers
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout:  # gunicorn's log: pytest shows it when the test fails
            print(server.stdout.read().decode(errors="replace"))


def test_a_manager_logs_in_and_reads_the_scorecard_on_the_production_configuration(production_server, page):
    port, login_headers = production_server
    assert "script-src 'self'" in login_headers["Content-Security-Policy"]
    base = f"http://prodtest.localhost:{port}"
    page.goto(base + "/login/")
    page.get_by_label("Email").fill("lead@prod.test")
    page.get_by_label("Password").fill("prod-lead-pass")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    # the session cookie is Secure; Chromium keeps it on http://*.localhost
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["secure"] is True
    response = page.goto(base + "/kpis/")
    assert response and response.status == 200
    assert "style-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="Scorecard", exact=False).first).to_be_visible()
    expect(page.locator("#kpi-aht")).to_contain_text("4:00")  # three contacts of 210 s talk + 30 s wrap-up
