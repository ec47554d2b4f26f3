"""The live state of each contact center, in Redis: what the wallboard and the alerts read.

Keys of one tenant start with ``live:<schema>:`` (so a tenant's live state is never another's):

- ``contacts``: hash external_id → the merged record of a contact (live/contacts.py), and
  ``contacts_seen``: zset external_id → first seen, to forget records after two days;
- ``wait:<queue>``: zset of the contacts waiting in a queue, scored by when they were offered;
  ``queues``: set of every queue seen (a queue with nobody waiting still shows);
- ``d:<local day>`` and ``w:<minute>``: hashes of counters ``<queue>|<measure>`` (and ``*|…``
  for the center), each the sum of the contributions of the contacts (contacts.contribution);
- ``agents``: hash agent → its current state; ``alog:<agent>``: zset of its state changes of the
  last two days, from which the finished intervals are cut;
- ``seen:<UTC day>``: ids of the events applied (duplicates are counted, and skipped);
- ``version``: incremented by every applied batch, which is then announced on ``changes``.

A tenant's batches are applied one at a time (``tenant_lock``, held by live/services.py until
the batch's rows are in the tables too): each reads records, merges and writes them back, which
two concurrent batches about one contact must not interleave.
Live state is a view, never the record: it expires, and the tables hold what happened.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.utils import timezone

from interactions.ingestion.rows import ActivityRow
from tenants.models import Tenant

from . import contacts
from .contacts import CENTER, DayRules
from .events import AgentStateEvent, ContactEvent

STATES = ("ready", "on_contact", "acw", "not_ready", "break", "lunch", "training", "meeting", "offline")
KEEP_SECONDS = 2 * 86400  # contacts, agent logs and event ids are forgotten after two days
DAY_KEEP_SECONDS = 3 * 86400
WINDOW_KEEP_SECONDS = 2 * 3600  # the alerts' windows reach back at most an hour
LOCK_SECONDS = 30

_client: redis.Redis | None = None


def redis_client() -> redis.Redis:
    """One client per process (its connection pool is shared by every request thread)."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(str(settings.LIVE_REDIS_URL), decode_responses=True, health_check_interval=30)
    return _client


def key(schema: str, *parts: str) -> str:
    return ":".join(("live", schema, *parts))


def changes_channel(schema: str) -> str:
    return key(schema, "changes")


@dataclass
class Applied:
    """What a batch changed: for the tables, and for the caller's summary."""

    duplicates: int = 0
    finished: dict[str, dict] = field(default_factory=dict)  # external_id -> merged record
    intervals: list[ActivityRow] = field(default_factory=list)
    version: int = 0


def tenant_lock(schema: str):
    """Held while one batch of the tenant is applied and written: batches of one tenant apply in
    order, in Redis and in the tables (an interval computed by an earlier batch must not land
    after the one a later batch computed from it)."""
    return redis_client().lock(key(schema, "lock"), timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS)


def apply(schema: str, events: list[ContactEvent | AgentStateEvent], rules: DayRules) -> Applied:
    """Merge a batch into the live state and announce the change (hold ``tenant_lock``)."""
    client = redis_client()
    applied = Applied()
    fresh = _not_seen(client, schema, events)
    applied.duplicates = len(events) - len(fresh)
    contact_events = [e for e in fresh if isinstance(e, ContactEvent)]
    agent_events = [e for e in fresh if isinstance(e, AgentStateEvent)]
    pipe = client.pipeline(transaction=True)
    if contact_events:
        applied.finished = _apply_contacts(client, pipe, schema, contact_events, rules)
    if agent_events:
        applied.intervals = _apply_agents(client, pipe, schema, agent_events)
    seen_by_day: dict[str, list[str]] = defaultdict(list)
    for event in fresh:
        seen_by_day[event.at.astimezone(dt.UTC).date().isoformat()].append(event.event_id)
    for day, ids in seen_by_day.items():
        pipe.sadd(key(schema, "seen", day), *ids)
        pipe.expire(key(schema, "seen", day), DAY_KEEP_SECONDS)
    pipe.incr(key(schema, "version"))
    results = pipe.execute()
    applied.version = int(results[-1])
    client.publish(changes_channel(schema), applied.version)
    return applied


