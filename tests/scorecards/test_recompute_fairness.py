"""Fair background work through a real Redis broker and a real (solo) worker: a tenant's burst
of recompute requests coalesces, a recompute never waits on its tenant's lock in a worker, and
another tenant's import is recomputed after at most one run of the busy tenant.

The worker runs in a thread with its own database connection, so the data it reads is
committed: this module creates two tenants of its own and drops their schemas afterwards.
"""

import datetime as dt
import io
import threading
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_postrun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from config.celery import app
from interactions.models import ImportRun
from interactions.services import import_stream, import_submit
from scorecards import engine
from scorecards.models import KpiRecompute, KpiRecomputeRequest, KpiSnapshot
from scorecards.recompute_requests import kpi_recompute_request, kpi_recompute_run
from scorecards.services import kpi_recompute_enqueue
from tenants.services import tenant_create, tenant_drop

A, B = "fair_amber", "fair_blue"
RECOMPUTE = "scorecards.tasks.kpi_recompute_task"
CSV = b"external_id,agent,customer_id,offered_at,answered_at,talk_seconds\n" + b"".join(
    f"f{i},ag.{i % 3},C{i % 7},2026-03-0{2 + i % 5}T09:{i:02d}:00,2026-03-0{2 + i % 5}T09:{i:02d}:15,"
    f"{60 + i}\n".encode()
    for i in range(40)
)
MORE = b"external_id,agent,offered_at,answered_at,talk_seconds\n" + b"".join(
    f"m{i},ag.{i},2026-03-09T10:{i:02d}:00,2026-03-09T10:{i:02d}:20,{90 + i}\n".encode() for i in range(5)
)


def values(schema):
    with schema_context(schema):
        return sorted(KpiSnapshot.objects.values_list("kpi", "scope", "key", "period", "period_start", "value", "n"))


@pytest.fixture(scope="module")
def two_tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        amber = tenant_create(schema=A, domain="fair-amber.localhost", name="Amber", timezone="Europe/Berlin")
        blue = tenant_create(schema=B, domain="fair-blue.localhost", name="Blue", timezone="Europe/Berlin")
        full = {}
        for schema in (A, B):
            with schema_context(schema):
                import_stream(kind="interactions", stream=io.BytesIO(CSV), tz=amber.tz)
                engine.recompute(reason="setup")
            full[schema] = values(schema)
        try:
            yield full
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=amber)
            tenant_drop(tenant=blue)


@pytest.fixture
def log(two_tenants, django_db_blocker):
    """What was published and what the worker ran, in order: (schema, task, token or result)."""
    published, ran = [], []
    lock = threading.Lock()

    def on_publish(sender=None, headers=None, body=None, **kwargs):
        if sender == RECOMPUTE:
            with lock:
                published.append((headers.get("_schema_name"), body[1].get("token")))

    def on_run(task=None, retval=None, **kwargs):
        with lock:
            ran.append((task.request.headers.get("_schema_name"), task.name, retval))

    before_task_publish.connect(on_publish, weak=False)
    task_postrun.connect(on_run, weak=False)
    with django_db_blocker.unblock():
        app.control.purge()  # tasks other tests queued on commit must not run here
        for schema in (A, B):
            with schema_context(schema):
                KpiRecomputeRequest.objects.all().delete()
        try:
            yield published, ran
        finally:
            before_task_publish.disconnect(on_publish)
            task_postrun.disconnect(on_run)
            app.control.purge()


@contextmanager
def worker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_until(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout}s")


def runs(schema, **filters):
    with schema_context(schema):
        return KpiRecompute.objects.filter(finished_at__isnull=False, **filters).count()


def nothing_pending(schema):
    with schema_context(schema):
        return not KpiRecomputeRequest.objects.exists()


def burst(count):
    """An admin's afternoon: exclusions, QA decisions and one settings save, one after another."""
    with schema_context(A):
        for i in range(count):
            day = dt.date(2026, 3, 2 + i % 5)
            if i == count // 2:
                kpi_recompute_enqueue(reason="settings")
            else:
                kpi_recompute_enqueue(since=day, until=day, reason="exclusion" if i % 2 else "qa")


