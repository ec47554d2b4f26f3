"""KPI engine: full and incremental recompute, a DuckDB reference, page and API latency.

Usage: .venv/bin/python bench/kpis.py [--interactions 1000000] [--agents 200] [--fresh]
                                      [--requests 200] [--explain] [--skip-duckdb]
       (the reference needs DuckDB, in requirements-dev.txt)

1. A tenant "bench_kpis" (bench-kpis.localhost, Europe/Berlin) with N interactions from the
   demo generator through ``import_rows``, with the activity, schedule and survey rows the
   generator makes alongside; agents are organised into teams as ``demo_data`` does. Built
   once and reused (``--fresh`` rebuilds it); parameters are kept in .data/bench/.
2. ``recompute(reason="bench")`` over everything (a full run: every stored sum rebuilt),
   then one more day imported and the recompute the import hook does (the range
   scorecards.services.kpi_changed_range gives, with ``changed_since``: the import's start),
   and again ``recompute(since=day - repeat_window_days, until=day)``, as a run that does not
   know which contacts changed (the nightly one, an exclusion) does it.
   The engine's own per-statement timings (logger "scorecards.engine") are printed, and a
   warning when another recompute of the tenant (another session's) overlapped a timing.
3. The reference (bench/reference/): every KPI snapshot and coaching signal the engine writes,
   computed in DuckDB over the same raw rows exported once with COPY (not timed), then
   compared row by row with the engine's snapshots and signals.
4. Peak RSS of this process and of the PostgreSQL backend (sampled from /proc).
5. p50/p95 of the KPI API and the scorecard page (django.test.Client, an admin user).

Not a test: numbers depend on the machine; the ratio to DuckDB is what to compare between
commits. Re-runs import the same extra day again (it is deleted first), so they compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time
import zoneinfo
from collections import Counter, deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from bench import reference  # noqa: E402
from common import periods  # noqa: E402
from interactions.demo import _works, demo_plan, generate  # noqa: E402
from interactions.ingestion.rows import InteractionRow  # noqa: E402
from interactions.management.commands.demo_data import Command as DemoData  # noqa: E402
from interactions.services import import_rows  # noqa: E402
from scorecards import engine  # noqa: E402
from scorecards.models import KpiRecompute, KpiSnapshot  # noqa: E402
from tenants.models import Tenant  # noqa: E402
from tenants.services import tenant_create, tenant_drop  # noqa: E402

SCHEMA = "bench_kpis"
TZ_NAME = "Europe/Berlin"
FOLDER = ROOT / ".data" / "bench"
ADMIN_EMAIL = "bench-admin@bench-kpis.test"
# Interactions (answered and not) per working agent-day the generator makes with 200 agents
# (measured: 1,000,000 over 22,551 agent-days); sizes the date range so the data ends a week ago.
CONTACTS_PER_AGENT_DAY = 44.3
# The engine's upserts, in the order engine._recompute_range runs them (labels for its log).
UPSERT_NAMES = [
    "contacts",
    "surveys",
    "peak_hour",
    "missed",
    "people",
    "resolution_time",
    "query_age",
    "response_rate",
    "effort",
    "qa",
]
ENGINE_FILES = [
    "scorecards/engine.py",
    "scorecards/sql.py",
    "scorecards/counting.py",
    "scorecards/queries.py",
    "scorecards/queries_facts.py",
    "scorecards/queries_contacts.py",
    "scorecards/queries_people.py",
    "scorecards/queries_surveys.py",
    "scorecards/queries_qa.py",
    "scorecards/queries_cases.py",
    "scorecards/families.py",
    "coaching/signals.py",
]


def engine_version() -> str:
    """The commit of the engine's files, and whether the working tree changes them."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)

    commit = git("log", "-1", "--format=%h %cs", "--", *ENGINE_FILES).stdout.strip() or "?"
    dirty = git("diff", "--quiet", "HEAD", "--", *ENGINE_FILES).returncode != 0
    return commit + (" + uncommitted changes" if dirty else "")


def mb(kilobytes: float) -> str:
    return f"{kilobytes / 1024:,.0f} MB"


def self_peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- PostgreSQL memory ------------------------------------------------------------------


