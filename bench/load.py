"""Latency at a fixed offered rate against the production-like server, with a bare view as reference.

Usage: .venv/bin/python bench/load.py [--rate 3 [50 ...]] [--duration 60] [--only scorecard kpi_api survey]
       (`make bench-load` runs it at 3/s for every target, then at 25/s for the API and surveys;
       the goal of issue 16: `--rate 300 --only scorecard kpi_api`, and lower rates to find the
       highest one that meets it)

1. A database of its own on the embedded PostgreSQL (callwell_bench_load) with the demo tenant:
   migrate_schemas, collectstatic and `manage.py demo_setup` with the production settings, as
   `make serve` runs them (config/serve.py); reused by later runs.
2. A private redis-server (socket under a temp dir) as broker and cache, so each survey answer
   really enqueues its KPI recompute, but no worker takes it.
3. gunicorn exactly as `make serve` starts it (config.serve.web_command: 2 gthread workers) with
   config.serve.production_environment, on 127.0.0.1; the settings are bench.load_settings,
   the production settings plus one bare view (bench/load_urls.py) as the reference.
4. Open model: an asyncio client in this process starts request i at t0 + i / rate whatever
   the earlier requests are doing (a closed loop would slow down with the server and hide its
   queueing), each on a new connection (gunicorn's sync workers close them). Latency counts
   from the scheduled start, so time spent waiting for a connection is in it. For each target,
   --duration seconds of the bare view, then --duration seconds of the target, each after a few
   seconds of warm-up (the machine drifts over minutes: each target has its own reference):
     * bare:       GET /bench/bare/ (the reference)
     * scorecard:  GET /kpis/?period=week&start=... as the demo manager (session cookie)
     * kpi_api:    GET /api/v1/kpis/?scope=agent&period=week&start=...&end=... with an API key
     * survey:     POST /s/<token>/ a score and a comment, each to its own fresh invitation; every
                   tenth request re-sends the previous token at once (a double click racing the
                   first submit), which must answer 200 and store nothing more.
5. Errors (any other status, a wrong page, a timeout), p50/p95/p99 and their ratio to the
   bare view's, whether the goal is met (p95 <= 30 ms for the API, <= 60 ms for the page, no
   error), the CPU this client took (it shares the cores with the server) and the machine's busy
   share; the queries per request of each target, counted in this process with Django's test
   client on the same database (CaptureQueriesContext, middleware included, warm cache); then
   the database is asked how many responses each posted token has: exactly 1.

Not a test: the figures depend on the machine, and client, server and PostgreSQL share it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import devservers  # before Django: the benchmark's database is set below

BENCH_DATABASE = "callwell_bench_load"
DATABASE_URL = devservers.embedded_database_url().rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.services import apikey_create
from bench.invitations import invited_contacts
from bench.load_urls import BARE_PATH  # bench: a namespace package under ROOT
from bench.servers import ensure_database, free_port, start_redis
from config.serve import production_environment, web_command
from pipeline.management.commands.demo_setup import DOMAIN, LOGINS, SCHEMA
from surveys.models import Survey, SurveyResponse

TARGETS = ("scorecard", "kpi_api", "survey")
P95_GOALS = {"scorecard": 0.060, "kpi_api": 0.030}  # issue 16, with no error
QUANTILES = (0.5, 0.95, 0.99)
TIMEOUT = 10.0
WARM_UP_SECONDS = 5


# --- preparation -----------------------------------------------------------------------------


def server_environment(redis_url: str, port: int) -> dict[str, str]:
    env = production_environment(database_url=DATABASE_URL, redis_url=redis_url, port=port)
    env["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
    return env


def demo_tenant(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    steps = (["migrate_schemas", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"], ["demo_setup"])
    for step in steps:
        subprocess.run(manage + step, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fresh_invitations(n: int, label: str) -> list[str]:
    """n new handled contacts of the demo tenant, each with an open CSAT invitation."""
    run = timezone.now().strftime("%Y%m%d%H%M%S") + f"-{label}"
    with schema_context(SCHEMA):
        survey = Survey.objects.filter(kind="csat", is_active=True).first()
        assert survey is not None, "the demo tenant has no active CSAT survey"
        return invited_contacts(survey=survey, n=n, prefix=f"bench-load-{run}", spread_minutes=600)


def api_key() -> str:
    with schema_context(SCHEMA):
        return apikey_create(name=f"bench load {timezone.now():%Y-%m-%d %H:%M:%S}")[1]


def responses_per_token(tokens: list[str]) -> dict[str, int]:
    with schema_context(SCHEMA):
        counts = dict.fromkeys(tokens, 0)
        for token in SurveyResponse.objects.filter(invitation__token__in=tokens).values_list(
            "invitation__token", flat=True
        ):
            counts[token] += 1
    return counts


# --- the client ------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    expect: bytes = b""  # in the page, else the answer counts as an error


async def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # X-Forwarded-For: what the proxy in front of production adds (TRUSTED_PROXY_COUNT=1)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {DOMAIN}:{port}", "Connection: close", "X-Forwarded-For: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data.split(b" ", 2)[1]), data


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu: float = 0.0  # seconds of CPU this process took
    machine_busy: float = 0.0  # share of all cores busy (every process), from /proc/stat

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def offered(port: int, rate: float, seconds: float, make) -> Result:
    """Start make(i) at t0 + i / rate for `seconds`, never waiting for earlier answers."""
    result = Result()
    loop = asyncio.get_running_loop()

    async def one(i: int, scheduled: float) -> None:
        target = make(i)
        try:
            status, data = await asyncio.wait_for(
                request(port, target.method, target.path, target.headers, target.body), TIMEOUT
            )
            if status != 200 or target.expect not in data:
                result.errors.append(str(status))
        except (OSError, TimeoutError) as exc:
            result.errors.append(type(exc).__name__)
        result.latencies.append(loop.time() - scheduled)

    cpu, busy = time.process_time(), cpu_ticks()
    start = loop.time() + 0.05
    tasks = []
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - loop.time()))
        tasks.append(asyncio.create_task(one(i, scheduled)))
    await asyncio.gather(*tasks)
    result.seconds = loop.time() - start
    result.client_cpu = time.process_time() - cpu
    (busy_before, total_before), (busy_after, total_after) = busy, cpu_ticks()
    result.machine_busy = (busy_after - busy_before) / max(1, total_after - total_before)
    return result


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of every core since boot (Linux /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


async def manager_session(port: int) -> str:
    """Log the demo manager in through the login page, as a browser does."""
    email, password = next((e, p) for e, p, role in LOGINS if role == "manager")
    _, page = await request(port, "GET", "/login/", {})
    csrf = re.search(rb"csrftoken=([^;]+)", page).group(1).decode()
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = f"csrfmiddlewaretoken={form_token}&username={email}&password={password}".encode()
    status, answer = await request(port, "POST", "/login/", {"Cookie": f"csrftoken={csrf}"}, body)
    session = re.search(rb"sessionid=([^;]+)", answer)
    if status != 302 or session is None:
        raise RuntimeError(f"the demo manager could not log in ({status})")
    return session.group(1).decode()


def wait_for_server(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if asyncio.run(request(port, "GET", BARE_PATH, {}))[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer on the bare view")


# --- the run ---------------------------------------------------------------------------------


def week_start() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 7)  # the last complete week


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, nargs="+", default=[3.0], help="requests per second, each in turn")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per target")
    parser.add_argument("--only", nargs="*", default=list(TARGETS), choices=TARGETS, help="some targets only")
    args = parser.parse_args()
    ensure_database(DATABASE_URL)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        redis_proc, sock = start_redis(Path(tmp))
        redis_url = f"redis+socket://{sock}"
        try:
            results, posted = run(args, redis_url)
        finally:
            redis_proc.terminate()
            redis_proc.wait(10)
    queries = queries_per_request(args.only)
    for rate, by_target in results.items():
        report(rate, args, by_target, queries)
    check_answers(responses_per_token(posted))


def run(args, redis_url: str) -> tuple[dict[float, dict[str, tuple[Result, Result]]], list[str]]:
    port = free_port()
    env = server_environment(redis_url, port)
    print("preparing the demo tenant in the benchmark database (the first time: a few minutes)...", flush=True)
    demo_tenant(env)
    surveys = "survey" in args.only
    warm_tokens = fresh_invitations(int(sum(args.rate) * WARM_UP_SECONDS), "warm") if surveys else []
    tokens = fresh_invitations(int(sum(args.rate) * args.duration), "timed") if surveys else []
    key = api_key()
    connection.close()
    start, end = week_start(), week_start() + dt.timedelta(days=6)
    server = subprocess.Popen(web_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for_server(port, server)
        session = asyncio.run(manager_session(port))
        posted: list[str] = []
        targets = {
            "bare": lambda i: Target("bare", "GET", BARE_PATH, expect=b"ok"),
            "scorecard": lambda i: Target(
                "scorecard",
                "GET",
                f"/kpis/?period=week&date={start}",
                {"Cookie": f"sessionid={session}"},
                expect=b"</html>",
            ),
            "kpi_api": lambda i: Target(
                "kpi_api",
                "GET",
                f"/api/v1/kpis/?scope=agent&period=week&start={start}&end={end}",
                {"Authorization": f"Bearer {key}"},
                expect=b'"results"',
            ),
        }
        targets["survey"] = survey_target(tokens, posted)
        warm_ups = {**targets, "survey": survey_target(warm_tokens, posted)}
        results: dict[float, dict[str, tuple[Result, Result]]] = {}
        for rate in args.rate:
            results[rate] = {}
            for name in args.only:
                # the reference right before each target: the machine's state drifts over minutes
                pair = []
                for measured in ("bare", name):
                    asyncio.run(offered(port, rate, WARM_UP_SECONDS, warm_ups[measured]))
                    pair.append(asyncio.run(offered(port, rate, args.duration, targets[measured])))
                results[rate][name] = (pair[0], pair[1])
                print(f"  {name} at {rate:g}/s: done", flush=True)
    finally:
        server.terminate()
        server.wait(20)
    return results, posted


def survey_target(tokens: list[str], sent: list[str]):
    """Request i posts the next fresh token (appended to ``sent``), but every tenth request
    re-sends the previous one at once."""

    fresh = iter(tokens)
    mine: list[str] = []

    def make(i: int) -> Target:
        if i % 10 == 9 and mine:
            token = mine[-1]
        else:
            token = next(fresh)
            mine.append(token)
            sent.append(token)
        body = f"score={i % 5 + 1}&comment=bench+load".encode()
        # both the thanks page and the "already received" one (a re-sent token) say Thank you
        return Target("survey", "POST", f"/s/{token}/", body=body, expect=b"Thank you")

    return make


def queries_per_request(names: list[str]) -> dict[str, int]:
    """Queries of one request of each GET target, middleware included, counted here with Django's
    test client on the benchmark's database (the second request: the caches warm, as under load)."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    start = week_start()
    with schema_context(SCHEMA):
        manager = User.objects.get(email=next(e for e, _p, role in LOGINS if role == "manager"))
        key = api_key()
    requests = {
        "scorecard": (f"/kpis/?period=week&date={start}", {}),
        "kpi_api": (
            f"/api/v1/kpis/?scope=agent&period=week&start={start}&end={start + dt.timedelta(days=6)}",
            {"HTTP_AUTHORIZATION": f"Bearer {key}"},
        ),
    }
    counted = {}
    page_client, api_client = Client(HTTP_HOST=DOMAIN), Client(HTTP_HOST=DOMAIN)  # the API: no session
    with schema_context(SCHEMA):
        page_client.force_login(manager)
    for name in names:
        if name not in requests:
            continue
        path, headers = requests[name]
        client = page_client if name == "scorecard" else api_client
        client.get(path, **headers)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path, **headers)
        counted[name] = len(ctx.captured_queries)
    return counted


