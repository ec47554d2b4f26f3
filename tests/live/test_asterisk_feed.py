"""An Asterisk queue_log as live events: the mapper (pure), the ingest of its events, and
``manage.py asterisk_feed`` as a real process following a file through a rotation."""

from __future__ import annotations

import datetime as dt
import io
import json
import signal
import subprocess
import zoneinfo

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from interactions.ingestion import asterisk
from interactions.ingestion.rows import ActivityRow, RowError
from live.asterisk import QueueLogLiveMapper
from live.events import AgentStateEvent, ContactEvent
from tests.crash import child_env, manage, wait_until
from tests.samples import sample

UTC = zoneinfo.ZoneInfo("UTC")


def t(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def feed(text: str, mapper: QueueLogLiveMapper | None = None) -> list:
    mapper = mapper or QueueLogLiveMapper(tz=UTC)
    out: list = []
    for line, raw in enumerate(text.splitlines(), start=1):
        out += mapper.feed(line, raw)
    return out


def summary(items) -> list[tuple]:
    out = []
    for e in items:
        if isinstance(e, ContactEvent):
            out.append((e.line, e.kind, e.external_id, e.agent, e.talk_seconds))
        elif isinstance(e, AgentStateEvent):
            out.append((e.line, "agent", e.agent, e.state, e.reason))
        else:
            out.append((e.line, "error", e.field))
    return out


MAPPING = """\
1000|MANAGER|support|ana|ADDMEMBER|
1010|c1|support|NONE|ENTERQUEUE||5551234|1
1015|c1|support|ben|RINGNOANSWER|5000
1020|c1|support|ana|CONNECT|10|c1.2|5
1050|NONE|support|ana|PAUSE|Lunch
1080|c1|support|ana|COMPLETECALLER|10|60|1
1100|NONE|support|ana|UNPAUSE|
1110|c2|support|NONE|ENTERQUEUE||5559999|1
1150|c2|support|NONE|ABANDON|1|1|40
1200|c3|support|NONE|ENTERQUEUE||5550000|1
1201|c3|support|ana|CONNECT|1|c3.2|1
1230|c3|support|ana|BLINDTRANSFER|2000|from-internal|1|29|1
1300|MANAGER|support|ana|REMOVEMEMBER|
"""


def test_every_queue_log_event_maps_to_its_live_event():
    events = feed(MAPPING)
    assert summary(events) == [
        (1, "agent", "ana", "ready", ""),  # ADDMEMBER: logged in
        (2, "enqueued", "c1", None, None),
        (3, "missed", "c1", "ben", None),
        (3, "agent", "ben", "ready", ""),  # rung, so a logged-in member
        (4, "answered", "c1", "ana", None),
        (4, "agent", "ana", "on_contact", ""),
        # 5: paused during the call: still on it, no change
        (6, "ended", "c1", "ana", 60),
        (6, "agent", "ana", "lunch", "Lunch"),  # back to her pause, not to ready
        (7, "agent", "ana", "ready", ""),
        (8, "enqueued", "c2", None, None),
        (9, "abandoned", "c2", None, None),
        (10, "enqueued", "c3", None, None),
        (11, "answered", "c3", "ana", None),
        (11, "agent", "ana", "on_contact", ""),
        (12, "transferred", "c3", "ana", None),
        (12, "ended", "c3", "ana", 29),
        (12, "agent", "ana", "ready", ""),
        (13, "agent", "ana", "offline", ""),
    ]
    enqueued = events[1]
    assert (enqueued.queue, enqueued.customer_id, enqueued.at) == ("support", "5551234", t(1010))
    assert len({e.event_id for e in events}) == len(events)


def test_replaying_the_lines_gives_the_same_event_ids():
    assert [e.event_id for e in feed(MAPPING)] == [e.event_id for e in feed(MAPPING)]


def test_a_call_begun_before_the_feed_is_back_dated_from_its_wait():
    """Following a log from its end, a call's ENTERQUEUE may be behind us: it is offered at
    CONNECT minus its hold time, as the batch import back-dates it, so it still lands."""
    events = feed("1000|c9|support|ana|CONNECT|25|x|3\n1090|c9|support|ana|COMPLETEAGENT|25|90|1\n")
    contact = [(e.kind, e.at) for e in events if isinstance(e, ContactEvent)]
    assert contact == [("enqueued", t(975)), ("answered", t(1000)), ("ended", t(1090))]
    only_the_end = feed("1090|c8|support|ana|COMPLETECALLER|25|90|1\n")  # talk 90, then wait 25
    contact = [(e.kind, e.at) for e in only_the_end if isinstance(e, ContactEvent)]
    assert contact == [("enqueued", t(975)), ("answered", t(1000)), ("ended", t(1090))]


def test_agentlogin_logoff_and_pauseall():
    events = feed(
        "1000|1000.1|NONE|Agent/7|AGENTLOGIN|PJSIP/7-0001\n"
        "1100|NONE|NONE|Agent/7|PAUSEALL|Coffee break\n"
        "1200|NONE|NONE|Agent/7|UNPAUSEALL|\n"
        "1300|1000.1|NONE|Agent/7|AGENTLOGOFF|PJSIP/7-0001|300\n"
    )
    assert summary(events) == [
        (1, "agent", "Agent/7", "ready", ""),
        (2, "agent", "Agent/7", "break", "Coffee break"),
        (3, "agent", "Agent/7", "ready", ""),
        (4, "agent", "Agent/7", "offline", ""),
    ]


def test_a_bad_line_is_an_error_naming_its_line_and_field():
    events = feed(
        "1000|c1|q|NONE|ENTERQUEUE||555|1\n"
        "yesterday|c1|q|ana|CONNECT|1|x|1\n"
        "1060|c1|q\n"
        "1061|c1|q|ana|COMPLETEAGENT|one|sixty|1\n"
    )
    errors = [(e.line, e.field) for e in events if isinstance(e, RowError)]
    assert errors == [(2, "time"), (3, "*"), (4, "data")]


def test_qpanel_pause_of_a_display_name():
    line = sample("queue_log_samples/qpanel_issue39_pause_membername.queue_log").read_text().strip()
    (event,) = feed(line)
    assert (event.agent, event.state, event.reason, event.at) == ("JASON SMITH", "lunch", "LUNCHBREAK", t(1455031982))


def test_asterisk_20_attended_transfer_live():
    text = sample("queue_log_samples/asterisk_issue759_attendedtransfer.queue_log").read_text()
    contact_events = [e for e in feed(text) if isinstance(e, ContactEvent)]
    assert [(e.line, e.kind, e.external_id, e.agent) for e in contact_events] == [
        (2, "enqueued", "1717397243.239826", None),
        (3, "answered", "1717397243.239826", "PJSIP/7009"),
        (5, "enqueued", "1717397390.239830", None),
        # logged under the consultation call's id: the call PJSIP/7009 was on is the one transferred
        (6, "transferred", "1717397243.239826", "PJSIP/7009"),
        (6, "ended", "1717397243.239826", "PJSIP/7009"),
        # the caller, under its own id, takes the consultation's place in queue 1509
        (7, "answered", "1717397390.239830", "PJSIP/7051"),
        (8, "ended", "1717397390.239830", "PJSIP/7051"),
    ]


def test_live_agent_states_give_the_batch_intervals():
    """The live feed and the batch import read a log alike: the changes the mapper emits, cut
    into intervals, are the batch's intervals (alice's synthetic shift)."""
    from tests.interactions.test_asterisk_activity import SHIFT

    batch = [
        (r.agent, r.state, r.start, r.end, r.reason)
        for r in asterisk.parse(io.BytesIO(SHIFT.encode()), tz=UTC)
        if isinstance(r, ActivityRow)
    ]
    changes = [e for e in feed(SHIFT) if isinstance(e, AgentStateEvent)]
    live = []
    for agent in sorted({c.agent for c in changes}):
        mine = [c for c in changes if c.agent == agent]
        live += [
            (a.agent, a.state, a.at, b.at, a.reason)
            for a, b in zip(mine, mine[1:], strict=False)
            if a.state != "offline"
        ]
    assert sorted(live) == sorted(i for i in batch if i[0] == "alice.a")


# -- the ingest of the mapped events (in the test's transaction) ----------------------------


def test_mapped_events_land_as_contacts_and_intervals_and_a_replay_changes_nothing(tenants, in_tenant):
    from interactions.models import AgentActivity, Interaction
    from live.services import live_events_ingest

    in_tenant(tenants.alpha)
    events = feed(MAPPING)
    first = live_events_ingest(events=events, source="asterisk").as_dict()
    assert first["errors"] == [] and first["duplicates"] == 0
    calls = {i.external_id: i for i in Interaction.objects.select_related("agent")}
    assert set(calls) == {"c1", "c2", "c3"}
    assert (calls["c1"].talk_seconds, calls["c1"].agent.acd_login, calls["c1"].missed_by) == (60, "ana", ["ben"])
    assert (calls["c2"].outcome, calls["c3"].transferred) == ("abandoned", True)
    lunch = AgentActivity.objects.get(agent__acd_login="ana", state="lunch")
    assert (lunch.start, lunch.end, lunch.reason) == (t(1080), t(1100), "Lunch")
    count = (Interaction.objects.count(), AgentActivity.objects.count())
    again = live_events_ingest(events=feed(MAPPING), source="asterisk").as_dict()
    assert (again["accepted"], again["duplicates"]) == (0, len(events) - 0)
    assert (Interaction.objects.count(), AgentActivity.objects.count()) == count


# -- manage.py asterisk_feed, a real process on the test database ---------------------------

CALL = "{at}|{id}|support|NONE|ENTERQUEUE||555{n}|1\n{at1}|{id}|support|ana|CONNECT|1|x|1\n{at2}|{id}|support|ana|COMPLETEAGENT|1|30|1\n"


def call(n: int, at: int) -> str:
    return CALL.format(at=at, at1=at + 1, at2=at + 31, id=f"feed-{n}", n=n)


def stored(schema: str) -> set[str]:
    with schema_context(schema), connection.cursor() as cur:
        cur.execute("SELECT external_id FROM interactions_interaction")
        return {row[0] for row in cur.fetchall()}


@pytest.fixture(scope="module")
def feed_tenant(django_db_setup, django_db_blocker):
    """A tenant of its own: the child process commits, which no test transaction rolls back."""
    from live import state
    from tenants.services import tenant_create, tenant_drop

    with django_db_blocker.unblock():
        tenant = tenant_create(schema="asterisk_feed", domain="asterisk-feed.localhost", name="Feed")
        try:
            yield tenant
        finally:
            connection.set_schema_to_public()
            state.forget("asterisk_feed")
            tenant_drop(tenant=tenant)


@pytest.mark.slow
def test_follow_a_log_through_its_rotation_then_stop_on_sigterm(feed_tenant, django_db_blocker, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text(call(0, 1_772_400_000))  # before the feed starts: skipped (it starts at the end)
    errors = tmp_path / "stderr"
    child = subprocess.Popen(
        manage("asterisk_feed", "--schema", "asterisk_feed", "--follow", str(log), "--poll", "0.05"),
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=errors.open("w"),
        text=True,
    )
    try:
        with django_db_blocker.unblock():
            # it has passed over the existing lines: what is appended now is new to it
            wait_until(lambda: "after line 3" in errors.read_text(), timeout=60, what="the feed started")
            with log.open("a") as fh:
                fh.write(call(1, 1_772_400_100) + "garbage line\n")
            wait_until(lambda: "feed-1" in stored("asterisk_feed"), timeout=20, what="the appended call landed")
            # logrotate: rename, a new file; a call written to the old file just before
            with log.open("a") as fh:
                fh.write(call(2, 1_772_400_200))
            log.rename(tmp_path / "queue_log.1")
            log.write_text(call(3, 1_772_400_300))
            wait_until(
                lambda: {"feed-2", "feed-3"} <= stored("asterisk_feed"), timeout=20, what="both files' calls landed"
            )
            child.send_signal(signal.SIGTERM)
            out, _ = child.communicate(timeout=20)
            err = errors.read_text()
            assert child.returncode == 0, err
            assert stored("asterisk_feed") == {"feed-1", "feed-2", "feed-3"}
            assert f"{log}:7: *: expected time|callid|queue|agent|event" in err  # the garbage, by its line
            totals = json.loads(out.strip().splitlines()[-1])
            assert totals["contacts_written"] == 3 and totals["errors"] == 1
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.slow
def test_read_standard_input_until_its_end(feed_tenant, django_db_blocker):
    text = call(10, 1_772_500_000) + call(11, 1_772_500_100) + call(10, 1_772_500_000)  # a replayed call
    result = subprocess.run(
        manage("asterisk_feed", "--schema", "asterisk_feed", "-"),
        input=text,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with django_db_blocker.unblock():
        assert {"feed-10", "feed-11"} <= stored("asterisk_feed")
    totals = json.loads(result.stdout.strip().splitlines()[-1])
    # the replayed call's lines repeat recent ones exactly: the same facts, dropped
    assert (totals["lines"], totals["contacts_written"], totals["errors"]) == (9, 2, 0)
    with django_db_blocker.unblock():
        assert stored("asterisk_feed") >= {"feed-10", "feed-11"}
        assert not {i for i in stored("asterisk_feed") if i.startswith("feed-10#")}
