"""A suspended contact center stops (pages, login, API, survey links, imports, tasks) and a
resumed one comes back with all its data; deleting one is a separate, confirmed act.

The tenants here are this module's own (committed: the Celery worker reads them through its
own connection), so suspending them never disturbs the session's alpha and beta."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pytest
import time_machine
from celery.signals import task_postrun
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.test.client import TenantClient
from django_tenants.utils import schema_context

from accounts.models import Role, User
from accounts.services import apikey_create, platform_staff_create, user_create
from audit.models import AuditEvent
from coaching.tasks import digest_dispatch
from interactions.models import ImportRun, Interaction
from interactions.services import import_run_create, import_stream
from scorecards.engine import recompute
from scorecards.models import KpiRecompute, KpiSnapshot
from scorecards.tasks import kpi_nightly_dispatch, kpi_recompute_task
from surveys.models import Survey, SurveyInvitation
from tenants.current import TenantSuspended
from tenants.middleware import SUSPENDED_API_DETAIL
from tenants.models import Tenant
from tenants.services import TenantStillActive, tenant_create, tenant_delete, tenant_drop, tenant_resume, tenant_suspend
from tests.accounts.test_platform_admin import STAFF_PASSWORD, admin_login, code
from tests.conftest import PASSWORD

CSV = b"external_id,agent,customer_id,offered_at,answered_at,talk_seconds\n" + b"".join(
    f"g{i},ag.{i % 3},C{i % 7},2026-03-0{2 + i % 5}T09:{i:02d}:00,2026-03-0{2 + i % 5}T09:{i:02d}:15,"
    f"{60 + i}\n".encode()
    for i in range(40)
)
MORE = b"external_id,offered_at\nlate-1,2026-03-09T09:00:00\n"
TOKEN = "g" * 43


def _fill(schema: str) -> None:
    with schema_context(schema):
        user_create(email=f"admin@{schema.replace('_', '-')}.test", password=PASSWORD, role=Role.ADMIN)
        import_stream(kind="interactions", stream=io.BytesIO(CSV), tz=dt.UTC)
        recompute()
        survey = Survey.objects.create(kind="csat", name="After calls", question="How was it?")
        SurveyInvitation.objects.create(
            survey=survey,
            interaction=Interaction.objects.order_by("pk").first(),
            token=TOKEN,
            expires_at=timezone.now() + dt.timedelta(days=30),
        )


@pytest.fixture(scope="module")
def centers(django_db_setup, django_db_blocker):
    """gamma gets suspended; delta stays active beside it."""
    with django_db_blocker.unblock():
        gamma = tenant_create(schema="susp_gamma", domain="susp-gamma.localhost", name="Gamma Calls")
        delta = tenant_create(schema="susp_delta", domain="susp-delta.localhost", name="Delta Calls")
        try:
            for schema in ("susp_gamma", "susp_delta"):
                _fill(schema)
            with schema_context("susp_gamma"):
                # created by the admin: it stops only because the tenant is suspended
                _, key = apikey_create(name="crm", created_by=User.objects.get())
            yield gamma, delta, key
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=gamma)
            tenant_drop(tenant=delta)


def counts(schema: str) -> dict:
    with schema_context(schema):
        return {
            "users": User.objects.count(),
            "interactions": Interaction.objects.count(),
            "snapshots": KpiSnapshot.objects.count(),
            "invitations": SurveyInvitation.objects.count(),
        }


def logged_in(tenant) -> TenantClient:
    client = TenantClient(tenant)
    with schema_context(tenant.schema_name):
        client.force_login(User.objects.get(role=Role.ADMIN))
    return client


def test_a_suspended_tenant_refuses_everything_and_resuming_restores_it_with_all_data(db, centers, tmp_path):
    gamma, delta, key = centers
    before = counts("susp_gamma")
    assert before["interactions"] == 40 and before["snapshots"] > 0
    session = logged_in(gamma)
    assert session.get("/").status_code == 200
    api = TenantClient(gamma, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/teams/").status_code == 200
    assert TenantClient(gamma).get(f"/s/{TOKEN}/").status_code == 200

    tenant_suspend(tenant=gamma, reason="contract ended")
    try:
        anonymous = TenantClient(gamma)
        page = anonymous.get("/login/")
        assert page.status_code == 403
        assert "This contact center is suspended" in page.content.decode()
        login = anonymous.post("/login/", {"username": "admin@susp-gamma.test", "password": PASSWORD})
        assert login.status_code == 403 and "sessionid" not in login.cookies
        home = session.get("/")
        assert home.status_code == 403 and "Gamma Calls" in home.content.decode()
        assert "admin@susp-gamma.test" not in home.content.decode()  # no data on the page
        assert session.get("/static/css/app.css").status_code == 200  # styles still load

        refused = api.get("/api/v1/teams/")
        assert (refused.status_code, refused.json()) == (403, {"detail": SUSPENDED_API_DETAIL})
        assert api.post("/api/v1/imports/", {}).status_code == 403

        survey = anonymous.get(f"/s/{TOKEN}/")
        assert survey.status_code == 410 and "This survey is closed" in survey.content.decode()
        assert anonymous.post(f"/s/{TOKEN}/", {"score": 5}).status_code == 410

        with schema_context("susp_gamma"):
            with pytest.raises(TenantSuspended):
                import_stream(kind="interactions", stream=io.BytesIO(MORE), tz=dt.UTC)
            with pytest.raises(TenantSuspended):
                import_run_create(kind="interactions", file_name="more.csv", file_size=len(MORE))
            # the Celery task's guard, called in this thread (the worker test below runs it for real)
            result = kpi_recompute_task.apply(args=[None, None, "manual"], headers={"_schema_name": "susp_gamma"})
            assert result.state == "IGNORED"
        file = tmp_path / "more.csv"
        file.write_bytes(MORE)
        with pytest.raises(CommandError, match="suspended"):
            call_command("import_data", "--schema", "susp_gamma", "--kind", "interactions", str(file))
        assert counts("susp_gamma") == before
        with schema_context("susp_gamma"):
            assert not ImportRun.objects.exists()

        # the other contact center does not notice
        assert logged_in(delta).get("/").status_code == 200
        assert TenantClient(delta).get(f"/s/{TOKEN}/").status_code == 200
    finally:
        tenant_resume(tenant=gamma)

    assert counts("susp_gamma") == before
    assert session.get("/").status_code == 200  # sessions were kept, only refused
    assert api.get("/api/v1/teams/").status_code == 200
    assert TenantClient(gamma).get(f"/s/{TOKEN}/").status_code == 200
    login = TenantClient(gamma).post("/login/", {"username": "admin@susp-gamma.test", "password": PASSWORD})
    assert login.status_code == 302
    with schema_context("susp_gamma"):
        assert import_stream(kind="interactions", stream=io.BytesIO(MORE), tz=dt.UTC).created == 1
        assert kpi_recompute_task.apply(args=[None, None, "manual"]).state == "SUCCESS"


def test_suspend_and_resume_commands(db, centers, capsys):
    gamma, _, _ = centers
    platform_before = _tenant_events("susp_gamma", log="public")
    own_before = _tenant_events("susp_gamma", log="susp_gamma")
    call_command("tenant_suspend", "--schema", "susp_gamma", "--reason", "unpaid invoice")
    try:
        gamma.refresh_from_db()
        assert (gamma.is_active, gamma.suspended_reason) == (False, "unpaid invoice")
        assert gamma.suspended_at is not None
        assert "is suspended" in capsys.readouterr().out
    finally:
        call_command("tenant_resume", "--schema", "susp_gamma")
    gamma.refresh_from_db()
    assert (gamma.is_active, gamma.suspended_at, gamma.suspended_reason) == (True, None, "")
    # one row each in the platform's log and in the center's own, for its admins to read
    written = [("tenant.suspend", "system", False), ("tenant.resume", "system", True)]
    assert _tenant_events("susp_gamma", log="public") == platform_before + written
    assert _tenant_events("susp_gamma", log="susp_gamma") == own_before + written
    with pytest.raises(CommandError, match="no tenant with schema 'nope'"):
        call_command("tenant_suspend", "--schema", "nope")
    with pytest.raises(CommandError, match="public schema"):
        call_command("tenant_suspend", "--schema", "public")


def _tenant_events(schema: str, *, log: str) -> list[tuple[str, str, bool]]:
    """(action, actor, is_active after) of the events about ``schema`` in the platform's log
    (log="public") or in the center's own."""
    with schema_context(log):
        events = AuditEvent.objects.filter(object_type="tenants.tenant", object_label=schema).order_by("id")
        return [(e.action, e.actor_label, e.after["is_active"]) for e in events]


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not true within {timeout}s")


