"""Live events under load: event-to-screen latency and ingest rate, against a bare Redis write loop.

Usage: .venv/bin/python bench/live.py [--duration 30] [--burst-seconds 15] [--profile]
       (`make bench-live` runs it with the defaults)

1. A database of its own on the embedded PostgreSQL (callwell_bench_live): migrate_schemas and
   collectstatic with the production settings, then 10 tenants bench_live_00..09
   (bench-live-N.localhost, Europe/Berlin) made by tenants.services.tenant_create, each with an
   admin user (reused by later runs) and a new API key per run.
2. A private redis-server (socket under a temp dir), fresh each run: broker, cache and live
   state. Nothing takes the Celery tasks the ingest enqueues (as bench/load.py).
3. gunicorn exactly as `make serve` starts it (config.serve.web_command: 2 gthread workers of 8
   threads) with config.serve.production_environment; this process runs with the same settings.
4. One Server-Sent Events client per tenant on /live/stream/ as its admin (logged in through
   the login page), which lists every agent with its reason.
5. Phase "max" (first, on an idle server): each tenant sends batches of --burst-batch events
   (default 500) back to back (closed loop, one request at a time per tenant) for
   --burst-seconds: the ingest rate the server reaches. The streams stay open.
6. Phase "offered": each tenant POSTs a batch of --batch events (default 100) every second to
   /api/v1/events/ (open model: batch i starts at t0 + i s whatever the earlier ones are
   doing, each on a new connection), tenants staggered by 100 ms: 1,000 events/s in all, the
   first 3 s a warm-up. Each batch is a realistic mix (contacts enqueued, answered, ended,
   abandoned; agents on contact, ready, on break) plus one marker: agent "bench.marker" goes
   not_ready with reason = the batch's number. Event to screen = from the batch's scheduled
   send to the first board on the tenant's stream whose marker is that number or later (a
   later marker means the board was read after that batch was applied, unless batches were
   applied out of order). Every tenth batch also re-sends two events of the one before:
   duplicates. A client gives up on an answer after 30 s; the server may still apply it, so
   the last marker (step 8) is awaited up to 300 s.
7. The reference: a bare Redis write loop in this process against the same redis-server, one
   client, the phase-max batch size: per event one HSET and one HINCRBY into scratch keys,
   pipelined per batch. Our rate / its rate is the ratio. The Redis commands per event of the
   ingest (INFO commandstats) and the CPU seconds of gunicorn, redis-server and PostgreSQL in
   each phase say where the machine's time went.
8. Correctness: after a last marker-only batch per tenant, its board must show offered, handled,
   abandoned and waiting as sent (a contact abandoned within the tenant's short-abandon time is
   not offered), the summed answers must report every event accepted once and every re-sent one
   as a duplicate, none rejected, and the Interaction table must hold every finished contact.
   A mismatch is printed as an error and the script exits non-zero.
9. --profile: cProfile of events_parse + live_events_ingest in this process, on batches of
   the same mix, for one tenant (what one API request does, without HTTP).

Not a test: the figures depend on the machine; client, server, PostgreSQL and Redis share it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import ensure_database, free_port, start_redis
from common import devservers  # before Django: the database and Redis are set in main()

BENCH_DATABASE = "callwell_bench_live"
DATABASE_URL = devservers.embedded_database_url().rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"
TENANTS = 10
TIMEZONE = "Europe/Berlin"
PASSWORD = "bench-live-Admin-2026!"
MARKER = "bench.marker"
# Seconds between two batches of one tenant in the offered phase: a second's events per request,
# as a Kinesis consumer or the Asterisk feed sends them (the cost of a request is mostly per
# request, not per event: bench/README.md).
INTERVAL = 1.0
WARM_UP_SECONDS = 3
TIMEOUT = 10.0  # to connect a stream
POST_TIMEOUT = 30.0
DRAIN_SECONDS = 300.0  # an overloaded server still applies the batches its clients gave up on
QUANTILES = (0.5, 0.95, 0.99)
QUEUES = ("Billing", "Support", "Sales")
AGENTS = 30


def schema_of(i: int) -> str:
    return f"bench_live_{i:02d}"


def host_of(i: int) -> str:
    return f"bench-live-{i}.localhost"


def admin_of(i: int) -> str:
    return f"admin@{host_of(i)}"


# --- the servers -----------------------------------------------------------------------------


def stop(proc: subprocess.Popen, *, sig: int = signal.SIGTERM, wait: float = 20) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


# --- CPU seconds of a process tree (/proc) ---------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid``, its reaped children and its live descendants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS  # utime stime cutime cstime
    return own + sum(cpu_seconds(child) for child in _children(pid))


def postgres_pid() -> int | None:
    for pidfile in (ROOT / ".data").glob("pg/**/postmaster.pid"):
        try:
            return int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return None


# --- the event mix ---------------------------------------------------------------------------


def iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="microseconds")


@dataclass
class Feed:
    """One tenant's contact center, as a stream of canonical events, and what it should show."""

    tenant: int
    run: str
    short_abandon_seconds: int = 5
    rng: random.Random = field(default_factory=random.Random)
    counter: int = 0
    contacts: int = 0
    waiting: deque = field(default_factory=deque)  # (external_id, enqueued at)
    talking: dict = field(default_factory=dict)  # external_id -> agent
    ready: list = field(default_factory=list)
    on_break: list = field(default_factory=list)
    pending: deque = field(default_factory=deque)
    previous: list = field(default_factory=list)
    handled: int = 0
    abandoned: int = 0
    short: int = 0
    finished: int = 0
    sent: int = 0  # distinct events
    resent: int = 0

    def __post_init__(self) -> None:
        self.rng.seed(self.tenant)
        self.ready = [f"agent.{k:02d}" for k in range(AGENTS)]

    def _event(self, kind: str, at: float, **fields) -> dict:
        self.counter += 1
        return {"id": f"{self.run}-{self.tenant}-{self.counter}", "type": kind, "at": iso(at), **fields}

    def _step(self, at: float) -> list[dict]:
        r = self.rng.random()
        if self.talking and (r < 0.25 or not self.ready):
            contact = self.rng.choice(list(self.talking))
            agent = self.talking.pop(contact)
            self.ready.append(agent)
            self.finished += 1
            return [
                self._event("contact.ended", at, external_id=contact, agent=agent),
                self._event("agent.state", at, agent=agent, state="ready"),
            ]
        if self.waiting and self.ready and r < 0.5:
            contact, _ = self.waiting.popleft()
            agent = self.ready.pop(self.rng.randrange(len(self.ready)))
            self.talking[contact] = agent
            self.handled += 1
            return [
                self._event("contact.answered", at, external_id=contact, agent=agent),
                self._event("agent.state", at, agent=agent, state="on_contact"),
            ]
        if self.waiting and (r < 0.56 or len(self.waiting) > 30):
            contact, enqueued = self.waiting.popleft()
            if at - enqueued < self.short_abandon_seconds:
                self.short += 1
            else:
                self.abandoned += 1
            self.finished += 1
            return [self._event("contact.abandoned", at, external_id=contact)]
        if r < 0.6 and (self.ready or self.on_break):
            if self.on_break and (r < 0.58 or not self.ready):
                agent = self.on_break.pop(0)
                self.ready.append(agent)
                return [self._event("agent.state", at, agent=agent, state="ready")]
            agent = self.ready.pop(self.rng.randrange(len(self.ready)))
            self.on_break.append(agent)
            return [self._event("agent.state", at, agent=agent, state="break", reason="Coffee")]
        self.contacts += 1
        contact = f"{self.run}-{self.tenant}-c{self.contacts}"
        self.waiting.append((contact, at))
        queue = QUEUES[self.contacts % len(QUEUES)]
        return [self._event("contact.enqueued", at, external_id=contact, queue=queue, channel="voice")]

    def batch(self, seq: int, size: int, *, resend: bool = False) -> list[dict]:
        """``size`` events (the last one the marker ``seq``), plus two re-sent ones if asked."""
        at = time.time()
        while len(self.pending) < size - 1:
            self.pending.extend(self._step(at))
            at += 1e-6  # strictly increasing within a batch: answered after enqueued, and so on
        events = [self.pending.popleft() for _ in range(size - 1)]
        events.append(self._event("agent.state", at, agent=MARKER, state="not_ready", reason=str(seq)))
        self.sent += len(events)
        extra = self.previous[:2] if resend else []
        self.resent += len(extra)
        self.previous = events[:-1]
        return events + extra