def report(rate: float, args, results: dict[str, tuple[Result, Result]], queries: dict[str, int]) -> None:
    print(f"\ncores: {os.cpu_count()}, offered rate: {rate:g}/s for {args.duration:g} s per run")
    print(
        "| target | requests | completed/s | errors | p50 | p95 | p99 | bare view just before (p50 / p95 / p99) "
        "| ratio p50 / p95 / p99 | goal (p95, no error) | queries/request | client CPU | machine busy |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, (bare, result) in results.items():
        errors = f"{len(result.errors)} {sorted(set(result.errors))[:4]}" if result.errors else "0"
        if bare.errors:
            errors += f" (bare: {len(bare.errors)})"
        goal = P95_GOALS.get(name)
        met = "–" if goal is None else ("met" if result.pct(0.95) <= goal and not result.errors else "NOT met")
        print(
            f"| {name} | {len(result.latencies)} | {len(result.latencies) / result.seconds:.1f} | {errors} | "
            + " | ".join(f"{result.pct(q) * 1000:.0f} ms" for q in QUANTILES)
            + " | "
            + " / ".join(f"{bare.pct(q) * 1000:.0f}" for q in QUANTILES)
            + " ms | "
            + " / ".join(f"{result.pct(q) / bare.pct(q):.1f}×" for q in QUANTILES)
            + f" | {met}{f' (≤ {goal * 1000:.0f} ms)' if goal else ''} | {queries.get(name, '–')} | "
            + f"{result.client_cpu / result.seconds:.2f} cores (bare: {bare.client_cpu / bare.seconds:.2f}) | "
            + f"{result.machine_busy:.0%} (bare: {bare.machine_busy:.0%}) |"
        )


def check_answers(stored: dict[str, int]) -> None:
    if not stored:
        return
    counts = statistics.multimode(stored.values())
    wrong = {token: n for token, n in stored.items() if n != 1}
    print(
        f"\nsurvey answers stored: {sum(stored.values())} for {len(stored)} tokens posted "
        f"(most common count per token: {counts}); tokens without exactly one answer: {len(wrong)}"
    )
    if wrong:
        sys.exit(f"FAILED: {list(wrong.items())[:5]}")


if __name__ == "__main__":
    main()