def _recomputes(schema: str) -> int:
    with schema_context(schema):
        return KpiRecompute.objects.filter(finished_at__isnull=False).count()


def test_no_task_of_a_suspended_tenant_runs_on_a_real_worker(centers, celery_worker_thread, django_db_blocker):
    gamma, delta, _ = centers
    states: list[tuple[str, str]] = []
    lock = threading.Lock()

    def record(sender=None, task=None, state=None, **kwargs):
        with lock:
            states.append((task.request.headers.get("_schema_name") if task.request.headers else "", state))

    task_postrun.connect(record, weak=False)
    with django_db_blocker.unblock():
        gamma_runs, delta_runs = _recomputes("susp_gamma"), _recomputes("susp_delta")
        tenant_suspend(tenant=gamma, reason="test: worker")
        try:
            # queued for the suspended tenant (as if before the suspension), then one for delta:
            # the solo worker takes them in order, so once delta's is done gamma's was handled.
            kpi_recompute_task.apply_async(args=[None, None, "queued"], headers={"_schema_name": "susp_gamma"})
            kpi_recompute_task.apply_async(args=[None, None, "queued"], headers={"_schema_name": "susp_delta"})
            _wait(lambda: _recomputes("susp_delta") == delta_runs + 1)
            assert _recomputes("susp_gamma") == gamma_runs
            with lock:
                assert ("susp_gamma", "IGNORED") in states

            # the beat dispatchers skip it: the nightly recompute...
            queued = kpi_nightly_dispatch.apply().get()
            assert queued == Tenant.objects.filter(is_active=True).exclude(schema_name="public").count()
            _wait(lambda: _recomputes("susp_delta") == delta_runs + 2)
            # ...and the Monday 08:00 digest (both are UTC contact centers)
            with time_machine.travel(dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC), tick=False):
                due = digest_dispatch.apply().get()
            assert "susp_delta" in due and "susp_gamma" not in due
        finally:
            tenant_resume(tenant=gamma)
        time.sleep(0.5)  # let anything of gamma's still queued show itself
        assert _recomputes("susp_gamma") == gamma_runs

        kpi_recompute_task.apply_async(args=[None, None, "resumed"], headers={"_schema_name": "susp_gamma"})
        _wait(lambda: _recomputes("susp_gamma") == gamma_runs + 1)
    task_postrun.disconnect(record)


