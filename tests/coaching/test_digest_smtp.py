"""The digest against a real SMTP server (aiosmtpd, started here): recipients, numbers, exactly
once across re-runs, concurrent runs and a failing server; and the task through the broker.

Threads and the worker have their own database connections, so the data is committed: this
module creates a tenant of its own and drops it afterwards."""

import email
import email.policy
import json
import socket
import threading
import time
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from accounts.models import Agent, Role, Team, User
from accounts.services import user_create
from coaching.digest_send import digest_send_week
from coaching.models import DigestDelivery
from coaching.tasks import digest_send_task
from tenants.services import tenant_create, tenant_drop
from tests.coaching.test_digest_content import WEEK, seed_week
from tests.i18n.test_german_coaching_qa import text_as_html
from tests.i18n_scan import untranslated

SCHEMA = "digest_one"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    ):
        yield handler
    controller.stop()


@pytest.fixture(scope="module")
def own_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema=SCHEMA, domain="digest-one.localhost", name="Digest One", timezone="Europe/Berlin"
        )
        try:
            with schema_context(SCHEMA):
                north, south = Team.objects.create(name="North"), Team.objects.create(name="South")
                mona = user_create(email="mona@one.test", password=None, role=Role.MANAGER, first_name="Mona")
                max_ = user_create(email="max@one.test", password=None, role=Role.MANAGER, first_name="Max")
                north.managers.add(mona)
                south.managers.add(max_)
                for login, name, team in (("alice.a", "Alice", north), ("bob.b", "Bob", south)):
                    user = user_create(email=f"{name.lower()}@one.test", password=None, role=Role.AGENT)
                    Agent.objects.create(acd_login=login, display_name=name, team=team, user=user)
                seed_week(north, south)
            yield tenant
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=tenant)


