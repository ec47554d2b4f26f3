"""Every task of the project goes to the queue of its workload (config/celery.py), so workers on
any number of machines can be given the queues they serve (docs/scaling.md). A new task fails
here until it is given a route: the default queue is a decision, not an accident."""

from __future__ import annotations

import pytest

from config.celery import QUEUES, app

# The workload of each task: what a site's worker layout (docs/scaling.md) relies on.
EXPECTED = {
    "interactions.tasks.import_run_task": "imports",
    "surveys.tasks.invitations_sample_task": "imports",
    "qa.tasks.qa_checks_task": "imports",
    "scorecards.tasks.kpi_recompute_task": "kpis",
    "coaching.tasks.digest_send_task": "digests",
    "reports.tasks.report_send_task": "digests",
    "webhooks.tasks.webhook_delivery_task": "webhooks",
    "live.followups.live_followups_flush_task": "live",
    "alerts.tasks.alerts_evaluate_task": "live",
    "alerts.tasks.alert_email_task": "live",
    "common.tasks.pending_tasks_flush_task": "celery",
    "scorecards.tasks.kpi_nightly_dispatch": "celery",
    "coaching.tasks.digest_dispatch": "celery",
    "reports.tasks.report_dispatch": "celery",
    "interactions.tasks.import_runs_reap_dispatch": "celery",
    "alerts.tasks.alerts_evaluate_dispatch": "celery",
}


def project_tasks() -> list[str]:
    app.loader.import_default_modules()  # autodiscovery: every app's tasks module
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def explicit_route(name: str) -> dict | None:
    """The route config/celery.py's task_routes gives ``name`` (None: it would fall through)."""
    for route in app.amqp.routes:
        found = route(name, (), {}, {}, task=app.tasks[name])
        if found:
            return found
    return None


def queue_of(name: str) -> str:
    """Where a message of this task is published, as the app resolves it."""
    return app.amqp.router.route({}, name, (), {})["queue"].name


def test_every_project_task_has_an_explicit_route_to_a_declared_queue():
    tasks = project_tasks()
    assert set(EXPECTED) <= set(tasks), "a task of the table is gone: update EXPECTED"
    unrouted = [name for name in tasks if explicit_route(name) is None]
    assert unrouted == [], f"give these a route in config/celery.py (default queue on purpose: 'celery'): {unrouted}"
    declared = {queue.name for queue in app.conf.task_queues}
    assert declared == set(QUEUES)
    assert {name: queue_of(name) for name in tasks if queue_of(name) not in declared} == {}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_workload_goes_to_its_queue(name):
    assert queue_of(name) == EXPECTED[name]


def test_only_the_dispatchers_and_the_outbox_flush_share_the_default_queue():
    on_default = {name for name in project_tasks() if queue_of(name) == "celery"}
    assert on_default == {n for n in on_default if n.endswith("_dispatch")} | {"common.tasks.pending_tasks_flush_task"}
    # the per-tenant work of each dispatcher is on a queue of its own workload
    assert {queue_of(n) for n in project_tasks() if n not in on_default} == set(QUEUES) - {"celery"}


def test_long_tasks_are_acknowledged_late_and_a_worker_takes_one_message_at_a_time():
    """A worker killed mid-import gives its message back (acks_late), and a worker that is busy
    holds no second message another worker could be running (prefetch 1): with a tenant's burst
    on a queue, every idle worker takes the next message instead of one worker hoarding them."""
    assert app.conf.worker_prefetch_multiplier == 1
    per_tenant = [name for name, queue in EXPECTED.items() if queue != "celery"]
    assert [name for name in per_tenant if not app.tasks[name].acks_late] == []
