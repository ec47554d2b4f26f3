"""The measurements of bench/tenants.py, run once its tenants exist (imported after django.setup)."""

from __future__ import annotations

import collections
import datetime as dt
import json
import statistics
import time
from pathlib import Path

import psycopg
import redis
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor

from tenants.models import Tenant
from tenants.services import tenant_create, tenant_drop
from tenants.template import TEMPLATE_SCHEMA

MONDAY_8 = dt.datetime(2026, 11, 30, 8, 0, 30, tzinfo=dt.UTC)  # the default digest time (UTC tenants)
TUESDAY_NIGHT = dt.datetime(2026, 12, 1, 2, 15, tzinfo=dt.UTC)


def _timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def _broker() -> redis.Redis:
    return redis.Redis(unix_socket_path=settings.CELERY_BROKER_URL.removeprefix("redis+socket://").split("?")[0])


def noop_migrate(schemas: list[str], sample: int) -> dict:
    """Ours over every schema, against django-tenants' standard and multiprocessing executors over
    ``sample`` of them (per schema, times the tenant count): a full run of those takes an hour."""
    ours, _ = _timed(call_command, "migrate_schemas", interactive=False, verbosity=0)
    options = vars(MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas").parse_args(["--noinput"]))
    options["verbosity"] = 0
    figures: dict = {"ours_seconds": ours}
    for codename in ("standard", "multiprocessing"):
        picked = schemas[:sample]
        seconds, _ = _timed(get_executor(codename)([], options).run_migrations, tenants=list(picked))
        connection.close()
        figures[f"{codename}_per_schema"] = seconds / len(picked)
        figures[f"{codename}_estimated_seconds"] = seconds / len(picked) * len(schemas)
        figures[f"{codename}_ratio_to_ours"] = figures[f"{codename}_estimated_seconds"] / ours
    return figures


def one_more_tenant(repeat: int = 3) -> dict:
    """tenant_create with the template (the median of ``repeat``), against the same with the
    template out of the way (once: it takes half a minute)."""
    figures: dict = {}
    runs = [("template", False, i) for i in range(repeat)] + [("migrations", True, 0)]
    for label, away, i in runs:
        schema = f"bench_extra_{label}_{i}"
        stale = Tenant.objects.filter(schema_name=schema).first()
        if stale:
            tenant_drop(tenant=stale)
        with connection.cursor() as cursor:
            if away:
                cursor.execute(f"ALTER SCHEMA {TEMPLATE_SCHEMA} RENAME TO {TEMPLATE_SCHEMA}_away")
        try:
            seconds, tenant = _timed(
                tenant_create, schema=schema, domain=f"{schema.replace('_', '-')}.localhost", name=label
            )
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                if away:
                    cursor.execute(f"ALTER SCHEMA {TEMPLATE_SCHEMA}_away RENAME TO {TEMPLATE_SCHEMA}")
        figures.setdefault(f"{label}_runs", []).append(seconds)
        tenant_drop(tenant=tenant)
    for label in ("template", "migrations"):
        figures[f"{label}_seconds"] = statistics.median(figures[f"{label}_runs"])
    figures["ratio"] = figures["template_seconds"] / figures["migrations_seconds"]
    return figures


def beat_entries() -> dict:
    from config.celery import app

    return {"entries": len(app.conf.beat_schedule), "names": sorted(app.conf.beat_schedule)}


def digests(managers_per_tenant: int) -> dict:
    """coaching.tasks.digest_dispatch at the digests' hour, every tenant due: messages counted
    in Redis; against sending as many messages with nothing read first."""
    from coaching.tasks import digest_dispatch, digest_send_task

    broker = _broker()
    broker.flushdb()
    with time_machine.travel(MONDAY_8, tick=True):
        seconds, sent = _timed(digest_dispatch)
    queued = broker.llen("digests")
    broker.flushdb()
    bare, _ = _timed(
        lambda: [
            digest_send_task.apply_async(args=["2026-11-23"], headers={"_schema_name": schema})
            for schema in sent  # type: ignore[union-attr]
        ]
    )
    broker.flushdb()
    tenants = len(sent)  # type: ignore[arg-type]
    return {
        "tenants_due": tenants,
        "managers": tenants * managers_per_tenant,
        "messages_queued": queued,
        "seconds": seconds,
        "bare_send_seconds": bare,
        "ratio_to_bare": seconds / bare,
    }


def nightly() -> dict:
    """scorecards.tasks.kpi_nightly_dispatch: when each tenant's recompute is due (the messages'
    eta), against the capped stagger it replaces (computed)."""
    from scorecards.tasks import kpi_nightly_dispatch

    broker = _broker()
    broker.flushdb()
    with time_machine.travel(TUESDAY_NIGHT, tick=False):
        seconds, count = _timed(kpi_nightly_dispatch)
    etas = []
    for raw in broker.lrange("kpis", 0, -1):
        eta = json.loads(raw)["headers"].get("eta")
        etas.append((dt.datetime.fromisoformat(eta) - TUESDAY_NIGHT).total_seconds() if eta else 0.0)
    broker.flushdb()
    old = [min(position * settings.KPI_NIGHTLY_STAGGER_SECONDS, 3600) for position in range(int(count))]  # type: ignore[call-overload]
    return {
        "tenants": count,
        "dispatch_seconds": seconds,
        "messages": len(etas),
        "last_start_seconds": max(etas),
        "max_per_minute": max(collections.Counter(int(s // 60) for s in etas).values()),
        "old_last_start_seconds": max(old),
        "old_max_per_minute": max(collections.Counter(s // 60 for s in old).values()),
        "old_at_cap": sum(1 for s in old if s == 3600),
    }


def _private_kb(pid: int) -> dict:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) for key in ("VmRSS", "RssAnon")}


def backend_memory(schemas: list[str], recycle_every: int) -> dict:
    """RssAnon (private memory: the catalog caches) of a backend that visits every schema, as a
    dispatcher does (its two tables) and as a long-lived worker would (every table once),
    against the same loops reconnecting every ``recycle_every`` schemas (the worst backend)."""
    db = settings.DATABASES["default"]
    parts = {"dbname": db["NAME"], "host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    dsn = " ".join(f"{key}={value}" for key, value in parts.items() if value)
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schemas[0]])]
    touches = {
        "dispatchers": ["coaching_digestsettings", "scorecards_kpirecomputerequest"],
        "every_table": tables,
    }
    figures: dict = {"tables_per_schema": len(tables)}
    for label, names in touches.items():
        for every in (len(schemas), recycle_every):
            worst, conn, pid, started = 0, None, 0, time.perf_counter()
            fresh = 0
            for position, schema in enumerate(schemas):
                if position % every == 0:
                    if conn is not None:
                        worst = max(worst, _private_kb(pid)["RssAnon"])
                        conn.close()
                    conn = psycopg.connect(dsn, autocommit=True)
                    pid = conn.info.backend_pid
                    fresh = _private_kb(pid)["RssAnon"]
                sql = " UNION ALL ".join(f'(SELECT 1 FROM "{schema}"."{name}" LIMIT 1)' for name in names)
                conn.execute(sql).fetchall()
            assert conn is not None
            worst = max(worst, _private_kb(pid)["RssAnon"])
            conn.close()
            key = f"{label}_{'all' if every == len(schemas) else f'every_{every}'}"
            figures[key] = {"fresh_kb": fresh, "worst_kb": worst, "seconds": time.perf_counter() - started}
    return figures


def run_all(args, schemas: list[str]) -> dict:
    results = {}
    for name, probe in (
        ("beat", beat_entries),
        ("noop_migrate", lambda: noop_migrate(schemas, args.sample)),
        ("one_more_tenant", one_more_tenant),
        ("digests", lambda: digests(args.managers)),
        ("nightly", nightly),
        ("backend_memory", lambda: backend_memory(schemas, args.recycle_every)),
    ):
        if args.only and name not in args.only:
            continue
        print(f"{name}...", flush=True)
        results[name] = probe()
        connection.set_schema_to_public()
        print(f"  {json.dumps(results[name], default=str)}", flush=True)
    return results