class PgSampler(threading.Thread):
    """Samples /proc of the Django connection's backend (and its parallel workers) every
    100 ms: the peak of VmRSS (includes the shared buffers it touched) and of RssAnon (its
    private memory: sorts, hashes, temp buffers), per phase."""

    def __init__(self):
        super().__init__(daemon=True)
        self.pid = None
        self.peak_rss = self.peak_anon = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def track(self) -> None:
        connection.ensure_connection()
        with self.lock:
            self.pid = connection.connection.info.backend_pid
            self.peak_rss = self.peak_anon = 0

    def take(self) -> tuple[int, int]:
        """(peak VmRSS kB, peak RssAnon kB) since the last track()/take()."""
        with self.lock:
            peaks = (self.peak_rss, self.peak_anon)
            self.peak_rss = self.peak_anon = 0
        return peaks

    def run(self) -> None:
        workers: list[int] = []
        tick = 0
        while not self.stopped.wait(0.1):
            pid = self.pid
            if pid is None:
                continue
            if tick % 10 == 0:  # parallel workers come and go; look for them every second
                workers = _parallel_workers(pid)
            tick += 1
            rss = anon = 0
            for p in [pid, *workers]:
                status = _status(p)
                rss += status.get("VmRSS", 0)
                anon += status.get("RssAnon", 0)
            with self.lock:
                self.peak_rss = max(self.peak_rss, rss)
                self.peak_anon = max(self.peak_anon, anon)


def _status(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def _parallel_workers(pid: int) -> list[int]:
    found = []
    needle = f"parallel worker for PID {pid}".encode()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if needle in Path(entry.path, "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def other_benchmarks() -> list[str]:
    mine = (os.getpid(), os.getppid())
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) not in mine:
            try:
                cmd = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "python" in cmd and ("bench/" in cmd or "pytest" in cmd):
                found.append(f"{entry.name}: {cmd.strip()}")
    return found


# --- 1. the tenant ----------------------------------------------------------------------


def meta_path(schema: str) -> Path:
    return FOLDER / f"{schema}.json"


def progress_path(schema: str) -> Path:
    return FOLDER / f"{schema}.progress.json"


def ensure_tenant(args, sampler: PgSampler) -> tuple[Tenant, dict]:
    """The bench tenant with the requested data, reused when it matches; a generation that
    stopped half-way (its checkpoint in .data/bench/<schema>.progress.json) is continued."""
    tenant = Tenant.objects.filter(schema_name=args.schema).first()
    meta = json.loads(meta_path(args.schema).read_text()) if meta_path(args.schema).exists() else None
    checkpoint = json.loads(progress_path(args.schema).read_text()) if progress_path(args.schema).exists() else None
    wanted = {"interactions": args.interactions, "agents": args.agents}
    reason = None
    if tenant is None:
        reason = "no tenant yet"
    elif args.fresh:
        reason = "--fresh"
    elif checkpoint and checkpoint["wanted"] == wanted:
        print(
            f"continuing the generation of {args.schema} from its checkpoint: "
            f"{checkpoint['counts'].get('InteractionRow', 0):,} of {args.interactions:,} interactions, "
            f"up to {checkpoint['next_day']} (--fresh starts again)",
            flush=True,
        )
        meta = generate_data(tenant, args, sampler, checkpoint)
        meta_path(args.schema).write_text(json.dumps(meta, indent=2))
        progress_path(args.schema).unlink()
        return tenant, meta
    elif not meta or {k: meta.get(k) for k in wanted} != wanted:
        reason = f"it was built with {meta and {k: meta.get(k) for k in wanted}}, not {wanted}"
    if reason is None:
        print(
            f"reusing tenant {args.schema} ({meta['interactions']:,} interactions, "
            f"{meta['agents']} agents, {meta['start']}..{meta['last_day']}); built in "
            f"{meta['seconds']:,.0f}s at {meta['rows'] / meta['seconds']:,.0f} rows/s; "
            "--fresh rebuilds it"
        )
        return tenant, meta
    print(f"building tenant {args.schema}: {reason}", flush=True)
    meta_path(args.schema).unlink(missing_ok=True)
    progress_path(args.schema).unlink(missing_ok=True)
    if tenant is not None:
        tenant_drop(tenant=tenant)
    domain = args.schema.replace("_", "-") + ".localhost"
    tenant = tenant_create(schema=args.schema, domain=domain, name="Bench KPIs", timezone=TZ_NAME)
    meta = generate_data(tenant, args, sampler, None)
    meta_path(args.schema).write_text(json.dumps(meta, indent=2))
    progress_path(args.schema).unlink()
    return tenant, meta


def plan_days(n: int, agents: int, today: dt.date) -> tuple[dt.date, int]:
    """A Monday start such that about n interactions end roughly a week before today."""
    expected, days = 0.0, 0
    probe = dt.date(2026, 1, 5)  # any Monday: the working pattern repeats
    while expected < n:
        day = probe + dt.timedelta(days=days)
        expected += sum(_works(i, day) for i in range(agents)) * CONTACTS_PER_AGENT_DAY
        days += 1
    start = today - dt.timedelta(days=days + 7)
    start = periods.week_start(start)
    # generous: the loop stops at n interactions, not at the last day
    return start, int(days * 1.3) + 14


def save_checkpoint(schema: str, checkpoint: dict) -> None:
    """Written whole, then renamed: a run killed while writing leaves the previous one."""
    path = progress_path(schema)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(checkpoint, indent=2))
    partial.replace(path)


