"""The recompute task through a real Redis broker and worker, the nightly fan-out, and two
recomputes of one tenant at once.

The worker and the threads have their own database connections, so the data they read is
committed: this module creates two tenants of its own and drops their schemas afterwards.
"""

import io
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from interactions.services import import_stream
from scorecards.engine import recompute
from scorecards.models import KpiRecompute, KpiSnapshot
from scorecards.tasks import kpi_nightly_dispatch, kpi_recompute_task
from tenants.services import tenant_create, tenant_drop

CSV = b"external_id,agent,customer_id,offered_at,answered_at,talk_seconds\n" + b"".join(
    f"k{i},ag.{i % 3},C{i % 7},2026-03-0{2 + i % 5}T09:{i:02d}:00,2026-03-0{2 + i % 5}T09:{i:02d}:15,"
    f"{60 + i}\n".encode()
    for i in range(40)
)


@pytest.fixture(scope="module")
def two_tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        green = tenant_create(schema="kpi_green", domain="kpi-green.localhost", name="Green", timezone="Europe/Berlin")
        grey = tenant_create(schema="kpi_grey", domain="kpi-grey.localhost", name="Grey", timezone="America/New_York")
        for schema in ("kpi_green", "kpi_grey"):
            with schema_context(schema):
                import_stream(kind="interactions", stream=io.BytesIO(CSV), tz=green.tz)
        try:
            yield green, grey
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=green)
            tenant_drop(tenant=grey)


@pytest.fixture(scope="module")
def worker(two_tenants, celery_worker_thread):
    yield


def snapshots(schema):
    with schema_context(schema):
        return KpiSnapshot.objects.count()


def wait_for_recomputes(schema, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with schema_context(schema):
            if KpiRecompute.objects.filter(finished_at__isnull=False).count() >= count:
                return
        time.sleep(0.1)
    raise AssertionError(f"{schema}: {count} recompute(s) did not finish in {timeout}s")


def test_the_task_recomputes_only_the_tenant_named_in_its_headers(two_tenants, worker, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context("kpi_grey"):
            KpiSnapshot.objects.all().delete()
            KpiRecompute.objects.all().delete()
        with schema_context("kpi_green"):
            KpiRecompute.objects.all().delete()
        kpi_recompute_task.apply_async(args=[None, None, "manual"], headers={"_schema_name": "kpi_green"})
        wait_for_recomputes("kpi_green", 1)
        assert snapshots("kpi_green") > 0
        assert snapshots("kpi_grey") == 0
        with schema_context("kpi_grey"):
            assert not KpiRecompute.objects.exists()


@override_settings(KPI_NIGHTLY_STAGGER_SECONDS=0)
@pytest.mark.parametrize(
    "night, days",
    [("2026-03-11T12:00:00+00:00", 35), ("2026-03-15T12:00:00+00:00", None)],
    ids=["wednesday-35-days", "sunday-everything"],
)  # Sunday in Berlin and New York
def test_the_nightly_dispatcher_sends_one_task_per_tenant(two_tenants, worker, django_db_blocker, night, days):
    with django_db_blocker.unblock():
        for schema in ("kpi_green", "kpi_grey"):
            with schema_context(schema):
                KpiRecompute.objects.all().delete()
        with time_machine.travel(night, tick=True):
            assert kpi_nightly_dispatch.apply().get() >= 2
        for schema in ("kpi_green", "kpi_grey"):
            wait_for_recomputes(schema, 1)
            with schema_context(schema):
                run = KpiRecompute.objects.get()
                assert run.reason == "nightly"
                if days is None:  # Sundays: a full run
                    assert (run.since, run.until, run.full) == (None, None, True)
                else:
                    assert (run.until - run.since).days == days


def test_two_recomputes_of_one_tenant_at_once_write_each_snapshot_once(two_tenants, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context("kpi_green"):
            recompute()
            expected = sorted(KpiSnapshot.objects.values_list("kpi", "scope", "key", "period", "period_start", "value"))
        errors = []

        def run():
            try:
                with schema_context("kpi_green"):
                    recompute(reason="concurrent")
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
        with schema_context("kpi_green"):
            got = sorted(KpiSnapshot.objects.values_list("kpi", "scope", "key", "period", "period_start", "value"))
            runs = list(KpiRecompute.objects.filter(reason="concurrent"))
        assert got == expected
        assert len(runs) == 2 and all(r.finished_at for r in runs)