def test_deleting_a_tenant_needs_the_name_twice_and_a_suspended_tenant(django_db_setup, django_db_blocker, caplog):
    with django_db_blocker.unblock():
        doomed = tenant_create(schema="susp_doomed", domain="susp-doomed.localhost", name="Doomed")
        try:
            with pytest.raises(CommandError, match="--confirm must repeat the schema name"):
                call_command("tenant_delete", "--schema", "susp_doomed", "--confirm", "susp_other")
            with pytest.raises(CommandError, match="is active: suspend it before deleting it"):
                call_command("tenant_delete", "--schema", "susp_doomed", "--confirm", "susp_doomed")
            with pytest.raises(TenantStillActive):
                tenant_delete(tenant=doomed, actor="test")
            assert _schema_exists("susp_doomed")

            tenant_suspend(tenant=doomed, reason="closing")
            with caplog.at_level("WARNING", logger="tenants.services"):
                call_command("tenant_delete", "--schema", "susp_doomed", "--confirm", "susp_doomed")
            assert not Tenant.objects.filter(schema_name="susp_doomed").exists()
            assert not _schema_exists("susp_doomed")
            assert any("susp_doomed" in r.message and "deleted" in r.message for r in caplog.records)
            with schema_context("public"):
                deleted = AuditEvent.objects.get(action="tenant.delete", object_label="susp_doomed")
            assert deleted.actor_label.startswith("manage.py tenant_delete by ")
            assert deleted.before["suspended_reason"] == "closing"
        finally:
            if Tenant.objects.filter(schema_name="susp_doomed").exists():
                tenant_drop(tenant=Tenant.objects.get(schema_name="susp_doomed"))


def _schema_exists(schema: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema])
        return cur.fetchone() is not None


def test_platform_staff_suspend_and_resume_in_the_admin_and_cannot_delete_there(db, centers):
    gamma, _, _ = centers
    connection.set_schema_to_public()
    staff, _ = platform_staff_create(username="root", email="root@platform.test", password=STAFF_PASSWORD)
    admin, response = admin_login("root", STAFF_PASSWORD, code(staff))  # password and second factor
    assert response.status_code == 302
    changelist = "/admin/tenants/tenant/"
    picked = {"action": "suspend", "_selected_action": [gamma.pk]}

    confirm = admin.post(changelist, picked)
    assert confirm.status_code == 200 and "Reason (required)" in confirm.content.decode()
    gamma.refresh_from_db()
    assert gamma.is_active  # asking is not doing
    admin.post(changelist, {**picked, "confirmed": "1", "reason": ""})
    gamma.refresh_from_db()
    assert gamma.is_active  # no reason, no suspension
    logged_before = _tenant_events("susp_gamma", log="public")
    try:
        assert admin.post(changelist, {**picked, "confirmed": "1", "reason": "fraud check"}).status_code == 302
        gamma.refresh_from_db()
        assert not gamma.is_active and gamma.suspended_reason == "fraud check (by root)"
        assert TenantClient(gamma).get("/login/").status_code == 403
    finally:
        admin.post(changelist, {"action": "resume", "_selected_action": [gamma.pk]})
    gamma.refresh_from_db()
    assert gamma.is_active and gamma.suspended_at is None
    assert _tenant_events("susp_gamma", log="public")[len(logged_before) :] == [
        ("tenant.suspend", "platform:root", False),
        ("tenant.resume", "platform:root", True),
    ]

    assert admin.get(f"/admin/tenants/tenant/{gamma.pk}/delete/").status_code == 403
    assert "delete_selected" not in admin.get(changelist).content.decode()
