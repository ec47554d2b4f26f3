"""Large imports run as Celery tasks through a real Redis broker and a real worker.

The worker runs in a thread with its own database connection, so the data it must see is
committed: this module creates two tenants of its own and drops their schemas afterwards.
"""

import threading
import time
import uuid

import pytest
from celery.signals import task_postrun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_tenants.utils import schema_context

from interactions.models import ImportRun, Interaction
from interactions.services import import_run_create, import_submit
from interactions.tasks import import_run_task
from tenants.services import tenant_create, tenant_drop

CSV = b"external_id,offered_at\nq1,2026-03-02T09:00:00\nq2,2026-03-02T09:01:00\nq3,nope\n"


@pytest.fixture(scope="module")
def two_tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        red = tenant_create(schema="celery_red", domain="celery-red.localhost", name="Red")
        blue = tenant_create(schema="celery_blue", domain="celery-blue.localhost", name="Blue")
        try:
            yield red, blue
        finally:
            tenant_drop(tenant=red)
            tenant_drop(tenant=blue)


@pytest.fixture(scope="module")
def worker(two_tenants, celery_worker_thread):
    yield


def wait_for(run_id, schema, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with schema_context(schema):
            run = ImportRun.objects.get(pk=run_id)
        if run.finished_at:
            return run
        time.sleep(0.1)
    raise AssertionError(f"import {run_id} did not finish in {timeout}s")


@override_settings(IMPORT_ASYNC_THRESHOLD_BYTES=10)
def test_a_large_upload_is_imported_by_the_worker_in_its_own_tenant(two_tenants, worker, django_db_blocker):
    red, blue = two_tenants
    with django_db_blocker.unblock(), schema_context("celery_red"):
        run = import_submit(kind="interactions", upload=SimpleUploadedFile("big.csv", CSV), created_by_label="test")
        assert run.status == ImportRun.Status.QUEUED
    # import_submit enqueues on commit; in autocommit mode that is immediately.
    finished = wait_for(run.pk, "celery_red")
    assert finished.status == "done"
    assert (finished.summary["created"], finished.summary["rejected"]) == (2, 1)
    with django_db_blocker.unblock():
        with schema_context("celery_red"):
            assert set(Interaction.objects.values_list("external_id", flat=True)) == {"q1", "q2"}
        with schema_context("celery_blue"):
            assert Interaction.objects.count() == 0


def test_a_task_sent_for_one_tenant_cannot_touch_another(two_tenants, worker, django_db_blocker, tmp_path):
    """A run id of blue, sent with red's schema, is looked up in red only: blue is untouched."""
    path = tmp_path / "blue.csv"
    path.write_bytes(CSV)
    with django_db_blocker.unblock():
        with schema_context("celery_blue"):
            blue_run = import_run_create(kind="interactions", file_name="blue.csv", file_size=len(CSV))
            ImportRun.objects.filter(pk=blue_run.pk).update(stored_file=str(path))
        with schema_context("celery_red"):
            ImportRun.objects.filter(pk=blue_run.pk).delete()
    done = threading.Event()
    states = {}
    expected = {}

    def finished(task_id=None, state=None, **kwargs):
        states[task_id] = state
        if task_id == expected.get("id"):  # other tests' tasks may run on this worker too
            done.set()

    task_postrun.connect(finished, weak=False)
    try:
        task_id = f"red-reads-blue-{uuid.uuid4()}"
        expected["id"] = task_id
        result = import_run_task.apply_async(
            args=[blue_run.pk], task_id=task_id, headers={"_schema_name": "celery_red"}
        )
        assert done.wait(30), "the worker never ran the task"
    finally:
        task_postrun.disconnect(finished)
    assert states[result.id] == "FAILURE"  # ImportRun.DoesNotExist in red
    with django_db_blocker.unblock(), schema_context("celery_blue"):
        assert ImportRun.objects.get(pk=blue_run.pk).status == "queued"
        assert Interaction.objects.count() == 0
    assert path.exists()  # the file was never read through red