def forget_seen(schema: str, events: list[ContactEvent | AgentStateEvent]) -> None:
    """Unmark a batch's events as applied: their rows did not reach the tables, so the sender's
    retry must apply them again rather than be told they are duplicates."""
    by_day: dict[str, list[str]] = defaultdict(list)
    for event in events:
        by_day[event.at.astimezone(dt.UTC).date().isoformat()].append(event.event_id)
    pipe = redis_client().pipeline(transaction=False)
    for day, ids in by_day.items():
        pipe.srem(key(schema, "seen", day), *ids)
    pipe.execute()


def _not_seen(client: redis.Redis, schema: str, events: list) -> list:
    """The events not applied before (nor earlier in this batch), in their order."""
    by_day: dict[str, list] = defaultdict(list)
    for event in events:
        by_day[event.at.astimezone(dt.UTC).date().isoformat()].append(event)
    pipe = client.pipeline(transaction=False)
    days = list(by_day)
    for day in days:
        pipe.smismember(key(schema, "seen", day), [e.event_id for e in by_day[day]])
    seen_ids = set()
    for day, flags in zip(days, pipe.execute(), strict=True):
        seen_ids |= {e.event_id for e, flag in zip(by_day[day], flags, strict=True) if flag}
    fresh, taken = [], set()
    for event in events:
        if event.event_id in seen_ids or event.event_id in taken:
            continue
        taken.add(event.event_id)
        fresh.append(event)
    return fresh


def _apply_contacts(client, pipe, schema: str, events: list[ContactEvent], rules: DayRules) -> dict[str, dict]:
    ids = sorted({e.external_id for e in events})
    stored = client.hmget(key(schema, "contacts"), ids)
    before: dict[str, dict | None] = {i: json.loads(raw) if raw else None for i, raw in zip(ids, stored, strict=True)}
    after: dict[str, dict] = {}
    for event in events:
        after[event.external_id] = contacts.merge(after.get(event.external_id, before[event.external_id]), event)
    counters: dict[tuple[str, str], int] = defaultdict(int)
    finished = {}
    now = timezone.now().timestamp()
    for contact_id in ids:
        old, new = before[contact_id], after[contact_id]
        if contacts.is_finished(new):
            # unchanged too: a batch sent again after its table write failed writes it then
            finished[contact_id] = new
        if new == old:
            continue
        for bucket_field, amount in contacts.delta(old, new, rules).items():
            counters[bucket_field] += amount
        if old and contacts.is_waiting(old):
            pipe.zrem(key(schema, "wait", contacts.queue_of(old)), contact_id)
        if contacts.is_waiting(new):
            pipe.zadd(key(schema, "wait", contacts.queue_of(new)), {contact_id: new["enqueued"]["at"]})
        if "enqueued" in new:  # before, its queue may not be known yet
            pipe.sadd(key(schema, "queues"), contacts.queue_of(new))
        pipe.hset(key(schema, "contacts"), contact_id, json.dumps(new, separators=(",", ":")))
        pipe.zadd(key(schema, "contacts_seen"), {contact_id: now}, nx=True)
    for (bucket, counter), amount in counters.items():
        name = key(schema, bucket)
        pipe.hincrby(name, counter, amount)
        pipe.expire(name, DAY_KEEP_SECONDS if bucket.startswith("d:") else WINDOW_KEEP_SECONDS)
    _forget_old_contacts(client, pipe, schema, now)
    return finished


def _forget_old_contacts(client, pipe, schema: str, now: float) -> None:
    old = client.zrangebyscore(key(schema, "contacts_seen"), "-inf", now - KEEP_SECONDS, start=0, num=1000)
    if old:
        pipe.hdel(key(schema, "contacts"), *old)
        pipe.zrem(key(schema, "contacts_seen"), *old)


def _log_member(event: AgentStateEvent) -> str:
    """Members of one score sort by the source's order first (zero-padded, so as text), then id."""
    return f"{event.seq:012d}|" + json.dumps([event.event_id, event.state, event.reason], separators=(",", ":"))


def _log_entry(member: str) -> tuple[str, str]:
    """(state, reason) of a log member."""
    _, state, reason = json.loads(member.partition("|")[2])
    return state, reason


