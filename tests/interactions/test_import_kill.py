"""kill -9 of ``manage.py import_data`` in the middle of a file, then the same import again,
leaves exactly what one clean import leaves: the same rows and the same KPIs.

Real processes on the real test database: the data they write is committed, so this module
creates two tenants of its own and drops them afterwards.
"""

from __future__ import annotations

import json
import signal
import subprocess

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from interactions.models import ImportRun
from interactions.services import INTERRUPTED
from tenants.services import tenant_create, tenant_drop
from tests.crash import INTERACTIONS_FINGERPRINT, SNAPSHOTS_FINGERPRINT, child_env, fingerprint, manage, wait_until
from tests.interactions.generated import contacts_file

pytestmark = pytest.mark.slow

ROWS = 30_000  # six batches of 5,000: the kill lands after some are committed, before the last


@pytest.fixture(scope="module")
def killed_and_clean(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        killed = tenant_create(schema="crash_killed", domain="crash-killed.localhost", name="Killed")
        clean = tenant_create(schema="crash_clean", domain="crash-clean.localhost", name="Clean")
        try:
            yield killed, clean
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=killed)
            tenant_drop(tenant=clean)


def import_data(schema: str, path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        manage("import_data", "--schema", schema, "--kind", "interactions", str(path)),
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def committed_rows(schema: str) -> int:
    with schema_context(schema), connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM interactions_interaction")
        return cur.fetchone()[0]


def test_kill_9_mid_import_then_the_same_import_again_equals_one_clean_import(
    killed_and_clean, django_db_blocker, tmp_path
):
    path = contacts_file(tmp_path / "contacts.csv", ROWS)
    with django_db_blocker.unblock():
        child = subprocess.Popen(
            manage("import_data", "--schema", "crash_killed", "--kind", "interactions", str(path)),
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until(lambda: committed_rows("crash_killed") >= 5_000, timeout=60, what="a first batch committed")
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)  # reaped: its pid is gone, as after a real crash
        assert child.returncode == -signal.SIGKILL
        partial = committed_rows("crash_killed")
        assert 5_000 <= partial < ROWS, "the kill must land in the middle of the file"
        with schema_context("crash_killed"):
            assert ImportRun.objects.get().status == ImportRun.Status.RUNNING  # what the crash left

        again = json.loads(import_data("crash_killed", path).stdout)
        clean = json.loads(import_data("crash_clean", path).stdout)

        assert clean["created"] == ROWS
        assert again["created"] + again["unchanged"] + again["updated"] == ROWS
        assert again["unchanged"] >= 5_000  # what the killed run had committed was kept, not duplicated
        rows = fingerprint("crash_killed", INTERACTIONS_FINGERPRINT)
        assert rows == fingerprint("crash_clean", INTERACTIONS_FINGERPRINT)
        assert rows[0] == ROWS
        kpis = fingerprint("crash_killed", SNAPSHOTS_FINGERPRINT)
        assert kpis[0] > 0
        assert kpis == fingerprint("crash_clean", SNAPSHOTS_FINGERPRINT)
        with schema_context("crash_killed"):
            interrupted, rerun = ImportRun.objects.order_by("pk")
            assert (interrupted.status, interrupted.error_message) == ("failed", str(INTERRUPTED))
            assert interrupted.finished_at is not None
            assert rerun.status == "done"