def test_twenty_triggers_queue_one_task_and_another_tenants_import_is_recomputed_next(two_tenants, log):
    published, ran = log
    with schema_context(A):
        KpiSnapshot.objects.all().delete()  # only a full run brings every one of them back
    a_runs, b_runs = runs(A), runs(B)

    burst(20)
    assert [schema for schema, _ in published] == [A]
    with app.connection_for_write() as conn:
        assert conn.default_channel.client.llen("kpis") == 1
    with schema_context(A):
        pending = KpiRecomputeRequest.objects.get()
    assert (pending.since, pending.until, pending.reasons) == (None, None, "qa, exclusion, settings")

    with schema_context(B):
        run = import_submit(kind="interactions", upload=SimpleUploadedFile("more.csv", MORE), run_async=True)
    with worker():
        wait_until(lambda: runs(B, reason="import") == 1 and nothing_pending(A) and nothing_pending(B))

    assert runs(A) - a_runs == 1  # twenty requests, one run
    assert values(A) == two_tenants[A]
    assert len(published) <= 2 and runs(B) - b_runs == 1
    with schema_context(B):
        assert ImportRun.objects.get(pk=run.pk).status == "done"
    # Blue's import and then its recompute each waited for one run of Amber's at most.
    order = [(schema, name.rsplit(".", 1)[1]) for schema, name, result in ran if result != "nothing"]
    blue_recompute = order.index((B, "kpi_recompute_task"))
    blue_import = order.index((B, "import_run_task"))
    assert order[:blue_recompute].count((A, "kpi_recompute_task")) <= 1
    assert blue_import < blue_recompute


@override_settings(KPI_RECOMPUTE_BUSY_RETRY_SECONDS=1)
def test_a_recompute_that_finds_its_tenant_busy_frees_the_worker_and_comes_back(two_tenants, log):
    published, ran = log
    a_runs = runs(A)
    with worker():
        with schema_context(A):
            assert engine.lock_try()  # a long run of Amber's (a CLI import, say) holds the lock
        try:
            burst(1)
            wait_until(lambda: (A, RECOMPUTE, "busy") in ran)
            # The solo worker is free: Blue's settings save is recomputed while Amber's lock is held.
            with schema_context(B):
                kpi_recompute_enqueue(reason="settings")
            wait_until(lambda: (B, RECOMPUTE, "done") in ran)
            burst(20)
            wait_until(lambda: ran.count((A, RECOMPUTE, "busy")) >= 2)
            assert runs(A) == a_runs
            with schema_context(A):
                assert KpiRecomputeRequest.objects.get().state == "pending"
        finally:
            with schema_context(A):
                engine.lock_release()
        wait_until(lambda: (A, RECOMPUTE, "done") in ran and nothing_pending(A))

    assert runs(A) - a_runs == 1
    # the same message came back each time: one token for Amber throughout
    assert len({token for schema, token in published if schema == A}) == 1
    assert values(A) == two_tenants[A]


def test_a_run_a_dead_worker_left_runs_again_with_what_is_pending(two_tenants, log):
    with schema_context(A):
        KpiRecomputeRequest.objects.create(
            state="running",
            since=dt.date(2026, 3, 3),
            until=dt.date(2026, 3, 3),
            reasons="import",
            token="00000000-0000-0000-0000-000000000001",
            due_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
            attempts=1,
        )
        kpi_recompute_request(since=dt.date(2026, 3, 5), until=dt.date(2026, 3, 6), reason="qa")
        pending = KpiRecomputeRequest.objects.get(state="pending")
        # any message of the tenant that gets the lock runs both
        assert kpi_recompute_run(token=str(pending.token)) == "done"
        last = KpiRecompute.objects.order_by("-pk").first()
        assert (last.reason, last.since, last.until) == ("import, qa", dt.date(2026, 3, 3), dt.date(2026, 3, 6))
        assert not KpiRecomputeRequest.objects.exists()
        assert kpi_recompute_run(token=str(pending.token)) == "nothing"  # redelivered: nothing left


def test_a_request_that_keeps_failing_is_given_up(two_tenants, log, caplog):
    with schema_context(A):
        KpiRecomputeRequest.objects.create(
            state="running",
            reasons="import",
            token="00000000-0000-0000-0000-000000000002",
            due_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
            attempts=3,
        )
        before = KpiRecompute.objects.count()
        assert kpi_recompute_run(token="00000000-0000-0000-0000-000000000002") == "nothing"
        assert KpiRecompute.objects.count() == before and not KpiRecomputeRequest.objects.exists()
    assert "given up after 3 attempts" in caplog.text
