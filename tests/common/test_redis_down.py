"""With Redis stopped (the real redis-server of this checkout), pages that do not need it answer,
work asked for is kept instead of failing the request, and once Redis is back a starting worker
sends it and runs it, together with what was queued before the outage.

The tests' settings use a local-memory cache; here the cache is the production one on the real
Redis (common.cache.FailOpenRedisCache). The tenant is committed (the worker is a child process)
and dropped afterwards.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django_tenants.test.client import TenantClient
from django_tenants.utils import schema_context

from accounts.models import Role
from common import devservers
from common.models import PendingTask
from scorecards.models import KpiRecompute, KpiRecomputeRequest
from scorecards.services import kpi_recompute_enqueue
from scorecards.tasks import kpi_recompute_task
from tenants.services import tenant_create, tenant_drop
from tests.crash import CeleryWorker, purge_queue, wait_until
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not devservers.embedded_servers_in_use(), reason="stops the local redis-server"),
]

SCHEMA = "crash_redis"
# the recompute sends its coalesced request to the kpis queue (config/celery.py routes)
QUEUE = "kpis"
REAL_CACHE = {
    "default": {
        "BACKEND": "common.cache.FailOpenRedisCache",
        "LOCATION": devservers.redis_url().replace("redis+socket://", "unix://", 1),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture(scope="module")
def tenant_and_admin(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema=SCHEMA, domain="crash-redis.localhost", name="Redis Down")
        with schema_context(SCHEMA):
            admin = UserFactory(email="ada@redis.test", password="correct-horse-battery", role=Role.ADMIN)
        try:
            yield tenant, admin
        finally:
            devservers.redis_url()  # started again if a failure left it stopped
            connection.set_schema_to_public()
            tenant_drop(tenant=tenant)
            PendingTask.objects.filter(headers___schema_name=SCHEMA).delete()


def finished_reasons() -> set[str]:
    """The reasons finished runs answered; a run of coalesced requests lists each of them."""
    with schema_context(SCHEMA):
        runs = KpiRecompute.objects.filter(finished_at__isnull=False).values_list("reason", flat=True)
        return {reason.strip() for run in runs for reason in run.split(",")}


@override_settings(CACHES=REAL_CACHE)
def test_with_redis_down_pages_answer_and_work_waits_for_its_return(tenant_and_admin, django_db_blocker, tmp_path):
    tenant, admin = tenant_and_admin
    headers = {"_schema_name": SCHEMA}
    with django_db_blocker.unblock():
        purge_queue(QUEUE)
        kpi_recompute_task.apply_async(args=[None, None, "before outage"], headers=headers, queue=QUEUE)
        devservers.local_redis_stop()
        try:
            signed_in = TenantClient(tenant)
            with schema_context(SCHEMA):
                signed_in.force_login(admin)
            for path in ("/kpis/", "/imports/history/", "/"):
                assert signed_in.get(path).status_code == 200, path
            anonymous = TenantClient(tenant)
            assert anonymous.get("/login/").status_code == 200
            # the survey rate limit fails open: an unknown link is a plain "not found"
            assert anonymous.get("/s/no-such-token/").status_code == 404
            # the password reset limit fails closed: the usual answer, and no email
            response = anonymous.post("/password/reset/", {"email": "ada@redis.test"})
            assert response.status_code == 302 and mail.outbox == []

            # Work asked for meanwhile: neither call raises; both are kept in PostgreSQL.
            with schema_context(SCHEMA):
                kpi_recompute_task.apply_async(args=[None, None, "during outage"], headers=headers, queue=QUEUE)
                kpi_recompute_enqueue(reason="settings", debounce_seconds=60)  # on commit: now
            kept = list(PendingTask.objects.filter(headers___schema_name=SCHEMA))
            # the task sent by hand keeps its arguments; the service's request is the tenant's
            # coalesced request row, and the kept message carries only its token
            assert [task.args[2] for task in kept if task.args] == ["during outage"]
            [token] = [task.kwargs["token"] for task in kept if not task.args]
            with schema_context(SCHEMA):
                assert "settings" in KpiRecomputeRequest.objects.get(token=token).reasons
        finally:
            devservers.redis_url()  # Redis is back, with what was queued before it stopped

        with CeleryWorker(QUEUE, tmp_path / "worker.log", purge=False) as worker:  # it flushes as it starts
            wait_until(
                lambda: {"before outage", "during outage"} <= finished_reasons(),
                timeout=60,
                what=f"both recomputes ran\n{worker.output()[-3000:]}",
                every=0.2,
            )
        assert not PendingTask.objects.filter(headers___schema_name=SCHEMA).exists()