def generate_data(tenant: Tenant, args, sampler: PgSampler, checkpoint: dict | None) -> dict:
    """Generate and import in chunks of ``--chunk-days`` days, with a checkpoint after each
    (the generator's state: the next day and the customers due to call again): a run that
    stops is continued from its last complete chunk. A chunk cut short is imported again
    from its first row: every import is an upsert on the rows' keys, so nothing doubles."""
    tz = zoneinfo.ZoneInfo(TZ_NAME)
    plan = demo_plan(agents=args.agents)
    if checkpoint is None:
        start, days = plan_days(args.interactions, args.agents, timezone.now().astimezone(tz).date())
        checkpoint = {
            "wanted": {"interactions": args.interactions, "agents": args.agents},
            "start": start.isoformat(),
            "days": days,
            "next_offset": 0,
            "next_day": start.isoformat(),
            "last_day": start.isoformat(),
            "callbacks": [],
            "counts": {},
            "seconds": 0.0,
        }
        save_checkpoint(args.schema, checkpoint)
    start, days = dt.date.fromisoformat(checkpoint["start"]), checkpoint["days"]
    callbacks = deque((dt.date.fromisoformat(d), c, k) for d, c, k in checkpoint["callbacks"])
    counts: Counter[str] = Counter(checkpoint["counts"])
    last = {"day": dt.date.fromisoformat(checkpoint["last_day"])}
    done = False

    def rows(offsets: range):
        nonlocal done
        for row in generate(plan, start=start, days=days, tz=tz, offsets=offsets, callbacks=callbacks):
            counts[type(row).__name__] += 1
            yield row
            if isinstance(row, InteractionRow):
                last["day"] = max(last["day"], row.offered_at.astimezone(tz).date())
                if counts["InteractionRow"] >= args.interactions:
                    done = True
                    return

    began = session_began = time.perf_counter()
    before = sum(counts.values())
    sampler.track()
    with tenant_context(tenant):
        DemoData._organise(plan)
    offset = checkpoint["next_offset"]
    while not done:
        if offset >= days:
            raise SystemExit(f"the generator made only {counts['InteractionRow']:,} interactions")
        chunk = range(offset, min(days, offset + args.chunk_days))
        with tenant_context(tenant):
            summary = import_rows(rows(chunk))
        if summary.rejected:
            print(f"  {summary.rejected:,} rows rejected, first: {summary.errors[:3]}")
        offset = chunk.stop
        elapsed = time.perf_counter() - began
        checkpoint.update(
            next_offset=offset,
            next_day=(start + dt.timedelta(days=offset)).isoformat(),
            last_day=last["day"].isoformat(),
            callbacks=[(d.isoformat(), c, k) for d, c, k in callbacks],
            counts=dict(counts),
            seconds=checkpoint["seconds"] + elapsed,
        )
        began = time.perf_counter()
        save_checkpoint(args.schema, checkpoint)
        made = counts["InteractionRow"]
        rate = (sum(counts.values()) - before) / max(time.perf_counter() - session_began, 1e-6)
        left = (args.interactions - made) / max(made, 1) * checkpoint["seconds"]
        print(
            f"  {checkpoint['next_day']}: {made:,} of {args.interactions:,} interactions "
            f"({100 * made / args.interactions:.0f}%), {sum(counts.values()):,} rows, "
            f"{elapsed:.0f}s for this chunk ({rate:,.0f} rows/s), about {left / 60:.0f} min left",
            flush=True,
        )
    seconds = checkpoint["seconds"]
    pg_rss, pg_anon = sampler.take()
    total = sum(counts.values())
    print(
        f"generated {total:,} rows ({', '.join(f'{v:,} {k}' for k, v in counts.items())}) "
        f"in {seconds:,.1f}s: {total / seconds:,.0f} rows/s, "
        f"{counts['InteractionRow'] / seconds:,.0f} interactions/s; "
        f"peak RSS so far {mb(self_peak_kb())}, PostgreSQL backend {mb(pg_rss)} "
        f"({mb(pg_anon)} private)"
    )
    # The next day with agents at work (nobody works on Sundays) is the incremental one.
    next_day = last["day"] + dt.timedelta(days=1)
    while next_day.weekday() == 6:
        next_day += dt.timedelta(days=1)
    if next_day > timezone.now().astimezone(tz).date():
        print(f"  note: the data reaches {last['day']}, the extra day {next_day} is in the future")
    return {
        "interactions": args.interactions,
        "agents": args.agents,
        "start": start.isoformat(),
        "last_day": last["day"].isoformat(),
        "next_day": next_day.isoformat(),
        "rows": total,
        "counts": dict(counts),
        "seconds": seconds,
    }


