"""A PostgreSQL restart in the middle of a KPI recompute: a real Celery worker (a child process)
loses its connection, retries the task (common/task_retry.py) and writes the right snapshots.

The restart is real (pg_ctl restart of this checkout's embedded server), so every session of the
server is cut, this test's own too: it holds no transaction across it and closes its
connections first. The tenant is its own and committed, and is dropped afterwards.
"""

from __future__ import annotations

import io

import psycopg
import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from common import devservers
from interactions.services import import_stream
from scorecards.engine import recompute
from scorecards.models import KpiRecompute, KpiSnapshot
from scorecards.tasks import kpi_recompute_task
from tenants.services import tenant_create, tenant_drop
from tests.crash import SNAPSHOTS_FINGERPRINT, CeleryWorker, child_database_url, fingerprint, wait_until
from tests.interactions.generated import contacts_file

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not devservers.embedded_servers_in_use(), reason="restarts the embedded PostgreSQL"),
]

SCHEMA = "crash_pg"
# the recompute sends its coalesced request to the kpis queue (config/celery.py routes)
QUEUE = "kpis"


@pytest.fixture(scope="module")
def tenant_with_kpis(django_db_setup, django_db_blocker, tmp_path_factory):
    """A tenant with contacts and the fingerprint of the snapshots a clean recompute writes."""
    data = contacts_file(tmp_path_factory.mktemp("pg") / "contacts.csv", 3000).read_bytes()
    with django_db_blocker.unblock():
        tenant = tenant_create(schema=SCHEMA, domain="crash-pg.localhost", name="Restart", timezone="Europe/Berlin")
        try:
            with schema_context(SCHEMA):
                import_stream(kind="interactions", stream=io.BytesIO(data), tz=tenant.tz)
                recompute(reason="expected")
            expected = fingerprint(SCHEMA, SNAPSHOTS_FINGERPRINT)
            with schema_context(SCHEMA):
                KpiSnapshot.objects.all().delete()
                KpiRecompute.objects.all().delete()
            yield expected
        finally:
            connections.close_all()  # a connection from before a restart is dead
            connection.set_schema_to_public()
            tenant_drop(tenant=tenant)


def relation_lock_waiters(conn: psycopg.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'relation'"
        " AND datname = current_database()"
    ).fetchone()[0]


def test_a_postgresql_restart_during_a_recompute_makes_the_task_retry_and_finish(
    tenant_with_kpis, django_db_blocker, tmp_path
):
    expected = tenant_with_kpis
    with django_db_blocker.unblock(), CeleryWorker(QUEUE, tmp_path / "worker.log") as worker:
        # The task never waits on the tenant's recompute lock (it gives the worker back and comes
        # again); a lock on the snapshots table held from another session stops the run inside
        # its transaction instead, exactly when the restart should hit it.
        holder = psycopg.connect(child_database_url(), autocommit=False)
        holder.execute(f'LOCK TABLE "{SCHEMA}".scorecards_kpisnapshot IN ACCESS EXCLUSIVE MODE')
        kpi_recompute_task.apply_async(args=[None, None, "manual"], headers={"_schema_name": SCHEMA}, queue=QUEUE)
        # pg_stat_activity is read once per transaction: the holder's own view would stay stale
        with psycopg.connect(child_database_url(), autocommit=True) as watcher:
            wait_until(lambda: relation_lock_waiters(watcher), timeout=30, what="the task waits inside its recompute")

        connections.close_all()
        devservers.embedded_postgres_restart()
        holder.close()  # its session, and its lock, went with the restart

        def finished() -> bool:
            with schema_context(SCHEMA):
                return KpiRecompute.objects.filter(finished_at__isnull=False).exists()

        wait_until(finished, timeout=60, what=f"the retried recompute finished\n{worker.output()[-3000:]}", every=0.2)
        assert "lost the database" in worker.output()
        with schema_context(SCHEMA):
            runs = list(KpiRecompute.objects.order_by("pk"))
        # the run the restart cut short never finished; the retry's did
        assert [run.finished_at is not None for run in runs] == [False, True]
        assert fingerprint(SCHEMA, SNAPSHOTS_FINGERPRINT) == expected
        assert expected[0] > 0