@pytest.fixture
def fresh(own_tenant, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context(SCHEMA):
            DigestDelivery.objects.all().delete()
        yield
        connection.set_schema_to_public()


def send():
    with schema_context(SCHEMA):
        return digest_send_week(week_start=WEEK)


def body(message, kind="plain"):
    return message.get_body(preferencelist=(kind,)).get_content()


def ledger():
    with schema_context(SCHEMA):
        return sorted(DigestDelivery.objects.values_list("recipient__email", "status", "attempts"))


def test_each_manager_gets_one_email_with_only_her_teams_numbers(fresh, smtp):
    assert send() == {"sent": 2, "skipped": 0, "failed": 0}
    by_to = {m["To"]: m for m in smtp.messages}
    assert sorted(by_to) == ["max@one.test", "mona@one.test"]
    mona, max_ = body(by_to["mona@one.test"]), body(by_to["max@one.test"])
    assert by_to["mona@one.test"]["Subject"] == "Digest One: your coaching digest for the week of 9 Mar 2026"
    assert "== North ==" in mona and "South" not in mona and "Bob" not in mona
    assert (
        "- First-contact resolution: 82.0% (95% 74.2%–88.0%), n=120 - on target; not a significant change (from 78.0%)"
    ) in mona
    assert "- CSAT: 90.0% (95% 79.9%–95.3%), n=60 - no target set; up significantly from 70.0%" in mona
    assert "- Alice: First-contact resolution 85.0% on target (n=40)" in mona and "Carol" not in mona
    assert "Shadow a senior on billing calls" in mona
    assert "http://digest-one.localhost:8000/kpis/?team=" in mona
    assert "== South ==" in max_ and "== North ==" not in max_ and "Alice" not in max_
    assert "- Bob: Burnout risk (occupancy above 85% on 4 days)" in max_
    assert "<h2>North</h2>" in body(by_to["mona@one.test"], "html")
    assert ledger() == [("max@one.test", "sent", 1), ("mona@one.test", "sent", 1)]


def test_running_it_again_sends_nothing(fresh, smtp):
    send()
    out = StringIO()
    call_command("send_digests", "--schema", SCHEMA, "--week", "2026-03-09", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 0, "skipped": 2, "failed": 0}
    assert send() == {"sent": 0, "skipped": 2, "failed": 0}
    assert len(smtp.messages) == 2


def test_two_concurrent_runs_send_each_email_once(fresh, smtp):
    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(send())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(r["sent"] for r in results) == 2 and sum(r["skipped"] for r in results) == 2
    assert sorted(m["To"] for m in smtp.messages) == ["max@one.test", "mona@one.test"]


def test_a_failing_server_marks_failed_and_a_later_run_sends(fresh, smtp):
    with override_settings(EMAIL_PORT=free_port()):  # nothing listens there
        assert send() == {"sent": 0, "skipped": 0, "failed": 2}
    with schema_context(SCHEMA):
        assert all("ConnectionRefused" in e for e in DigestDelivery.objects.values_list("last_error", flat=True))
    assert ledger() == [("max@one.test", "failed", 1), ("mona@one.test", "failed", 1)]
    assert send() == {"sent": 2, "skipped": 0, "failed": 0}
    assert ledger() == [("max@one.test", "sent", 2), ("mona@one.test", "sent", 2)]
    assert len(smtp.messages) == 2


def test_the_task_sends_through_a_real_worker(fresh, smtp, celery_worker_thread):
    digest_send_task.apply_async(args=[WEEK.isoformat()], headers={"_schema_name": SCHEMA})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and [s for _, s, _ in ledger()] != ["sent", "sent"]:
        time.sleep(0.2)
    assert ledger() == [("max@one.test", "sent", 1), ("mona@one.test", "sent", 1)]
    assert len(smtp.messages) == 2


@override_settings(SITE_SCHEME="https", SITE_PORT="")
def test_a_digest_built_in_the_task_links_to_the_tenants_https_host(fresh, smtp, celery_worker_thread):
    # As production configures it (.env.example): links built outside a request use https, no port.
    digest_send_task.apply_async(args=[WEEK.isoformat()], headers={"_schema_name": SCHEMA})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(smtp.messages) < 2:
        time.sleep(0.2)
    assert len(smtp.messages) == 2
    for message in smtp.messages:
        for part in ("plain", "html"):
            body = message.get_body(preferencelist=(part,)).get_content()
            assert "https://digest-one.localhost/kpis/" in body
            assert "http://" not in body and "localhost:8000" not in body


HAS_LANGUAGE = any(f.name == "language" for f in User._meta.get_fields())


@pytest.mark.skipif(not HAS_LANGUAGE, reason="accounts.User.language arrives with the per-user language setting")
def test_a_german_manager_gets_her_digest_in_german_and_the_other_in_english(fresh, smtp):
    with schema_context(SCHEMA):
        User.objects.filter(email="mona@one.test").update(language="de")
    try:
        assert send() == {"sent": 2, "skipped": 0, "failed": 0}
    finally:
        with schema_context(SCHEMA):
            User.objects.filter(email="mona@one.test").update(language="")
    by_to = {m["To"]: m for m in smtp.messages}
    mona, max_ = by_to["mona@one.test"], by_to["max@one.test"]
    # (a long non-ASCII subject is folded: compare its words)
    assert mona["Subject"].split() == "Digest One: Ihre Coaching-Wochenübersicht für die Woche vom 9. Mär 2026".split()
    text, html = body(mona), body(mona, "html")
    assert text.startswith("Hallo Mona,") and "Anerkennung" in text and "Überfällige Maßnahmen" in text
    assert "82,0\u00a0% (95% 74,2\u00a0%–88,0\u00a0%), n=120 - im Zielwert; keine signifikante Änderung" in text
    assert '<html lang="de">' in html and "<h3>Wohlbefinden</h3>" in html
    assert untranslated(html, scope="document") == [] and untranslated(text_as_html(text)) == []
    # the other manager's language is untouched by the first one's
    assert max_["Subject"] == "Digest One: your coaching digest for the week of 9 Mar 2026"
    assert "- Bob: Burnout risk (occupancy above 85% on 4 days)" in body(max_)