def forget_day(tenant: Tenant, day: dt.date) -> int:
    """Delete what an earlier run imported for the incremental day, so every run imports it."""
    tz = zoneinfo.ZoneInfo(TZ_NAME)
    lo, hi = periods.local_period_range(periods.DAY, day, tz)
    prefix = f"D{day:%Y%m%d}-%"
    with tenant_context(tenant), transaction.atomic(), connection.cursor() as cur:
        # answered e-mails may have been offered days before they were answered
        ids = (
            "SELECT id FROM interactions_interaction WHERE external_id LIKE %(prefix)s "
            "AND offered_at >= %(lo)s - interval '5 days' AND offered_at < %(hi)s"
        )
        params = {"prefix": prefix, "lo": lo, "hi": hi}
        cur.execute(f"DELETE FROM surveys_surveyresponse WHERE interaction_id IN ({ids})", params)
        cur.execute(f"DELETE FROM interactions_interaction WHERE id IN ({ids})", params)
        deleted = cur.rowcount
        for table in ("interactions_agentactivity", "interactions_scheduleentry"):
            cur.execute(f"DELETE FROM {table} WHERE start >= %(lo)s AND start < %(hi)s", params)
    return deleted


def vacuum(tenant: Tenant) -> float:
    began = time.perf_counter()
    with tenant_context(tenant), connection.cursor() as cur:
        for table in (
            "interactions_interaction",
            "interactions_agentactivity",
            "interactions_scheduleentry",
            "surveys_surveyresponse",
            "scorecards_kpisnapshot",
        ):
            cur.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - began


# --- 2. the engine ----------------------------------------------------------------------


class EngineLog(logging.Handler):
    """Collects the engine's "kpi engine: 1.23s <sql>" lines as (label, seconds)."""

    PATTERN = re.compile(r"kpi engine: ([0-9.]+)s (.*)")

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[tuple[str, float]] = []

    def emit(self, record) -> None:
        match = self.PATTERN.match(record.getMessage())
        if not match:
            return
        seconds, sql = float(match.group(1)), match.group(2)
        words = sql.split() + ["", "", "", ""]
        table = words[2].removeprefix("scorecards_kpiday_")
        if sql.startswith("CREATE TEMP TABLE"):
            label = words[3]
        elif sql.startswith("CREATE INDEX"):
            label = "index " + words[3]
        elif sql.startswith("ANALYZE"):
            label = "analyze " + words[1]
        elif sql.startswith("INSERT INTO kpi_new"):
            k = sum(1 for name, _ in self.lines if name.startswith("upsert"))
            label = "upsert " + (UPSERT_NAMES[k] if k < len(UPSERT_NAMES) else f"#{k + 1}")
        elif sql.startswith("INSERT INTO scorecards_kpisnapshot"):
            label = "write snapshots"
        elif sql.startswith("DELETE FROM scorecards_kpisnapshot"):
            label = "delete stale snapshots"
        elif sql.startswith("INSERT"):
            label = "store " + table.removeprefix("scorecards_")
        elif sql.startswith("DELETE"):
            label = "clear " + table
        else:
            label = " ".join(words[:4]).strip()
        self.lines.append((label, seconds))

    def take(self) -> list[tuple[str, float]]:
        lines, self.lines = self.lines, []
        return lines


