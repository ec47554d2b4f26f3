"""Workers on many machines: two real Celery worker processes on the test's Redis, one consuming
`imports`, the other `kpis,digests`, as two machines of a site would (docs/scaling.md). Real
tasks of two tenants each run on the worker of their queue, in their tenant's schema, and no
worker ever takes a message of a queue it was not given.

The workers are child processes with their own database connections: what they read is
committed, so this module creates two tenants of its own and drops them afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
from pathlib import Path

import pytest
from celery.signals import before_task_publish
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from coaching.tasks import digest_send_task
from config.celery import app
from interactions.models import ImportRun, Interaction
from interactions.services import import_submit
from scorecards.models import KpiRecompute
from tenants.services import tenant_create, tenant_drop
from tests.crash import CeleryWorker, purge_queue, wait_until
from webhooks.tasks import webhook_delivery_task

TEAL, PLUM = "queues_teal", "queues_plum"
# a different number of contacts per tenant: a task run in the wrong schema shows in the counts
ROWS = {TEAL: 3, PLUM: 5}
WORKERS = {"imports": "imports", "kpis_digests": "kpis,digests"}
USED = ("imports", "kpis", "digests", "webhooks", "live", "celery")


def csv(count: int) -> bytes:
    lines = [
        f"{i},2026-03-0{2 + i % 3}T09:{i:02d}:00,2026-03-0{2 + i % 3}T09:{i:02d}:20,{60 + i}" for i in range(count)
    ]
    return ("external_id,offered_at,answered_at,talk_seconds\n" + "\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def two_tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        teal = tenant_create(schema=TEAL, domain="queues-teal.localhost", name="Teal")
        plum = tenant_create(schema=PLUM, domain="queues-plum.localhost", name="Plum")
        try:
            yield teal, plum
        finally:
            tenant_drop(tenant=teal)
            tenant_drop(tenant=plum)


class Worker(CeleryWorker):
    """``celery -A config worker -Q <queues> -n <name>@<host>``, logging every task it receives."""

    def __init__(self, name: str, queues: str, log: Path):
        super().__init__(queues, log, purge=False, name=name)
        self.queues = queues
        self.start()

    @property
    def node(self) -> str:
        return f"{self.name}@{socket.gethostname()}"

    def received(self) -> dict[str, str]:
        """task id -> task name, of every message this worker took."""
        pattern = r"Task ([\w.]+)\[([0-9a-f-]+)\] received"
        return {task_id: name for name, task_id in re.findall(pattern, self.output())}

    def succeeded(self, task_id: str) -> bool:
        return re.search(rf"\[{task_id}\] succeeded", self.output()) is not None


@pytest.fixture
def workers(two_tenants, tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        for queue in USED:  # messages other tests left behind are not this test's business
            purge_queue(queue)
    started = {name: Worker(name, queues, tmp_path / f"{name}.log") for name, queues in WORKERS.items()}
    try:
        for worker in started.values():
            worker.wait_ready(timeout=90)
        yield started
    finally:
        for worker in started.values():
            worker.stop()
        with django_db_blocker.unblock():
            for queue in USED:
                purge_queue(queue)


@pytest.fixture
def published():
    """(task name, schema, task id, queue) of every message this process publishes."""
    sent: list[tuple[str, str, str, str]] = []
    lock = threading.Lock()

    def record(sender=None, headers=None, routing_key=None, **kwargs):
        with lock:
            sent.append((sender, headers.get("_schema_name"), headers["id"], routing_key))

    before_task_publish.connect(record, weak=False)
    yield sent
    before_task_publish.disconnect(record)


def queue_length(queue: str) -> int:
    with app.connection_for_write() as conn:
        return conn.default_channel.client.llen(queue)


def test_each_tenants_tasks_run_on_the_worker_of_their_queue_and_no_worker_takes_another_queue(
    two_tenants, workers, published, django_db_blocker
):
    imports, kpis_digests = workers["imports"], workers["kpis_digests"]
    runs = {}
    with django_db_blocker.unblock():
        for schema in (TEAL, PLUM):
            with schema_context(schema):
                # autocommit: each task is sent as the call returns (on commit)
                upload = SimpleUploadedFile(f"{schema}.csv", csv(ROWS[schema]))
                runs[schema] = import_submit(kind="interactions", upload=upload, run_async=True).pk
            digest_send_task.apply_async(args=[dt.date(2026, 3, 2).isoformat()], headers={"_schema_name": schema})
            # a queue neither worker consumes: its messages must stay where they are
            webhook_delivery_task.apply_async(args=[987654], headers={"_schema_name": schema})

        def all_done() -> bool:
            for schema in (TEAL, PLUM):
                with schema_context(schema):
                    if ImportRun.objects.get(pk=runs[schema]).status != "done":
                        return False
                    if not KpiRecompute.objects.filter(reason__contains="import", finished_at__isnull=False).exists():
                        return False
            digests = [task_id for name, _, task_id, _ in published if name == digest_send_task.name]
            return all(kpis_digests.succeeded(task_id) for task_id in digests)

        wait_until(all_done, timeout=120, what="both tenants' imports, recomputes and digests", every=0.3)

        # The imports ran in the imports worker's process (the run records its owner), each in
        # its own tenant's schema.
        for schema in (TEAL, PLUM):
            with schema_context(schema):
                run = ImportRun.objects.get(pk=runs[schema])
                assert run.owner == f"{socket.gethostname()}:{imports.process.pid}"
                assert Interaction.objects.count() == ROWS[schema] == run.summary["created"]

    took_imports, took_kpis_digests = imports.received(), kpis_digests.received()
    # The tasks this process sent ran where their queue is consumed, and only there.
    by_queue = {"imports": took_imports, "kpis": took_kpis_digests, "digests": took_kpis_digests}
    for name, schema, task_id, queue in published:
        if queue in by_queue:
            assert task_id in by_queue[queue], (name, schema, queue)
        for took in (took_imports, took_kpis_digests):
            if took is not by_queue.get(queue):
                assert task_id not in took, (name, schema, queue)
    assert sorted(queue for _, _, _, queue in published) == ["digests", "digests", "imports", "imports"] + [
        "webhooks",
        "webhooks",
    ]

    # What the workers sent each other (an import's recompute, invitations and QA checks) went
    # to its own queue as well: every task a worker took is one of its queues'.
    def queue_of(name: str) -> str:
        return app.amqp.router.route({}, name, (), {})["queue"].name

    assert {queue_of(name) for name in took_imports.values()} == {"imports"}
    assert {queue_of(name) for name in took_kpis_digests.values()} == {"kpis", "digests"}
    assert sorted(took_imports.values()).count("interactions.tasks.import_run_task") == 2
    assert "scorecards.tasks.kpi_recompute_task" in took_kpis_digests.values()
    assert "qa.tasks.qa_checks_task" in took_imports.values()

    # The queue nobody consumes still holds both messages, and each worker says what it consumes.
    assert queue_length("webhooks") == 2
    active = app.control.inspect(destination=[w.node for w in workers.values()], timeout=5).active_queues() or {}
    assert {node: sorted(q["name"] for q in queues) for node, queues in active.items()} == {
        imports.node: ["imports"],
        kpis_digests.node: ["digests", "kpis"],
    }
