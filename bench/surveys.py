"""Survey response submissions per second against a real server on this machine.

Usage: .venv/bin/python bench/surveys.py [--invitations 6000] [--concurrency 32]
                                         [--workers 5] [--server gunicorn|runserver]

1. A tenant "bench_surveys" (bench-surveys.localhost) with one active CSAT survey and N
   fresh invitations on N handled contacts (the previous run's rows are deleted first).
2. A private redis-server (its own socket under a temp dir) as the Celery broker, so the
   KPI recompute each answer enqueues is really sent, but never reaches a real worker.
3. gunicorn (sync workers, settings config.settings.test: DEBUG off, base settings
   otherwise) or ``manage.py runserver --noreload``, bound to 127.0.0.1 on a free port.
4. N POSTs to /s/<token>/, C at a time, from asyncio in this process (a new connection per
   request, as gunicorn's sync workers close them); every status and latency is recorded.
5. Checks: every answer is a 200 thanks page, and the database holds exactly N responses.

Not a test: the figure depends on the machine, and client, server and PostgreSQL share it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()


from django.db import connection
from django_tenants.utils import schema_context

from bench.invitations import invited_contacts
from bench.servers import free_port, start_redis
from common import devservers
from surveys.models import Survey, SurveyResponse
from tenants.models import Tenant
from tenants.services import tenant_create

SCHEMA, HOST = "bench_surveys", "bench-surveys.localhost"


def prepare(n: int) -> list[str]:
    if not Tenant.objects.filter(schema_name=SCHEMA).exists():
        tenant_create(schema=SCHEMA, domain=HOST, name="Bench Surveys", timezone="Europe/Berlin")
    with schema_context(SCHEMA):
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE surveys_followup, surveys_surveyresponse, surveys_surveyinvitation, "
                "interactions_interaction CASCADE"
            )
        survey = Survey.objects.filter(kind="csat").first() or Survey.objects.create(
            kind="csat", name="Bench CSAT", question="How satisfied were you?", follow_up_question="Why?"
        )
        tokens = invited_contacts(survey=survey, n=n, prefix="bench", spread_minutes=1440)
        with connection.cursor() as cur:
            cur.execute("ANALYZE surveys_surveyinvitation; ANALYZE interactions_interaction")
    connection.close()
    return tokens


def start_server(kind: str, port: int, workers: int, redis_url: str) -> subprocess.Popen:
    # BENCH_SERVER_SETTINGS: try a settings variant (e.g. one with TENANT_LIMIT_SET_CALLS).
    settings_module = os.environ.get("BENCH_SERVER_SETTINGS", "config.settings.test")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "REDIS_URL": redis_url,
        "DATABASE_URL": devservers.database_url(),
    }
    if kind == "gunicorn":
        cmd = [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ]
    else:
        cmd = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(request(port, "GET", "/s/warm-up/", b""))
            if status == 404:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not answer")


async def request(port: int, method: str, path: str, body: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1])
    return status, data.partition(b"\r\n\r\n")[2]


async def fire(port: int, tokens: list[str], concurrency: int) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    queue = list(tokens)
    rng = random.Random(7)

    async def one_worker():
        while queue:
            token = queue.pop()
            body = f"score={rng.randint(1, 5)}&comment=bench".encode()
            t0 = time.perf_counter()
            try:
                status, page = await request(port, "POST", f"/s/{token}/", body)
                if status != 200 or b"Thank you" not in page:
                    errors.append(f"{status}")
            except OSError as exc:
                errors.append(type(exc).__name__)
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(one_worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invitations", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    args = parser.parse_args()
    if args.server == "gunicorn" and not shutil.which(str(ROOT / ".venv/bin/gunicorn")):
        sys.exit("gunicorn is not installed: .venv/bin/pip install gunicorn (or --server runserver)")
    tokens = prepare(args.invitations)
    warm, tokens = tokens[:200], tokens[200:]
    with tempfile.TemporaryDirectory(prefix="bench-surveys-") as tmp:
        redis_proc, sock = start_redis(Path(tmp))
        redis_url = f"redis+socket://{sock}"
        port = free_port()
        server = start_server(args.server, port, args.workers, redis_url)
        try:
            asyncio.run(fire(port, warm, 8))  # connections, caches, templates
            latencies, errors, seconds = asyncio.run(fire(port, tokens, args.concurrency))
        finally:
            server.terminate()
            server.wait(10)
            redis_proc.terminate()
    with schema_context(SCHEMA):
        stored = SurveyResponse.objects.filter(source="link").count()
    ok = len(tokens) - len(errors)
    latencies.sort()
    print(
        f"server: {args.server} ({args.workers} workers), cores: {os.cpu_count()}, "
        f"concurrency: {args.concurrency}, submissions: {len(tokens)}"
    )
    print(f"responses/s: {ok / seconds:,.0f}   errors: {len(errors)} {sorted(set(errors))[:5]}")
    print(
        f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    print(f"stored responses: {stored} (expected {len(tokens) + len(warm)})")


if __name__ == "__main__":
    main()
