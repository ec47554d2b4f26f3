"""A thousand tenants on one PostgreSQL: deploys, tenant creation, beat, digests, the nightly
fan-out and a backend's memory.

Usage: .venv/bin/python bench/tenants.py [--tenants 1000] [--managers 50] [--create-only]
       [--only one_more_tenant ...]   (make bench-tenants)

1. A database of its own on the embedded PostgreSQL (callwell_bench_tenants) and a private
   redis-server as the Celery broker (no worker: messages are counted, never run).
2. ``migrate_schemas`` (public, then the template schema), then tenants bench_t0000... created
   by tenants.services.tenant_create until there are N, each with M managers. Resumable: what
   exists is reused, so the first run pays the creation once (its time per tenant is printed).
3. The figures, each beside a reference measured in the same run (bench/tenants_probes.py):
   a no-op ``migrate_schemas`` (against django-tenants' executors on a sample of schemas),
   one more tenant (cloned from the template, against running its migrations), the beat
   schedule's entries, the weekly digests of N x M managers enqueued (against bare sends of
   as many messages), the nightly recompute fan-out's spread, and the memory of a PostgreSQL
   backend that has visited every schema (against one that is recycled every K schemas).

Not a test: the figures depend on the machine. Results also go to .data/bench/tenants.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from bench.servers import ensure_database, start_redis  # noqa: E402
from common import devservers  # noqa: E402

BENCH_DATABASE = "callwell_bench_tenants"
DATABASE_URL = devservers.embedded_database_url().rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"
OUT = ROOT / ".data" / "bench"
OUT.mkdir(parents=True, exist_ok=True)
ensure_database(DATABASE_URL)
(OUT / "tenants-redis").mkdir(exist_ok=True)
REDIS, REDIS_SOCKET = start_redis(OUT / "tenants-redis")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = f"redis+socket://{REDIS_SOCKET}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from tenants.models import Tenant  # noqa: E402
from tenants.services import tenant_create  # noqa: E402

PREFIX = "bench_t"


def schema_of(i: int) -> str:
    return f"{PREFIX}{i:04d}"


def forget_half_made() -> None:
    """A run stopped while creating a tenant leaves its row without a schema: start it again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [PREFIX + "%"])
        present = {row[0] for row in cursor.fetchall()}
    for tenant in Tenant.objects.filter(schema_name__startswith=PREFIX).exclude(schema_name__in=present):
        Tenant.objects.filter(pk=tenant.pk).delete()


def migrate() -> float:
    forget_half_made()
    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    connection.set_schema_to_public()
    return time.perf_counter() - started


def create_tenants(n: int, managers: int) -> dict:
    """tenant_create until bench_t0000..bench_t{n-1} exist; returns how long the new ones took."""
    have = set(Tenant.objects.filter(schema_name__startswith=PREFIX).values_list("schema_name", flat=True))
    missing = [i for i in range(n) if schema_of(i) not in have]
    started = time.perf_counter()
    for done, i in enumerate(missing, 1):
        schema = schema_of(i)
        tenant_create(schema=schema, domain=f"t{i:04d}.bench-tenants.localhost", name=f"Tenant {i}")
        with schema_context(schema):
            User.objects.bulk_create(
                User(username=f"manager{m}", email=f"manager{m}@t{i}.example", role=Role.MANAGER)
                for m in range(managers)
            )
        connection.close()  # a fresh backend now and then: see the memory figure
        if done % 25 == 0:
            per = (time.perf_counter() - started) / done
            print(f"  created {done}/{len(missing)} ({per:.2f} s/tenant)", flush=True)
    seconds = time.perf_counter() - started
    return {"created": len(missing), "seconds": seconds, "per_tenant": seconds / len(missing) if missing else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--sample", type=int, default=20, help="schemas django-tenants' executors migrate")
    parser.add_argument("--recycle-every", type=int, default=100)
    parser.add_argument("--create-only", action="store_true")
    parser.add_argument("--only", nargs="*", help="these probes only (beat, noop_migrate, one_more_tenant, ...)")
    args = parser.parse_args()
    results: dict = {"tenants": args.tenants, "managers_per_tenant": args.managers}
    try:
        results["first_migrate_seconds"] = migrate()
        print(f"migrate_schemas before creating: {results['first_migrate_seconds']:.1f} s", flush=True)
        results["creation"] = create_tenants(args.tenants, args.managers)
        print(f"creation: {results['creation']}", flush=True)
        if args.create_only:
            return
        from bench import tenants_probes

        results.update(tenants_probes.run_all(args, schemas=[schema_of(i) for i in range(args.tenants)]))
    finally:
        (OUT / "tenants.json").write_text(json.dumps(results, indent=2, default=str))
        REDIS.terminate()
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
