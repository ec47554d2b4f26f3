"""Any failure ends an import FAILED with its reason; a re-run converges; runs a dead process
left RUNNING are ended (interactions/liveness.py, import_runs_reap)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import socket
import subprocess
import sys

import pytest
from celery.signals import worker_ready
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from interactions import services
from interactions.ingestion import PARSERS
from interactions.models import ImportRun, Interaction
from interactions.services import INTERRUPTED, import_run_create, import_run_execute, import_runs_reap
from tests.interactions.generated import contacts_file

ROWS = 25


@pytest.fixture
def alpha(tenants, in_tenant):
    return in_tenant(tenants.alpha)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 10)


@pytest.fixture
def parser_breaks_after_12_rows(monkeypatch):
    """The parser raises what the CSV module raised on a 128 KiB field (issue 13) after 12 rows,
    whatever the real parser does with such a field today."""
    real = PARSERS["interactions"]

    def breaking(stream, *, tz):
        for position, item in enumerate(real(stream, tz=tz)):
            if position == 12:
                raise csv.Error("field larger than field limit (131072)")
            yield item

    monkeypatch.setitem(PARSERS, "interactions", breaking)
    return real


def file_bytes(tmp_path, rows=ROWS) -> bytes:
    return contacts_file(tmp_path / "contacts.csv", rows).read_bytes()


def execute(data: bytes) -> ImportRun:
    run = import_run_create(kind="interactions", file_name="contacts.csv", file_size=len(data), source="cli")
    return import_run_execute(run=run, stream=io.BytesIO(data), recompute="none")


def test_a_parser_error_mid_file_fails_the_run_with_its_reason(
    alpha, small_batches, parser_breaks_after_12_rows, tmp_path
):
    run = execute(file_bytes(tmp_path))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.finished_at is not None
    assert "field larger than field limit" in run.error_message
    assert "after 10 lines" in run.error_message  # the batch committed before the error
    assert Interaction.objects.count() == 10


def test_a_rerun_after_a_failure_converges_on_one_clean_import(
    alpha, small_batches, parser_breaks_after_12_rows, tmp_path, monkeypatch
):
    data = file_bytes(tmp_path)
    assert execute(data).status == ImportRun.Status.FAILED
    monkeypatch.setitem(PARSERS, "interactions", parser_breaks_after_12_rows)  # the parser fixed
    rerun = execute(data)
    assert rerun.status == ImportRun.Status.DONE
    assert (rerun.summary["created"], rerun.summary["unchanged"]) == (ROWS - 10, 10)
    assert Interaction.objects.count() == ROWS


def test_the_page_and_the_api_show_why_an_import_failed(
    tenants, people, web, api, small_batches, parser_breaks_after_12_rows, tmp_path
):
    data = file_bytes(tmp_path)
    response = api(tenants.alpha, key=people.alpha_key).post(
        "/api/v1/imports/interactions/",
        {"file": SimpleUploadedFile("contacts.csv", data, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "field larger than field limit" in response.json()["detail"]
    run = ImportRun.objects.get(pk=response.json()["import_id"])
    assert run.status == ImportRun.Status.FAILED
    listed = api(tenants.alpha, key=people.alpha_key).get(f"/api/v1/imports/runs/{run.pk}/").json()
    assert listed["status"] == "failed" and "field larger than field limit" in listed["error_message"]
    page = web(tenants.alpha, people.ada).get(f"/imports/{run.pk}/").content.decode()
    assert "The import failed:" in page and "field larger than field limit" in page


def test_a_200_kb_field_never_leaves_the_run_running(alpha, tmp_path):
    data = contacts_file(tmp_path / "c.csv", 3).read_bytes()
    header, first, rest = data.split(b"\n", 2)
    long_field = first.replace(b"C", b"C" + b"x" * 200_000, 1)  # customer_id of 200 KB
    run = execute(b"\n".join([header, long_field, rest]))
    run.refresh_from_db()
    assert run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED)
    assert run.finished_at is not None
    if run.status == ImportRun.Status.FAILED:
        assert run.error_message


def running(owner: str, heartbeat_age: dt.timedelta) -> ImportRun:
    run = import_run_create(kind="interactions", file_name="x.csv", file_size=1)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING,
        owner=owner,
        started_at=timezone.now() - heartbeat_age,
        heartbeat_at=timezone.now() - heartbeat_age,
    )
    return run


@pytest.fixture
def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def live_pid():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process.pid
    process.kill()
    process.wait()


def status_of(run: ImportRun) -> tuple[str, str]:
    run.refresh_from_db()
    return run.status, run.error_message


def test_a_run_whose_process_died_on_this_host_is_ended_at_once(alpha, dead_pid, live_pid):
    host = socket.gethostname()
    dead = running(f"{host}:{dead_pid}", dt.timedelta(seconds=5))
    alive = running(f"{host}:{live_pid}", dt.timedelta(seconds=5))
    assert import_runs_reap(mode="none") == [dead.pk]
    assert status_of(dead) == ("failed", str(INTERRUPTED))
    assert status_of(alive) == ("running", "")


def test_a_run_on_another_host_is_ended_once_its_heartbeat_is_stale(alpha, settings):
    settings.IMPORT_STALE_AFTER_SECONDS = 600
    quiet = running("other-host:123", dt.timedelta(minutes=11))
    busy = running("other-host:124", dt.timedelta(minutes=2))
    assert import_runs_reap(mode="none") == [quiet.pk]
    assert status_of(quiet) == ("failed", str(INTERRUPTED))
    assert status_of(busy) == ("running", "")


def test_a_starting_worker_ends_interrupted_runs_of_every_tenant(tenants, in_tenant, dead_pid):
    in_tenant(tenants.beta)
    in_beta = running(f"{socket.gethostname()}:{dead_pid}", dt.timedelta(seconds=1))
    in_tenant(tenants.alpha)
    in_alpha = running(f"{socket.gethostname()}:{dead_pid}", dt.timedelta(seconds=1))
    worker_ready.send(sender=None)
    assert status_of(in_alpha)[0] == "failed"
    in_tenant(tenants.beta)
    assert status_of(in_beta)[0] == "failed"


def test_the_next_import_ends_an_interrupted_one_first(alpha, dead_pid, tmp_path):
    interrupted = running(f"{socket.gethostname()}:{dead_pid}", dt.timedelta(seconds=1))
    assert execute(file_bytes(tmp_path, 3)).status == ImportRun.Status.DONE
    assert status_of(interrupted) == ("failed", str(INTERRUPTED))


def test_what_a_failed_run_committed_reaches_the_kpis(alpha, small_batches, parser_breaks_after_12_rows, tmp_path):
    from scorecards.models import KpiSnapshot

    data = file_bytes(tmp_path)
    run = import_run_create(kind="interactions", file_name="contacts.csv", file_size=len(data), source="cli")
    assert import_run_execute(run=run, stream=io.BytesIO(data), recompute="sync").status == "failed"
    handled = KpiSnapshot.objects.filter(kpi="calls_handled", scope="agent", period="day")
    # the 10 rows committed before the error: 8 answered (rows 0 and 9 are abandoned)
    assert sum(s.value for s in handled) == 8