# --- HTTP ------------------------------------------------------------------------------------


async def http(port: int, host: str, method: str, path: str, headers: dict[str, str], body: bytes = b""):
    """One request on a new connection: (status, headers text, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    head, _, content = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head.decode("latin-1"), content


async def admin_session(port: int, i: int) -> str:
    """Log the tenant's admin in through the login page; the session cookie as name=value."""
    host = host_of(i)
    _, head, page = await http(port, host, "GET", "/login/", {})
    csrf = re.search(r"(\S*csrftoken)=([^;]+)", head)
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if csrf is None or form_token is None:
        raise RuntimeError(f"{host}: no login form")
    body = f"csrfmiddlewaretoken={form_token.group(1).decode()}&username={admin_of(i)}&password={PASSWORD}".encode()
    headers = {"Cookie": f"{csrf.group(1)}={csrf.group(2)}", "Content-Type": "application/x-www-form-urlencoded"}
    status, head, _ = await http(port, host, "POST", "/login/", headers, body)
    session = re.search(r"(\S*sessionid)=([^;]+)", head)
    if status != 302 or session is None:
        raise RuntimeError(f"{host}: the admin could not log in ({status})")
    return f"{session.group(1)}={session.group(2)}"


@dataclass
class Screen:
    """What one tenant's stream showed: when each marker was first covered, and the last board."""

    seen_at: dict[int, float] = field(default_factory=dict)  # batch -> first board showing it or later
    exact: int = 0  # batches whose own number a board showed
    highest: int = -1
    boards: int = 0
    connections: int = 0
    last_board: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    first_board: asyncio.Event = field(default_factory=asyncio.Event)

    def show(self, board: dict, now: float) -> None:
        self.boards += 1
        self.last_board = board
        self.first_board.set()
        marker = next((a for a in board.get("agents", []) if a["agent"] == MARKER), None)
        if marker is None or not marker["reason"].isdigit():
            return
        seq = int(marker["reason"])
        if seq > self.highest:
            if seq not in self.seen_at:
                self.exact += 1
            for earlier in range(self.highest + 1, seq + 1):
                self.seen_at.setdefault(earlier, now)
            self.highest = seq