def _apply_agents(client, pipe, schema: str, events: list[AgentStateEvent]) -> list[ActivityRow]:
    """Each agent's state changes, ordered by time, cut into intervals: state i lasts from its
    change to the next. A change arriving late falls into place and the intervals on both sides
    of it are written again (same agent and start: the upsert replaces them). Only the stored
    changes around the new ones are read: the one before the first, those between the first and
    the last, the one after the last, and the latest of all."""
    by_agent: dict[str, list[AgentStateEvent]] = defaultdict(list)
    for event in events:
        by_agent[event.agent].append(event)
    agents = sorted(by_agent)
    read = client.pipeline(transaction=False)
    for agent in agents:
        log_key = key(schema, "alog", agent)
        first = min(e.at.timestamp() for e in by_agent[agent])
        last = max(e.at.timestamp() for e in by_agent[agent])
        read.zrevrangebyscore(log_key, f"({first}", "-inf", start=0, num=1, withscores=True)
        read.zrangebyscore(log_key, first, last, withscores=True)
        read.zrangebyscore(log_key, f"({last}", "+inf", start=0, num=1, withscores=True)
        read.zrange(log_key, -1, -1, withscores=True)
    stored_parts = read.execute()
    intervals: dict[tuple[str, float], ActivityRow] = {}
    for n, agent in enumerate(agents):
        before, between, after, latest = stored_parts[4 * n : 4 * n + 4]
        new_members = {_log_member(e): e for e in by_agent[agent]}
        stored = {(score, member) for member, score in (*before, *between, *after, *latest)}
        log = sorted(stored | {(e.at.timestamp(), m) for m, e in new_members.items()})
        lines = {m: e.line for m, e in new_members.items()}
        for i, (_, member) in enumerate(log):
            if member not in new_members:
                continue
            for j in (i - 1, i):  # the interval that ends at the change, and the one it starts
                if 0 <= j < len(log) - 1:
                    start, start_member = log[j]
                    end = log[j + 1][0]
                    state, reason = _log_entry(start_member)
                    if state != "offline" and end > start:
                        intervals[(agent, start)] = ActivityRow(
                            line=lines.get(start_member, lines[member]),
                            agent=agent,
                            state=state,
                            start=dt.datetime.fromtimestamp(start, dt.UTC),
                            end=dt.datetime.fromtimestamp(end, dt.UTC),
                            reason=reason,
                            live=True,
                        )
        log_key = key(schema, "alog", agent)
        pipe.zadd(log_key, {m: e.at.timestamp() for m, e in new_members.items()})
        latest_at, latest_member = log[-1]
        # two days before the latest change, not before now: a replay of older days works too
        pipe.zremrangebyscore(log_key, "-inf", f"({latest_at - KEEP_SECONDS}")
        pipe.expire(log_key, KEEP_SECONDS)
        state, reason = _log_entry(latest_member)
        pipe.hset(key(schema, "agents"), agent, json.dumps({"state": state, "since": latest_at, "reason": reason}))
    return list(intervals.values())


# ---- reading -------------------------------------------------------------------------------

MEASURES = ("offered", "handled", "wait_ms", "within", "abandoned", "short")


def figures(counts: dict[str, int]) -> dict:
    """Today's (or a window's) figures from raw counts, as ../shared/spec/kpis.md defines them."""
    offered, handled = counts.get("offered", 0), counts.get("handled", 0)
    return {
        "offered": offered,
        "handled": handled,
        "abandoned": counts.get("abandoned", 0),
        "service_level_pct": round(100 * counts.get("within", 0) / offered, 1) if offered else None,
        "asa_seconds": round(counts.get("wait_ms", 0) / 1000 / handled, 1) if handled else None,
        "abandonment_rate_pct": round(100 * (offered - handled) / offered, 1) if offered else None,
    }


