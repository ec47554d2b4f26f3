"""The one Celery app and the ONE beat schedule of the project."""

import os

from celery.schedules import crontab
from kombu import Exchange, Queue

from common.outbox import OutboxCeleryApp

# Servers and workers run the production settings unless told otherwise (bin/run-dev says
# config.settings.local): a forgotten variable fails closed, asking for SECRET_KEY and the rest.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Every task (shared_task included) derives from ActiveTenantTask: a suspended tenant's tasks
# are refused in that one place. OutboxCeleryApp is tenant-aware, and a task sent while Redis is
# down is kept in PostgreSQL and sent once it is back (common/outbox.py) instead of failing the
# request that asked for it.
app = OutboxCeleryApp("callwell", task_cls="tenants.task_guard:ActiveTenantTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One queue per kind of work. A worker started without -Q consumes all six, taking from each
# in turn (kombu's round robin over Redis lists), so a burst of recomputes (or the nightly
# fan-out) never has every import or digest wait behind it; big sites can give a queue
# workers of its own on any number of machines (docs/scaling.md). A tenant's recomputes are
# coalesced besides (scorecards.recompute_requests): one running and one waiting at most.
QUEUES = ("celery", "imports", "kpis", "digests", "webhooks", "live")
app.conf.task_default_queue = "celery"
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
# Every task of the project is named here (tests/test_celery_routes.py walks app.tasks).
app.conf.task_routes = {
    "interactions.tasks.import_run_task": {"queue": "imports"},
    # what follows an import, in proportion to its rows
    "surveys.tasks.invitations_sample_task": {"queue": "imports"},
    "qa.tasks.qa_checks_task": {"queue": "imports"},
    "scorecards.tasks.kpi_recompute_task": {"queue": "kpis"},
    "coaching.tasks.digest_send_task": {"queue": "digests"},
    "reports.tasks.report_send_task": {"queue": "digests"},
    # a slow receiver (up to its timeout per attempt) must not hold up imports or recomputes
    "webhooks.tasks.webhook_delivery_task": {"queue": "webhooks"},
    # seconds matter here (a wallboard's alert, the KPIs of the live feed): never behind a
    # nightly fan-out or a big import
    "live.followups.live_followups_flush_task": {"queue": "live"},
    "alerts.tasks.alerts_evaluate_task": {"queue": "live"},
    "alerts.tasks.alert_email_task": {"queue": "live"},
    # Deliberately the default queue: the beat entries' dispatchers (small, public schema, one
    # at a time) and the outbox flush.
    "*_dispatch": {"queue": "celery"},
    "common.tasks.pending_tasks_flush_task": {"queue": "celery"},
}

# Periodic work is added here by the apps that need it (KPI recompute, digests), each as
# one dispatcher entry that fans out a task per tenant.
app.conf.beat_schedule = {
    # Late changes (a survey answered days later, a corrected export) and anything an
    # incremental recompute could not see land in the KPIs overnight. 02:15 UTC is night
    # for most contact centers in Europe and the Americas; the task is safe to run twice.
    "kpi-nightly-recompute": {
        "task": "scorecards.tasks.kpi_nightly_dispatch",
        "schedule": crontab(hour=2, minute=15),
    },
    # Hourly on the hour (UTC): the dispatcher sends each tenant's digest in the UTC hour that
    # is its DigestSettings weekday and hour locally, so every timezone gets it at its own 08:00.
    "coaching-digest-dispatch": {
        "task": "coaching.tasks.digest_dispatch",
        "schedule": crontab(minute=0),
    },
    # Hourly (UTC): report subscriptions, due from 07:00 local on the Monday after the week and
    # on the 1st after the month; the day's later runs catch up what was missed or failed.
    "reports-dispatch": {
        "task": "reports.tasks.report_dispatch",
        "schedule": crontab(minute=5),
    },
    # Imports whose worker died (kill -9, OOM, a lost host) are ended FAILED; also done when a
    # worker starts. Every 10 minutes: a dead run on another host waits out its heartbeat anyway.
    "import-runs-reap": {
        "task": "interactions.tasks.import_runs_reap_dispatch",
        "schedule": crontab(minute="*/10"),
    },
    # Alerts on the live state: a wait grows and a window slides with no event at all, so every
    # 30 s each tenant with active rules is evaluated (and after each live batch besides).
    "alerts-evaluate-dispatch": {
        "task": "alerts.tasks.alerts_evaluate_dispatch",
        "schedule": 30.0,
    },
    # Tasks asked for while Redis was down (common/outbox.py); also sent when a worker starts.
    "pending-tasks-flush": {
        "task": "common.tasks.pending_tasks_flush_task",
        "schedule": crontab(),
    },
}