async def _body_chunks(reader: asyncio.StreamReader, chunked: bool):
    while True:
        if not chunked:
            data = await reader.read(65536)
            if not data:
                return
            yield data
            continue
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        yield await reader.readexactly(size)
        await reader.readline()


async def listen(port: int, i: int, cookie: str, screen: Screen) -> None:
    """The tenant's board stream until cancelled, reconnecting as a browser does."""
    loop = asyncio.get_running_loop()
    while True:
        writer = None
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
            request = (
                f"GET /live/stream/ HTTP/1.1\r\nHost: {host_of(i)}:{port}\r\nCookie: {cookie}\r\n"
                "Accept: text/event-stream\r\n\r\n"
            )
            writer.write(request.encode())
            await writer.drain()
            head = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)).decode("latin-1")
            if " 200 " not in head.split("\r\n", 1)[0]:
                screen.errors.append(head.split("\r\n", 1)[0])
                await asyncio.sleep(1)
                continue
            screen.connections += 1
            buffer = b""
            async for chunk in _body_chunks(reader, "chunked" in head.lower()):
                buffer += chunk
                while b"\n\n" in buffer:
                    message, buffer = buffer.split(b"\n\n", 1)
                    fields = dict(line.split(": ", 1) for line in message.decode().split("\n") if ": " in line)
                    if fields.get("event") == "board" and "data" in fields:
                        screen.show(json.loads(fields["data"]), loop.time())
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            screen.errors.append(f"stream: {type(exc).__name__}")
            await asyncio.sleep(0.5)
        finally:
            if writer is not None:
                writer.close()


# --- the load --------------------------------------------------------------------------------


@dataclass
class Sent:
    tenant: int
    seq: int
    scheduled: float
    events: int
    answered: float | None = None
    status: int | None = None
    summary: dict | None = None
    error: str = ""


@dataclass
class Phase:
    name: str
    sent: list[Sent] = field(default_factory=list)
    start: float = 0.0
    end: float = 0.0
    measured_from: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    redis_commands: int = 0