def _counts(raw: dict[str, str], scopes: list[str]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for name, value in raw.items():
        scope, _, measure = name.rpartition("|")
        if scope in scopes:
            total[measure] += int(value)
    return total


_tz_cache: dict[str, tuple[float, zoneinfo.ZoneInfo]] = {}
TZ_CACHE_SECONDS = 60


def tenant_tz(schema: str) -> zoneinfo.ZoneInfo:
    """The contact center's timezone (today is its local day), whoever asks: a request, a
    stream after its middleware has returned, a task. Cached a minute: boards are read often."""
    now = time.monotonic()
    cached = _tz_cache.get(schema)
    if cached is None or now - cached[0] > TZ_CACHE_SECONDS:
        name = Tenant.objects.filter(schema_name=schema).values_list("timezone", flat=True).first() or "UTC"
        cached = _tz_cache[schema] = (now, zoneinfo.ZoneInfo(name))
    return cached[1]


def board_read(
    schema: str,
    *,
    queues: list[str] | None = None,
    agents: list[str] | None = None,
    now: dt.datetime | None = None,
    tz=None,
) -> dict:
    """The board: the center (or the chosen queues together) and each queue, today so far."""
    now = now or timezone.now()
    tz = tz or tenant_tz(schema)
    day = now.astimezone(tz).date()
    client = redis_client()
    known = sorted(str(q) for q in client.smembers(key(schema, "queues")))
    shown = [q for q in known if q in queues] if queues else known
    read = client.pipeline(transaction=False)
    read.hgetall(key(schema, "d:" + day.isoformat()))
    read.hgetall(key(schema, "agents"))
    read.get(key(schema, "version"))
    for queue in shown:
        read.zcard(key(schema, "wait", queue))
        read.zrange(key(schema, "wait", queue), 0, 0, withscores=True)
    day_counts, agent_states, version, *waits = read.execute()
    stamp = now.timestamp()
    rows = []
    for i, queue in enumerate(shown):
        waiting, oldest = waits[2 * i], waits[2 * i + 1]
        longest = max(0, int(stamp - oldest[0][1])) if oldest else 0
        rows.append(
            {
                "name": queue,
                "waiting": waiting,
                "longest_wait_seconds": longest,
                **figures(_counts(day_counts, [queue])),
            }
        )
    center = {
        "waiting": sum(r["waiting"] for r in rows),
        "longest_wait_seconds": max((r["longest_wait_seconds"] for r in rows), default=0),
        **figures(_counts(day_counts, shown if queues else [CENTER])),
    }
    people = []
    counts = dict.fromkeys(STATES, 0)
    for agent, raw in sorted(agent_states.items()):
        state = json.loads(raw)
        counts[state["state"]] = counts.get(state["state"], 0) + 1
        if agents is None or agent in agents:
            people.append(
                {
                    "agent": agent,
                    "state": state["state"],
                    "since": dt.datetime.fromtimestamp(state["since"], dt.UTC).isoformat(),
                    "seconds_in_state": max(0, int(stamp - state["since"])),
                    "reason": state["reason"],
                }
            )
    center["agents"] = counts
    return {
        "as_of": now.isoformat(),
        "version": int(version or 0),
        "day": day.isoformat(),
        "center": center,
        "queues": rows,
        "agents": people,
    }


def window_read(schema: str, *, minutes: int, queue: str | None = None, now: dt.datetime | None = None) -> dict:
    """Figures of the contacts that left the queue (answered or abandoned) in the last ``minutes``."""
    now = now or timezone.now()
    last = int(now.timestamp() // 60)
    client = redis_client()
    read = client.pipeline(transaction=False)
    for minute in range(last - minutes + 1, last + 1):
        read.hgetall(key(schema, f"w:{minute}"))
    scope = [queue or CENTER]
    total: dict[str, int] = defaultdict(int)
    for raw in read.execute():
        for measure, amount in _counts(raw, scope).items():
            total[measure] += amount
    return figures(total)


def waiting_read(schema: str, *, queue: str | None = None, now: dt.datetime | None = None) -> tuple[int, int]:
    """(contacts waiting, longest wait in seconds) in one queue or the center."""
    now = now or timezone.now()
    client = redis_client()
    queues = [queue] if queue else sorted(str(q) for q in client.smembers(key(schema, "queues")))
    read = client.pipeline(transaction=False)
    for name in queues:
        read.zcard(key(schema, "wait", name))
        read.zrange(key(schema, "wait", name), 0, 0, withscores=True)
    results = read.execute()
    waiting = sum(results[0::2])
    oldest = [r[0][1] for r in results[1::2] if r]
    return waiting, max(0, int(now.timestamp() - min(oldest))) if oldest else 0


def waiting_ids(schema: str) -> list[str]:
    """The ids of every contact waiting now, in any queue."""
    client = redis_client()
    read = client.pipeline(transaction=False)
    for queue in sorted(str(q) for q in client.smembers(key(schema, "queues"))):
        read.zrange(key(schema, "wait", queue), 0, -1)
    return [str(contact) for ids in read.execute() for contact in ids]


def agents_available(schema: str) -> int:
    states = redis_client().hvals(key(schema, "agents"))
    return sum(1 for raw in states if json.loads(raw)["state"] == "ready")


def forget(schema: str) -> None:
    """Delete a tenant's live state (tests; a deleted tenant)."""
    client = redis_client()
    names = list(client.scan_iter(match=key(schema, "*"), count=1000))
    if names:
        client.delete(*names)