def temp_files() -> tuple[int, int]:
    """(temp files, temp bytes) PostgreSQL has written for this database so far."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute("SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()")
        return cur.fetchone()


def timed_recompute(tenant: Tenant, log: EngineLog, sampler: PgSampler, **kwargs) -> dict:
    sampler.track()
    log.take()
    files, spilled = temp_files()
    load = os.getloadavg()[0]
    with tenant_context(tenant):
        began = time.perf_counter()
        written = engine.recompute(**kwargs)
        seconds = time.perf_counter() - began
    pg_rss, pg_anon = sampler.take()
    with tenant_context(tenant):
        # Someone else's recompute of this tenant holds the advisory lock: ours waited.
        overlapping = list(
            KpiRecompute.objects.filter(
                Q(finished_at__isnull=True) | Q(finished_at__gt=timezone.now() - dt.timedelta(seconds=seconds)),
                started_at__lt=timezone.now(),
            )
            .exclude(reason__startswith="bench")
            .values_list("reason", "started_at", "seconds")
        )
    for reason, started, took in overlapping:
        print(
            f"  WARNING: another recompute of this tenant (reason {reason!r}, started "
            f"{started:%H:%M:%S}, {took or 0:.0f}s) overlapped this one: its time includes "
            "waiting for that one's lock"
        )
    time.sleep(0.2)
    files_after, spilled_after = temp_files()
    return {
        "seconds": seconds,
        "written": written,
        "statements": log.take(),
        "pg_rss": pg_rss,
        "pg_anon": pg_anon,
        "load": load,
        "temp_files": files_after - files,
        "temp_bytes": spilled_after - spilled,
    }


def hook_recompute(tenant: Tenant, log: EngineLog, sampler: PgSampler, imported_at: dt.datetime) -> dict | None:
    """What an import through import_run_execute does afterwards, if this checkout has it:
    the range comes from the rows' updated_at, widened by the repeat window both ways."""
    try:
        from scorecards.services import kpi_changed_range
    except ImportError:
        return None
    with tenant_context(tenant):
        changed_since = imported_at - dt.timedelta(seconds=1)
        began = time.perf_counter()
        changed = kpi_changed_range(since=changed_since)
        range_seconds = time.perf_counter() - began
    if changed is None:
        return None
    result = timed_recompute(
        tenant, log, sampler, since=changed[0], until=changed[1], reason="bench-hook", changed_since=changed_since
    )
    # the hook's whole time: which days changed (kpi_changed_range), then the recompute
    result["statements"].append(("kpi_changed_range", range_seconds))
    result["seconds"] += range_seconds
    result["range"] = changed
    result["changed_since"] = changed_since
    return result


def print_statements(result: dict, title: str) -> None:
    lines = result["statements"]
    logged = sum(s for _, s in lines)
    print(f"  {title}: per statement (engine log), slowest first")
    for label, seconds in sorted(lines, key=lambda x: -x[1]):
        print(f"    {seconds:7.2f}s {100 * seconds / result['seconds']:5.1f}%  {label}")
    print(
        f"    {result['seconds'] - logged:7.2f}s {100 * (1 - logged / result['seconds']):5.1f}%  "
        "not logged: delete of the periods, ANALYZE of temp tables, data span, bookkeeping"
    )


def explain(tenant: Tenant, name: str = "", **recompute_kwargs) -> Path:
    """EXPLAIN (ANALYZE, BUFFERS) of every engine statement, through the engine's own code:
    its _timed is swapped for one that explains; everything is rolled back."""
    path = FOLDER / f"explain-{tenant.schema_name}{name}.txt"
    original = engine._timed
    plans = []

    def explained(cur, sql, params):
        began = time.perf_counter()
        # an index, or a temp table declared by its columns (kpi_new): nothing to explain
        if sql.lstrip().startswith("CREATE INDEX") or re.match(r"\s*CREATE TEMP TABLE \w+ \(", sql):
            cur.execute(sql, params)
            plans.append((time.perf_counter() - began, sql, "(not explainable)"))
            return
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
        plans.append((time.perf_counter() - began, sql, plan))

    engine._timed = explained
    try:
        with tenant_context(tenant), transaction.atomic():
            engine.recompute(reason="bench-explain", **recompute_kwargs)
            transaction.set_rollback(True)
    finally:
        engine._timed = original
    with path.open("w") as out:
        for seconds, sql, plan in plans:
            out.write(f"=== {seconds:.2f}s {' '.join(sql.split())[:100]}\n{plan}\n\n")
    return path


# --- 3. the DuckDB reference (bench/reference/) ----------------------------------------------


def export(tenant: Tenant) -> tuple[dict[str, Path], float]:
    began = time.perf_counter()
    with tenant_context(tenant), connection.cursor() as cur:
        paths = reference.exports.export(cur, FOLDER, tenant.schema_name)
    return paths, time.perf_counter() - began