async def post_batch(port: int, i: int, key: str, events: list[dict], record: Sent) -> None:
    loop = asyncio.get_running_loop()
    body = json.dumps({"events": events}, separators=(",", ":")).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    try:
        answer = http(port, host_of(i), "POST", "/api/v1/events/", headers, body)
        status, _, content = await asyncio.wait_for(answer, POST_TIMEOUT)
        record.status = status
        if status == 200:
            record.summary = json.loads(content)
        else:
            record.error = f"HTTP {status}"
    except (OSError, TimeoutError, ValueError) as exc:
        record.error = type(exc).__name__
    record.answered = loop.time()


async def offered_phase(port: int, feeds: list[Feed], keys: list[str], seconds: float, size: int, seq0: int) -> Phase:
    """Every tenant: a batch every INTERVAL, started on schedule whatever the answers."""
    loop = asyncio.get_running_loop()
    phase = Phase("offered")
    phase.start = loop.time() + 0.05
    phase.measured_from = phase.start + WARM_UP_SECONDS
    batches = int((WARM_UP_SECONDS + seconds) / INTERVAL)
    stagger = INTERVAL / len(feeds)
    schedule = sorted((phase.start + b * INTERVAL + i * stagger, b, i) for b in range(batches) for i in range(TENANTS))
    tasks = []
    for scheduled, b, i in schedule:
        await asyncio.sleep(max(0.0, scheduled - loop.time()))
        seq = seq0 + b
        events = feeds[i].batch(seq, size, resend=b % 10 == 5)
        record = Sent(i, seq, scheduled, len(events))
        phase.sent.append(record)
        tasks.append(asyncio.create_task(post_batch(port, i, keys[i], events, record)))
    await asyncio.gather(*tasks)
    phase.end = loop.time()
    return phase


async def max_phase(port: int, feeds: list[Feed], keys: list[str], seconds: float, size: int, seq0: int) -> Phase:
    """Every tenant: batches back to back, one request at a time, for ``seconds``."""
    loop = asyncio.get_running_loop()
    phase = Phase("max")
    phase.start = phase.measured_from = loop.time()
    deadline = phase.start + seconds

    async def tenant(i: int) -> None:
        seq = seq0
        while loop.time() < deadline:
            events = feeds[i].batch(seq, size)
            record = Sent(i, seq, loop.time(), len(events))
            phase.sent.append(record)
            await post_batch(port, i, keys[i], events, record)
            seq += 1

    await asyncio.gather(*(tenant(i) for i in range(len(feeds))))
    phase.end = loop.time()
    return phase


# --- preparation (Django) --------------------------------------------------------------------


