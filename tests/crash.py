"""Helpers of the crash tests: child processes on the test database, and table fingerprints."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django_tenants.utils import schema_context

ROOT = Path(__file__).resolve().parent.parent


def child_database_url() -> str:
    s = connection.settings_dict
    host = quote(s["HOST"] or "localhost", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@{host}{port}/{s['NAME']}"


def child_env() -> dict[str, str]:
    """A child process (manage.py, a Celery worker) on this session's test database and broker."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": child_database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "PYTHONUNBUFFERED": "1",
    }


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout}s")


# Every column that came from the file, foreign keys by their natural keys: two imports of one
# file into two tenants give the same fingerprint (ids and insertion times differ).
INTERACTIONS_FINGERPRINT = """
    SELECT count(*), md5(string_agg(concat_ws('|', i.external_id, i.channel, q.name, t.name, a.acd_login,
           i.customer_id, i.case_id, i.initiated_at, i.offered_at, i.answered_at, i.ended_at, i.talk_seconds,
           i.hold_seconds, i.acw_seconds, i.hold_count, i.outcome, i.transferred, i.resolved,
           i.callback_requested, i.missed_by::text, i.cost, md5(i.transcript), i.source_updated_at),
           ',' ORDER BY i.external_id))
      FROM interactions_interaction i
      LEFT JOIN interactions_queue q ON q.id = i.queue_id
      LEFT JOIN interactions_interactiontype t ON t.id = i.interaction_type_id
      LEFT JOIN accounts_agent a ON a.id = i.agent_id"""

SNAPSHOTS_FINGERPRINT = """
    SELECT count(*), md5(string_agg(concat_ws('|', kpi, scope, key, period, period_start, round(value::numeric, 9),
           round(numerator::numeric, 9), round(denominator::numeric, 9), n, round(ci_low::numeric, 9),
           round(ci_high::numeric, 9), insufficient_data),
           ',' ORDER BY kpi, scope, key, period, period_start))
      FROM scorecards_kpisnapshot"""


def fingerprint(schema: str, sql: str) -> tuple:
    with schema_context(schema), connection.cursor() as cur:
        cur.execute(sql)
        return tuple(cur.fetchone())


def purge_queue(queue: str) -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


class CeleryWorker:
    """A real Celery worker in a child process on the test database, consuming one queue of its
    own (tasks other tests left in the default queue are not its business)."""

    def __init__(self, queue: str, log: Path, *, purge: bool = True, name: str | None = None):
        self.queue = queue  # one queue, or several comma-separated (-Q)
        self.log = log
        self.purge = purge
        self.name = name or queue
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """The child process, not waited for: several workers can boot at once."""
        if self.purge:
            purge_queue(self.queue)
        self.out = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-Q", self.queue, "-l", "info"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{self.name}@%h"],
            cwd=ROOT,
            env=child_env(),
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        wait_until(lambda: "ready." in self.output(), timeout=timeout, what=f"worker {self.name} started", every=0.2)

    def __enter__(self) -> CeleryWorker:
        self.start()
        self.wait_ready()
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.out.close()