def duck_reference(duckdb, paths: dict[str, Path], tenant: Tenant, threads: int) -> dict:
    """Every snapshot and signal of the engine, computed by the reference from the exported
    rows (loading them is not timed)."""
    con = reference.exports.load(duckdb, paths)
    con.execute(f"SET threads = {threads}")
    began = time.perf_counter()
    timings = reference.run(con, reference.settings_of(tenant, reference.engine_now(con)))
    seconds = time.perf_counter() - began
    rows = con.execute(
        "SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in reference.compare.TABLES)
    ).fetchone()[0]
    return {"con": con, "seconds": seconds, "statements": timings, "rows": rows}


# --- 5. latency -------------------------------------------------------------------------


def latency(tenant: Tenant, week: dt.date, requests: int) -> dict:
    with tenant_context(tenant):
        user = User.objects.filter(email=ADMIN_EMAIL).first() or user_create(
            email=ADMIN_EMAIL, password=secrets.token_urlsafe(16), role="admin"
        )
        client = Client(HTTP_HOST=tenant.domains.first().domain)
        client.force_login(user)
    end = periods.period_last_day(periods.WEEK, week)
    urls = {
        "API agent×week": f"/api/v1/kpis/?scope=agent&period=week&start={week}&end={end}",
        "API team×week": f"/api/v1/kpis/?scope=team&period=week&start={week}&end={end}",
        "scorecard page": f"/kpis/?period=week&start={week}",
    }
    results = {}
    for name, url in urls.items():
        first = client.get(url)
        if first.status_code != 200:
            results[name] = {"url": url, "status": first.status_code}
            continue
        detail = ""
        if url.startswith("/api/"):
            body = first.json()
            detail = f"{body.get('count', '?')} rows, {len(body.get('results', []))} per page"
        for _ in range(4):  # warm-up
            client.get(url)
        times = []
        for _ in range(requests):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        results[name] = {
            "url": url,
            "status": 200,
            "detail": detail,
            "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)],
            "max": times[-1],
        }
    return results


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench tenant")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--explain", action="store_true", help="also write EXPLAIN (ANALYZE, BUFFERS) of every engine statement"
    )
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument(
        "--skip-full", action="store_true", help="no timed full recompute (the tenant has snapshots already)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="import the extra day and time the hook this many times")
    parser.add_argument(
        "--explain-incremental", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) of the import hook's recompute"
    )
    parser.add_argument("--schema", default=SCHEMA, help="the bench tenant's schema (one per data size)")
    parser.add_argument("--chunk-days", type=int, default=7, help="days generated and imported between two checkpoints")
    parser.add_argument("--generate-only", action="store_true", help="build (or continue) the tenant, then stop")
    args = parser.parse_args()
    duckdb = None
    if not args.skip_duckdb:
        try:
            import duckdb
        except ImportError:
            raise SystemExit(
                "The DuckDB reference needs duckdb: "
                ".venv/bin/pip install -r requirements-dev.txt "
                "(or run with --skip-duckdb)"
            ) from None
    version = engine_version()
    print(f"KPI engine (scorecards/engine.py, queries*.py) at {version}")
    busy = other_benchmarks()
    if busy:
        print("WARNING: other benchmarks or tests are running; timings will suffer:\n  " + "\n  ".join(busy))
    FOLDER.mkdir(parents=True, exist_ok=True)
    log = EngineLog()
    engine_logger = logging.getLogger("scorecards.engine")
    engine_logger.setLevel(logging.INFO)
    engine_logger.propagate = False  # collected and printed sorted, not line by line
    engine_logger.addHandler(log)
    sampler = PgSampler()
    sampler.start()

    tenant, meta = ensure_tenant(args, sampler)
    if args.generate_only:
        sampler.stopped.set()
        return
    day = dt.date.fromisoformat(meta["next_day"])
    forgotten = forget_day(tenant, day)
    print(
        f"VACUUM ANALYZE before timing: {vacuum(tenant):.1f}s"
        + (f" (after deleting the {forgotten:,} interactions of {day} an earlier run imported)" if forgotten else "")
    )
    with tenant_context(tenant):
        count = KpiSnapshot.objects.count()
        interactions = tenant_interactions()
    print(f"tenant {args.schema}: {interactions:,} interactions, {count:,} snapshots before the run")

    # 2. full recompute (a first one on a fresh tenant, then the one that replaces snapshots)
    if count == 0:
        initial = timed_recompute(tenant, log, sampler, reason="bench")
        print(f"initial full recompute (no snapshots yet): {initial['seconds']:.1f}s, {initial['written']:,} snapshots")
        count = initial["written"]  # --skip-full: the initial run was the full one
    if count and args.skip_full:
        print("full recompute: skipped (--skip-full)")
        full = {"seconds": math.nan, "written": 0, "statements": [], "pg_rss": 0, "pg_anon": 0, "temp_bytes": 0}
    else:
        full = timed_recompute(tenant, log, sampler, reason="bench")
        print(
            f"full recompute: {full['seconds']:.1f}s, {full['written']:,} snapshots, "
            f"PostgreSQL backend peak {mb(full['pg_rss'])} ({mb(full['pg_anon'])} private), "
            f"{full['temp_files']} temp files ({mb(full['temp_bytes'] / 1024)}); "
            f"load average before: {full['load']:.2f}"
        )
        if busy := other_benchmarks():
            print("  WARNING: other benchmarks or tests ran meanwhile:\n    " + "\n    ".join(busy))
        print_statements(full, "full recompute")
    peak_after_engine = self_peak_kb()

    paths, export_s = ({}, 0.0) if args.skip_duckdb else export(tenant)
    if paths:
        print(f"exported to {FOLDER} for DuckDB in {export_s:.1f}s (not timed)")
    if args.explain:
        print(f"EXPLAIN ANALYZE of every statement: {explain(tenant)}")

    # 2b. one more day, and the recompute the import hook asks for (--repeat: the day deleted
    # and imported again, as many times)
    hooks = []
    for attempt in range(args.repeat):
        if attempt:
            forget_day(tenant, day)
        sampler.track()
        began = time.perf_counter()
        imported_at = timezone.now()
        plan = demo_plan(agents=args.agents)
        with tenant_context(tenant):
            summary = import_rows(generate(plan, start=day, days=1, tz=tenant.tz))
        import_s = time.perf_counter() - began
        sampler.take()
        print(f"one more day ({day}): {summary.created:,} rows imported in {import_s:.1f}s")
        hook = hook_recompute(tenant, log, sampler, imported_at)
        if hook:
            hooks.append(hook)
            print(
                f"the import hook's recompute (scorecards.services.kpi_recompute_after_import, sync): "
                f"days {hook['range'][0]}..{hook['range'][1]}, {hook['seconds']:.2f}s, "
                f"{hook['written']:,} snapshots"
            )
            print_statements(hook, "incremental recompute (import hook)")
    if hooks:
        hook = sorted(hooks, key=lambda h: h["seconds"])[len(hooks) // 2]  # the median run
        if len(hooks) > 1:
            print(
                f"the import hook's recompute over {len(hooks)} runs: "
                + ", ".join(f"{h['seconds']:.2f}s" for h in hooks)
                + f"; median {hook['seconds']:.2f}s"
            )
        if args.explain_incremental:
            path = explain(
                tenant,
                "-incremental",
                since=hook["range"][0],
                until=hook["range"][1],
                changed_since=hook["changed_since"],
            )
            print(f"EXPLAIN ANALYZE of the import hook's recompute: {path}")
    since = day - dt.timedelta(days=tenant.repeat_window_days)
    incremental = timed_recompute(tenant, log, sampler, since=since, until=day, reason="bench-incremental")
    rng = engine.Range.around(since, day)
    print(
        f"recompute({since}..{day}), every case of those days (rolls up "
        f"{rng.lo_day}..{rng.hi_day - dt.timedelta(days=1)}): "
        f"{incremental['seconds']:.2f}s, {incremental['written']:,} snapshots"
    )
    print_statements(incremental, "incremental recompute (by days)")

    # 5. latency
    start = dt.date.fromisoformat(meta["start"])
    middle = start + dt.timedelta(days=(day - start).days // 2)
    week = periods.week_start(middle)
    http = latency(tenant, week, args.requests)
    for name, r in http.items():
        if r["status"] != 200:
            note = " (the scorecard page does not exist yet)" if r["status"] == 404 else ""
            print(f"{name}: SKIPPED, GET {r['url']} answered {r['status']}{note}")
        else:
            print(
                f"{name}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms "
                f"over {args.requests} requests; {r['detail']} ({r['url']})"
            )
    peak_django = self_peak_kb()

    # 3. DuckDB
    duck = duck1 = None
    if duckdb is not None:
        duck = duck_reference(duckdb, paths, tenant, threads=os.cpu_count() or 1)
        comparison = reference.compare.snapshots(duck["con"])
        signals = reference.compare.signals(duck["con"])
        duck["con"].close()
        duck1 = duck_reference(duckdb, paths, tenant, threads=1)
        duck1["con"].close()
        print(
            f"DuckDB {duckdb.__version__} reference ({os.cpu_count()} threads): every KPI and signal the "
            f"engine writes, {duck['seconds']:.2f}s ({duck1['seconds']:.2f}s on 1 thread), {duck['rows']:,} rows"
        )
        for label, seconds in duck["statements"]:
            print(f"    {seconds:7.2f}s  {label}")
        print(
            f"  against the engine's snapshots: {comparison['both']:,} rows on both sides, "
            f"{comparison['only_engine']:,} only in the engine, {comparison['only_reference']:,} only in "
            f"DuckDB, values differ in {comparison['value_differs']:,}, n in {comparison['n_differs']:,}, "
            f"numerators or denominators in {comparison['sums_differ']:,}, intervals in {comparison['ci_differs']:,}"
        )
        print(
            "  per KPI (rows on both sides): "
            + ", ".join(f"{k} {v['both']:,}" for k, v in comparison["per_kpi"].items())
        )
        for example in comparison["examples"]:
            print(f"    differs: {example}")
        kinds = ", ".join(f"{k} {v['both']}" for k, v in signals["per_kind"].items())
        print(
            f"  against the engine's signals: {signals['both']:,} on both sides "
            f"({kinds}), "
            f"{signals['only_engine']:,} only in the engine, {signals['only_reference']:,} only in DuckDB, "
            f"{signals['differs']:,} with different numbers"
        )
        for example in signals["examples"]:
            print(f"    differs: {example}")

    # 6. summary
    rows = [
        ("engine version", version.split()[0], version.partition(" ")[2]),
        ("interactions in the tenant", f"{interactions:,}", ""),
        (
            "generation (import_rows)",
            f"{meta['seconds']:,.0f} s",
            f"{meta['rows'] / meta['seconds']:,.0f} rows/s of {meta['rows']:,}",
        ),
        ("full recompute", f"{full['seconds']:.1f} s", f"{full['written']:,} snapshots"),
    ]
    if duck:
        rows += [
            (
                "DuckDB reference, every KPI and signal",
                f"{duck['seconds']:.2f} s",
                f"1 thread: {duck1['seconds']:.2f} s",
            ),
            (
                "ratio full recompute / DuckDB",
                f"{full['seconds'] / duck['seconds']:.1f}x",
                "the same snapshots and signals; goal: within 5x",
            ),
        ]
    if hook:
        rows += [
            (
                "incremental recompute (+1 day, import hook)",
                f"{hook['seconds']:.2f} s",
                f"{hook['written']:,} snapshots, days {hook['range'][0]}..{hook['range'][1]}"
                + (f", median of {len(hooks)}" if len(hooks) > 1 else ""),
            )
        ]
        if duck:
            rows.append(
                (
                    "ratio incremental / DuckDB",
                    f"{hook['seconds'] / duck['seconds']:.2f}x",
                    "the import hook's recompute against the reference's full pass; goal <= 0.25x",
                )
            )
    rows += [
        (
            "  the same days, every case of them",
            f"{incremental['seconds']:.2f} s",
            f"{incremental['written']:,} snapshots, days {since}..{day}",
        )
    ]
    for name, r in http.items():
        rows.append(
            (
                f"{name} p50 / p95",
                "skipped" if r["status"] != 200 else f"{r['p50']:.0f} / {r['p95']:.0f} ms",
                f"HTTP {r['status']}" if r["status"] != 200 else "goal p95 < 150 ms",
            )
        )
    rows += [
        (
            "peak RSS, this process",
            mb(peak_django),
            f"after the engine: {mb(peak_after_engine)}" + (f"; with DuckDB: {mb(self_peak_kb())}" if duck else ""),
        ),
        (
            "peak RSS, PostgreSQL backend",
            mb(max(full["pg_rss"], incremental["pg_rss"])),
            f"private {mb(max(full['pg_anon'], incremental['pg_anon']))} (recomputes); "
            f"full recompute spilled {mb(full['temp_bytes'] / 1024)} to temp files",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print("\nsummary")
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>12}  {note}")
    sampler.stopped.set()


def tenant_interactions() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM interactions_interaction")
        return cur.fetchone()[0]


if __name__ == "__main__":
    main()