def prepare(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    for step in (["migrate_schemas", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run(manage + step, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def tenants_ready() -> tuple[list[str], list[int]]:
    """The ten tenants (made the first time), each with its admin; a new API key each, and
    each tenant's short-abandon threshold."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from accounts.models import Role, User
    from accounts.services import apikey_create, user_create
    from tenants.models import Tenant
    from tenants.services import tenant_create

    keys, short = [], []
    for i in range(TENANTS):
        tenant = Tenant.objects.filter(schema_name=schema_of(i)).first()
        if tenant is None:
            print(f"  creating tenant {schema_of(i)} (its migrations: the first time only)...", flush=True)
            tenant = tenant_create(schema=schema_of(i), domain=host_of(i), name=f"Bench live {i}", timezone=TIMEZONE)
        with tenant_context(tenant):
            if not User.objects.filter(username=admin_of(i)).exists():
                user_create(email=admin_of(i), password=PASSWORD, role=Role.ADMIN)
            keys.append(apikey_create(name=f"bench live {time.strftime('%Y-%m-%d %H:%M:%S')}")[1])
        short.append(tenant.short_abandon_seconds)
    connection.close()
    return keys, short


def interactions_written(run: str) -> list[int]:
    from django.db import connection
    from django_tenants.utils import schema_context

    from interactions.models import Interaction

    counts = []
    for i in range(TENANTS):
        with schema_context(schema_of(i)):
            counts.append(Interaction.objects.filter(external_id__startswith=f"{run}-{i}-", live=True).count())
    connection.close()
    return counts


def profile_ingest(run: str, size: int, batches: int) -> str:
    """cProfile of what one API request does without HTTP: parse and ingest, tenant 0."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from live.services import events_parse, live_events_ingest
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=schema_of(0))
    feed = Feed(0, run + "p", short_abandon_seconds=tenant.short_abandon_seconds)
    import zoneinfo

    tz = zoneinfo.ZoneInfo(tenant.timezone)
    profiler = cProfile.Profile()
    began = time.perf_counter()
    with tenant_context(tenant):
        for seq in range(batches):
            items = json.loads(json.dumps(feed.batch(seq, size)))
            profiler.enable()
            live_events_ingest(events=events_parse(items, tz=tz), source="bench")
            profiler.disable()
    elapsed = time.perf_counter() - began
    connection.close()
    out = io.StringIO()
    out.write(f"{batches} batches of {size} events in-process: {batches * size / elapsed:,.0f} events/s\n")
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    return out.getvalue()


# --- the reference ---------------------------------------------------------------------------


def bare_redis_rate(sock: Path, size: int, seconds: float = 5.0) -> float:
    """Events/s of one client writing, per event, one HSET and one HINCRBY, pipelined per batch."""
    import redis

    client = redis.Redis(unix_socket_path=str(sock))
    events, n = 0, 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        pipe = client.pipeline(transaction=False)
        for _ in range(size):
            n += 1
            pipe.hset("bench:scratch:contacts", f"c{n % 100000}", '{"enqueued":{"at":1.0,"id":"x"}}')
            pipe.hincrby("bench:scratch:counters", f"q{n % 4}|offered", 1)
        pipe.execute()
        events += size
    rate = events / (time.perf_counter() - began)
    client.delete("bench:scratch:contacts", "bench:scratch:counters")
    client.close()
    return rate


def redis_commands(sock: Path) -> int:
    import redis

    client = redis.Redis(unix_socket_path=str(sock))
    stats = client.info("commandstats")
    client.close()
    return sum(int(v["calls"]) for k, v in stats.items() if k not in ("cmdstat_info",))


# --- the run ---------------------------------------------------------------------------------


def wait_for_server(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if asyncio.run(http(port, host_of(0), "GET", "/login/", {}))[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer /login/")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@dataclass
class Outcome:
    phases: list[Phase]
    screens: list[Screen]
    feeds: list[Feed]
    final_seq: int
    final_seen: list[bool]


async def drive(port: int, args, feeds: list[Feed], keys: list[str], pids: dict[str, int | None], sock: Path):
    loop = asyncio.get_running_loop()
    cookies = [await admin_session(port, i) for i in range(TENANTS)]
    screens = [Screen() for _ in range(TENANTS)]
    listeners = [asyncio.create_task(listen(port, i, cookies[i], screens[i])) for i in range(TENANTS)]
    try:
        await asyncio.wait_for(asyncio.gather(*(s.first_board.wait() for s in screens)), 30)
        phases = []
        seq0 = 0
        # the capacity first, on an idle server; then the offered rate, whose backlog (if the
        # server falls behind) is drained before the last marker is read
        for name in ("max", "offered"):
            cpu = {proc: cpu_seconds(pid) if pid else 0.0 for proc, pid in pids.items()}
            commands = redis_commands(sock)
            print(f"  phase {name}...", flush=True)
            if name == "offered":
                phase = await offered_phase(port, feeds, keys, args.duration, args.batch, seq0)
            else:
                phase = await max_phase(port, feeds, keys, args.burst_seconds, args.burst_batch, seq0)
            phase.redis_commands = redis_commands(sock) - commands
            phase.cpu = {proc: (cpu_seconds(pid) if pid else 0.0) - cpu[proc] for proc, pid in pids.items()}
            phases.append(phase)
            seq0 = max(s.seq for s in phase.sent) + 1
            await asyncio.sleep(2)  # the last boards of the phase
        # a last marker alone: the board that shows it was read after every other batch
        final = []
        for i in range(TENANTS):
            record = Sent(i, seq0, loop.time(), 1)
            final.append(record)
            feeds[i].sent += 1
            marker = {
                "id": f"{feeds[i].run}-{i}-final",
                "type": "agent.state",
                "at": iso(time.time()),
                "agent": MARKER,
                "state": "not_ready",
                "reason": str(seq0),
            }
            await post_batch(port, i, keys[i], [marker], record)
        began = loop.time()
        while loop.time() < began + DRAIN_SECONDS and any(s.highest < seq0 for s in screens):
            await asyncio.sleep(0.1)
        print(f"  the last markers were on every screen {loop.time() - began:.1f} s after they were sent", flush=True)
        phases.append(Phase("final", sent=final))
        return Outcome(phases, screens, feeds, seq0, [s.highest >= seq0 for s in screens])
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the offered phase (after warm-up)")
    parser.add_argument("--batch", type=int, default=100, help="events per batch in the offered phase (every second)")
    parser.add_argument("--burst-seconds", type=float, default=15.0, help="seconds of the max-rate phase")
    parser.add_argument("--burst-batch", type=int, default=500, help="events per batch in the max-rate phase")
    parser.add_argument("--profile", action="store_true", help="also cProfile the ingest in-process")
    args = parser.parse_args()
    ensure_database(DATABASE_URL)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        redis_proc, sock = start_redis(Path(tmp))
        try:
            run_with_redis(args, port, sock, redis_proc, Path(tmp))
        finally:
            stop(redis_proc, wait=10)


def run_with_redis(args, port: int, sock: Path, redis_proc: subprocess.Popen, tmp: Path) -> None:
    from config.serve import production_environment, web_command

    env = production_environment(database_url=DATABASE_URL, redis_url=f"redis+socket://{sock}", port=port)
    # this process too: the tenants, the checks and the profile run with the server's settings
    os.environ.update(env)
    import django

    django.setup()
    print("preparing the benchmark database (the first time: a few minutes)...", flush=True)
    prepare(env)
    keys, short = tenants_ready()
    run = time.strftime("bl%Y%m%d%H%M%S")
    feeds = [Feed(i, run, short_abandon_seconds=short[i]) for i in range(TENANTS)]
    log = tmp / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(web_command(port), cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_for_server(port, server)
        pids = {"gunicorn": server.pid, "redis-server": redis_proc.pid, "postgres": postgres_pid()}
        machine_before = machine_cpu()
        outcome = asyncio.run(drive(port, args, feeds, keys, pids, sock))
        machine_after = machine_cpu()
    finally:
        # quick shutdown: a graceful one would wait for the streams' threads (up to 55 s)
        stop(server, sig=signal.SIGINT, wait=20)
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Error" in line or "[ERROR]" in line]
        if errors:
            print(f"gunicorn logged {len(errors)} error lines, e.g.:\n  " + "\n  ".join(errors[:5]))
    bare = bare_redis_rate(sock, args.burst_batch)
    written = interactions_written(run)
    profile = profile_ingest(run, args.burst_batch, 20) if args.profile else ""
    failed = report(args, outcome, bare, written, machine_before, machine_after)
    if profile:
        print("\n" + profile)
    if failed:
        sys.exit("FAILED: " + "; ".join(failed[:10]))


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def report(args, outcome: Outcome, bare: float, written: list[int], before, after) -> list[str]:
    failed: list[str] = []
    print(f"\ncores: {os.cpu_count()}, tenants: {TENANTS}, machine busy during the run: ", end="")
    print(f"{100 * (after[0] - before[0]) / max(1, after[1] - before[1]):.0f}%")
    print(
        "| phase | batches | events sent | seconds | events/s | errors | POST p50 / p95 | "
        "event to screen p50 / p95 / p99 | not shown | CPU s gunicorn / redis / postgres | Redis commands per event |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rates = {}
    for phase in outcome.phases:
        if phase.name == "final":
            continue
        measured = [s for s in phase.sent if s.scheduled >= phase.measured_from]
        events = sum(s.events for s in measured)
        last = max((s.answered or s.scheduled) for s in measured) if measured else phase.measured_from
        seconds = max(1e-9, last - phase.measured_from)
        rates[phase.name] = events / seconds
        errors = [s.error for s in phase.sent if s.error]
        rejected = sum(s.summary["rejected"] for s in phase.sent if s.summary)
        error_text = f"{len(errors)} {sorted(set(errors))[:3]}" if errors else "0"
        if rejected:
            error_text += f", {rejected} events rejected"
        posts = [s.answered - s.scheduled for s in measured if s.answered is not None]
        latencies, missing = [], 0
        for s in measured:
            seen = outcome.screens[s.tenant].seen_at.get(s.seq)
            if seen is None:
                missing += 1
            else:
                latencies.append(seen - s.scheduled)
        all_events = sum(s.events for s in phase.sent)
        cpu = " / ".join(f"{phase.cpu.get(p, 0):.1f}" for p in ("gunicorn", "redis-server", "postgres"))
        print(
            f"| {phase.name} | {len(measured)} | {events:,} | {seconds:.1f} | {rates[phase.name]:,.0f} | "
            f"{error_text} | "
            f"{pct(posts, 0.5) * 1000:.0f} / {pct(posts, 0.95) * 1000:.0f} ms | "
            + " / ".join(f"{pct(latencies, q) * 1000:.0f}" for q in QUANTILES)
            + f" ms | {missing} | {cpu} | {phase.redis_commands / max(1, all_events):.1f} |"
        )
        if errors:
            failed.append(f"{phase.name}: {len(errors)} requests failed")
        if rejected:
            failed.append(f"{phase.name}: {rejected} events rejected")
            for s in phase.sent:
                if s.summary and s.summary["errors"]:
                    print(f"  e.g. {s.summary['errors'][:3]}")
                    break
    print(
        f"\nmeasured after {WARM_UP_SECONDS} s of warm-up; offered phase: {TENANTS} × {args.batch} events every "
        f"{INTERVAL * 1000:.0f} ms = {TENANTS * args.batch / INTERVAL:,.0f} events/s offered (plus re-sent duplicates)"
    )
    print(
        f"bare Redis write loop (1 client, HSET + HINCRBY per event, pipelined by {args.burst_batch}): "
        f"{bare:,.0f} events/s; max phase / bare = {rates['max'] / bare:.3f} (1 : {bare / rates['max']:.0f}); "
        f"offered phase / bare = {rates['offered'] / bare:.3f}"
    )
    covered = sum(len(s.seen_at) - s.exact for s in outcome.screens)
    print(
        f"boards received: {sum(s.boards for s in outcome.screens):,} on "
        f"{sum(s.connections for s in outcome.screens)} stream connections; batches covered by a later "
        f"marker (coalesced boards, or applied out of order): {covered:,}"
    )
    stream_errors = [e for s in outcome.screens for e in s.errors]
    if stream_errors:
        print(f"stream errors: {len(stream_errors)} {sorted(set(stream_errors))[:4]}")

    print("\ncorrectness (each tenant's last board, the answers, the Interaction table):")
    answers = [s for phase in outcome.phases for s in phase.sent if s.summary]
    for i, feed in enumerate(outcome.feeds):
        mine = [s.summary for s in answers if s.tenant == i]
        accepted = sum(a["accepted"] for a in mine)
        duplicates = sum(a["duplicates"] for a in mine)
        board = outcome.screens[i].last_board.get("center", {})
        expected = {
            "offered": feed.handled + feed.abandoned,
            "handled": feed.handled,
            "abandoned": feed.abandoned,
            "waiting": len(feed.waiting),
        }
        shown = {k: board.get(k) for k in expected}
        problems = []
        if not outcome.final_seen[i]:
            problems.append("the last marker never reached the screen")
        if shown != expected:
            problems.append(f"board {shown} != sent {expected}")
        unanswered = sum(1 for phase in outcome.phases for s in phase.sent if s.tenant == i and not s.summary)
        if unanswered:
            problems.append(f"{unanswered} requests unanswered: accepted and duplicates not checked")
        elif accepted != feed.sent or duplicates != feed.resent:
            problems.append(
                f"accepted {accepted} / duplicates {duplicates} != sent {feed.sent} / re-sent {feed.resent}"
            )
        if written[i] != feed.finished:
            problems.append(f"{written[i]} contacts in the table != {feed.finished} finished")
        status = "ok" if not problems else "MISMATCH: " + "; ".join(problems)
        print(
            f"  {schema_of(i)}: {feed.sent:,} events ({feed.resent} re-sent), {feed.contacts:,} contacts: "
            f"offered {expected['offered']}, handled {feed.handled}, abandoned {feed.abandoned} "
            f"(+{feed.short} short), waiting {expected['waiting']}, {feed.finished} finished: {status}"
        )
        failed += [f"{schema_of(i)}: {p}" for p in problems]
    return failed


if __name__ == "__main__":
    main()
