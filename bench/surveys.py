"""Survey answers per second against a bare DRF insert, both served by one gunicorn in one run.

Usage: .venv/bin/python bench/surveys.py [--invitations 6000] [--rounds 2] [--concurrency 32]
                                         [--workers 5]

1. A tenant "bench_surveys" (bench-surveys.localhost) with one active CSAT survey and N fresh
   invitations on N handled contacts, plus a few for the warm-up and the double-submit check
   (the previous run's rows are deleted first), and the reference's table bench_insert.
2. A private redis-server (its own socket under a temp dir) as cache (the rate limits) and
   Celery broker, so the KPI recompute an answer requests is really sent, but no worker runs it.
3. gunicorn (sync workers) with bench.surveys_settings: the base settings, DEBUG off, plus the
   bare view POST /bench/insert/ (bench/surveys_urls.py), never deployed.
4. Rounds alternate, bare, answers, bare, answers, ... (the machine drifts: each pair is
   compared on its own), each N / rounds POSTs, C at a time, from asyncio in this process (a
   new connection per request, as gunicorn's sync workers close them):
     * bare:    POST /bench/insert/ key, score, comment: one row each
     * answers: POST /s/<token>/ score and comment, as the form does, each token once
5. Then 2 × 50 POSTs race for 50 fresh tokens (a double click): every one must answer 200 and
   only one of each pair may store anything.
6. Checks: every answer is a 200 thanks page and every bare POST a 201; the database holds
   exactly one response per posted token, one bare row per bare POST, a follow-up for each
   low score, and a pending KPI recompute covering the answered days.

Not a test: the figures depend on the machine, and client, server and PostgreSQL share it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
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
from bench.surveys_urls import INSERT_PATH, INSERT_TABLE_SQL
from common import devservers
from scorecards.models import KpiRecomputeRequest
from surveys.models import FollowUp, Survey, SurveyResponse
from tenants.models import Tenant
from tenants.services import tenant_create

SCHEMA, HOST = "bench_surveys", "bench-surveys.localhost"
WARM_UP, RACED = 200, 50


def prepare(n: int) -> list[str]:
    if not Tenant.objects.filter(schema_name=SCHEMA).exists():
        tenant_create(schema=SCHEMA, domain=HOST, name="Bench Surveys", timezone="Europe/Berlin")
    with schema_context(SCHEMA):
        with connection.cursor() as cur:
            cur.execute(INSERT_TABLE_SQL)
            cur.execute(
                "TRUNCATE bench_insert, surveys_followup, surveys_surveyresponse, surveys_surveyinvitation, "
                "interactions_interaction, scorecards_kpirecomputerequest CASCADE"
            )
        survey = Survey.objects.filter(kind="csat").first() or Survey.objects.create(
            kind="csat", name="Bench CSAT", question="How satisfied were you?", follow_up_question="Why?"
        )
        tokens = invited_contacts(survey=survey, n=n, prefix="bench", spread_minutes=1440)
        with connection.cursor() as cur:
            cur.execute("ANALYZE surveys_surveyinvitation; ANALYZE interactions_interaction; ANALYZE bench_insert")
    connection.close()
    return tokens


def start_server(port: int, workers: int, redis_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.surveys_settings",
        "REDIS_URL": redis_url,
        "DATABASE_URL": devservers.database_url(),
    }
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
    cmd += ["-w", str(workers), "--worker-class", "sync", "--log-level", "warning", "--backlog", "2048"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            # GET on the bare view: a 405 from DRF says the app is up (no survey budget spent)
            status, _ = asyncio.run(request(port, "GET", INSERT_PATH, b""))
            if status == 405:
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


# One request: (path, body, is the answer right?)
Job = tuple[str, bytes, Callable[[int, bytes], bool]]


def answer_jobs(tokens: list[str], rng: random.Random) -> list[Job]:
    def thanked(status: int, page: bytes) -> bool:
        return status == 200 and b'id="thanks"' in page

    return [(f"/s/{t}/", f"score={rng.randint(1, 5)}&comment=bench".encode(), thanked) for t in tokens]


def bare_jobs(n: int, rng: random.Random) -> list[Job]:
    def created(status: int, page: bytes) -> bool:
        return status == 201 and page.startswith(b'{"id":')

    return [
        (INSERT_PATH, f"key={uuid.uuid4()}&score={rng.randint(1, 5)}&comment=bench".encode(), created) for _ in range(n)
    ]


async def fire(port: int, jobs: list[Job], concurrency: int) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    queue = list(reversed(jobs))

    async def one_client():
        while queue:
            path, body, right = queue.pop()
            t0 = time.perf_counter()
            try:
                status, page = await request(port, "POST", path, body)
                if not right(status, page):
                    errors.append(str(status))
            except OSError as exc:
                errors.append(type(exc).__name__)
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


async def race(port: int, tokens: list[str]) -> list[tuple[int, bytes]]:
    """Two POSTs at once for each token (score 1: the follow-up must be written once too)."""
    posts = [request(port, "POST", f"/s/{t}/", b"score=1&comment=twice") for t in tokens for _ in (0, 1)]
    return await asyncio.gather(*posts)


def quantile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


def checks(answered: list[str], raced: list[str], bare_posts: int) -> list[str]:
    """What the database must hold after the run; the list of what it does not."""
    problems = []
    with schema_context(SCHEMA), connection.cursor() as cur:
        cur.execute(
            """SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1) FROM (
                   SELECT count(r.id) n FROM surveys_surveyinvitation v
                     LEFT JOIN surveys_surveyresponse r ON r.invitation_id = v.id
                    WHERE v.token = ANY(%s) GROUP BY v.id) per_token""",
            [answered + raced],
        )
        once, more = cur.fetchone()
        if (once, more) != (len(answered) + len(raced), 0):
            problems.append(f"tokens with one response: {once} (expected {len(answered) + len(raced)}), more: {more}")
        cur.execute("SELECT count(*) FROM bench_insert")
        if (rows := cur.fetchone()[0]) != bare_posts:
            problems.append(f"bare rows: {rows} (expected {bare_posts})")
        low = SurveyResponse.objects.filter(score__lte=2).count()
        if (follow_ups := FollowUp.objects.count()) != low:
            problems.append(f"follow-ups: {follow_ups} (expected one per low score: {low})")
        pending = KpiRecomputeRequest.objects.filter(state="pending").first()
        cur.execute(
            "SELECT min((i.offered_at AT TIME ZONE 'Europe/Berlin')::date), "
            "max((i.offered_at AT TIME ZONE 'Europe/Berlin')::date) FROM surveys_surveyresponse r "
            "JOIN interactions_interaction i ON i.id = r.interaction_id"
        )
        first, last = cur.fetchone()
        if pending is None or (pending.since or first) > first or (pending.until or last) < last:
            problems.append(f"no pending KPI recompute covering {first}..{last}")
        elif "survey" not in pending.reasons:
            problems.append(f"the pending KPI recompute does not say why: {pending.reasons!r}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invitations", type=int, default=6000, help="answers timed (and as many bare POSTs)")
    parser.add_argument("--rounds", type=int, default=2, help="pairs of rounds: bare, answers, bare, answers, ...")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    if args.invitations < args.rounds:
        sys.exit("--invitations must be at least --rounds")
    tokens = prepare(WARM_UP + RACED + args.invitations)
    warm, raced, timed = tokens[:WARM_UP], tokens[WARM_UP : WARM_UP + RACED], tokens[WARM_UP + RACED :]
    rng = random.Random(7)
    per_round = [timed[i :: args.rounds] for i in range(args.rounds)]
    results: dict[str, list[tuple[int, list[float], list[str], float]]] = {"bare": [], "answers": []}
    with tempfile.TemporaryDirectory(prefix="bench-surveys-") as tmp:
        redis_proc, sock = start_redis(Path(tmp))
        port = free_port()
        server = start_server(port, args.workers, f"redis+socket://{sock}")
        try:
            # connections, caches, templates and catalogues of every worker, both views
            warm_jobs = answer_jobs(warm, rng) + bare_jobs(WARM_UP, rng)
            _, warm_errors, _ = asyncio.run(fire(port, warm_jobs, 8))
            for round_tokens in per_round:
                for kind, jobs in (
                    ("bare", bare_jobs(len(round_tokens), rng)),
                    ("answers", answer_jobs(round_tokens, rng)),
                ):
                    results[kind].append((len(jobs), *asyncio.run(fire(port, jobs, args.concurrency))))
            raced_pages = asyncio.run(race(port, raced))
        finally:
            server.terminate()
            try:
                server.wait(60)  # a busy machine: the workers finish their requests first
            except subprocess.TimeoutExpired:
                server.kill()
            redis_proc.terminate()
    print(
        f"gunicorn: {args.workers} sync workers, cores: {os.cpu_count()}, concurrency: {args.concurrency}, "
        f"rounds: {args.rounds} × (bare, answers), {len(timed)} timed answers (+{WARM_UP} warm-up)"
    )
    print("| round | bare/s | answers/s | ratio | bare p50/p95 ms | answers p50/p95 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for i, (bare, answers) in enumerate(zip(results["bare"], results["answers"], strict=True), 1):
        rates = [(n - len(errors)) / seconds for n, _, errors, seconds in (bare, answers)]
        lat = [sorted(latencies) for _, latencies, _, _ in (bare, answers)]
        print(
            f"| {i} | {rates[0]:,.0f} | {rates[1]:,.0f} | {rates[1] / rates[0]:.2f} | "
            + " | ".join(f"{statistics.median(ls) * 1000:.0f} / {quantile(ls, 0.95) * 1000:.0f}" for ls in lat)
            + f" | {len(bare[2])} / {len(answers[2])} |"
        )
    total = {
        kind: sum(n - len(errors) for n, _, errors, _ in rows) / sum(seconds for *_, seconds in rows)
        for kind, rows in results.items()
    }
    ratio = total["answers"] / total["bare"]
    print(
        f"all rounds: bare {total['bare']:,.0f}/s, answers {total['answers']:,.0f}/s, "
        f"ratio {ratio:.2f} (goal ≥ 0.85: {'met' if ratio >= 0.85 else 'missed'})"
    )
    errors = sorted({e for rows in results.values() for *_, errs, _ in rows for e in errs} | set(warm_errors))
    thanked = sum(b'id="thanks"' in page for status, page in raced_pages if status == 200)
    if any(status != 200 for status, _ in raced_pages) or thanked != RACED:
        errors.append(
            f"double submits: {thanked} thanks pages for {RACED} tokens, statuses {[s for s, _ in raced_pages]}"
        )
    bare_posts = WARM_UP + sum(n for n, *_ in results["bare"])
    problems = checks(warm + timed, raced, bare_posts)
    print(f"errors: {errors or 'none'}; database: {'; '.join(problems) or 'exactly one response per token, all rows'}")


if __name__ == "__main__":
    main()
