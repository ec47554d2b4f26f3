"""Live events: idempotent, order-independent, the same figures as the KPI engine, and the same
tables as a batch import (which stays the record)."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest

from interactions.models import AgentActivity, Interaction
from live import state
from live.services import events_parse, live_events_ingest
from scorecards.engine import recompute
from scorecards.models import KpiSnapshot

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DAY = dt.date(2026, 11, 30)
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


def at(seconds: float) -> str:
    return (T0 + dt.timedelta(seconds=seconds)).isoformat()


def day_of_contacts(seed: int = 7, count: int = 60) -> list[dict]:
    """A morning of contacts in two queues: answered within and beyond 20 s, abandoned after
    3 s (short: not offered) and after 40 s, with agents changing state around them."""
    rng = random.Random(seed)
    events: list[dict] = []
    for i in range(count):
        start = i * 90 + rng.randint(0, 30)
        queue = "Billing" if i % 3 else "Tech"
        cid = f"live-{seed}-{i}"
        events.append({"type": "contact.enqueued", "at": at(start), "external_id": cid, "queue": queue})
        fate = rng.random()
        if fate < 0.15:
            events.append({"type": "contact.abandoned", "at": at(start + rng.choice([3, 40])), "external_id": cid})
            continue
        agent = rng.choice(["alice.a", "bob.b"])
        wait = rng.choice([5, 12, 20, 21, 45])
        if fate < 0.3:
            events.append({"type": "contact.missed", "at": at(start + 2), "external_id": cid, "agent": "carl.c"})
        events.append({"type": "contact.answered", "at": at(start + wait), "external_id": cid, "agent": agent})
        if fate > 0.9:
            events.append({"type": "contact.transferred", "at": at(start + wait + 30), "external_id": cid})
        events.append(
            {"type": "contact.ended", "at": at(start + wait + 60), "external_id": cid, "agent": agent, "acw_seconds": 9}
        )
    for agent, offset in (("alice.a", 0), ("bob.b", 7)):
        for j, st in enumerate(["ready", "break", "ready", "lunch", "ready", "not_ready", "ready"]):
            events.append({"type": "agent.state", "at": at(offset + j * 700), "agent": agent, "state": st})
    return events


def ingest(items: list[dict]):
    return live_events_ingest(events=events_parse(items, tz=BERLIN), source="test")


def board() -> dict:
    found = state.board_read("alpha", now=T0 + dt.timedelta(hours=3), tz=BERLIN)
    del found["version"]
    return found


def tables() -> tuple[list, list]:
    contacts = list(
        Interaction.objects.order_by("external_id").values_list(
            "external_id",
            "queue__name",
            "agent__acd_login",
            "offered_at",
            "answered_at",
            "ended_at",
            "talk_seconds",
            "acw_seconds",
            "outcome",
            "transferred",
            "missed_by",
            "live",
        )
    )
    activity = list(
        AgentActivity.objects.order_by("agent__acd_login", "start").values_list(
            "agent__acd_login", "state", "start", "end", "reason", "live"
        )
    )
    return contacts, activity


@pytest.fixture
def alpha(people, in_tenant, tenants):
    in_tenant(tenants.alpha)
    return people


def test_replayed_duplicated_and_shuffled_events_leave_the_clean_state(alpha):
    clean = day_of_contacts()
    summary = ingest(clean)
    assert summary.as_dict()["errors"] == [] and summary.duplicates == 0
    expected_board, expected_tables = board(), tables()
    assert expected_board["center"]["handled"] > 20 and len(expected_tables[0]) == 60

    state.forget("alpha")
    Interaction.objects.all().delete()
    AgentActivity.objects.all().delete()
    rng = random.Random(1)
    messy = clean + rng.sample(clean, 40)  # duplicates
    # out of order by a few seconds: each event swaps with neighbours inside a 6-event window
    keyed = sorted(enumerate(messy), key=lambda pair: pair[0] + rng.uniform(-6, 6))
    messy = [item for _, item in keyed]
    for start in range(0, len(messy), 25):  # in batches, as a sender would
        ingest(messy[start : start + 25])
    replay = ingest(clean)  # and the whole day once more
    assert replay.accepted == 0 and replay.duplicates == len(clean)
    assert board() == expected_board
    assert tables() == expected_tables


def batch_csv(events: list[dict]) -> bytes:
    """The same day as the batch export of the contact center would carry it, built from the
    events (not from what the live feed wrote)."""
    contacts: dict[str, dict] = {}
    for event in events:
        if event["type"].startswith("contact."):
            contacts.setdefault(event["external_id"], {})[event["type"]] = event
    lines = ["external_id,channel,queue,agent,offered_at,answered_at,ended_at,talk_seconds,acw_seconds,outcome"]
    for cid, kinds in sorted(contacts.items()):
        enqueued = kinds["contact.enqueued"]
        if "contact.answered" in kinds:
            answered, ended = kinds["contact.answered"], kinds["contact.ended"]
            talk = round(
                (dt.datetime.fromisoformat(ended["at"]) - dt.datetime.fromisoformat(answered["at"])).total_seconds()
            )
            lines.append(
                f"{cid},voice,{enqueued['queue']},{answered['agent']},{enqueued['at']},{answered['at']},"
                f"{ended['at']},{talk},{ended.get('acw_seconds', 0)},answered"
            )
        else:
            abandoned = kinds["contact.abandoned"]
            lines.append(f"{cid},voice,{enqueued['queue']},,{enqueued['at']},,{abandoned['at']},0,0,abandoned")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("record", ["live rows", "the batch import"])
def test_live_figures_of_a_day_equal_the_kpis_of_that_day(alpha, record):
    from io import BytesIO

    from interactions.services import import_stream

    events = day_of_contacts(seed=11, count=80)
    ingest(events)
    live = board()
    if record == "the batch import":  # the day's export arrives and replaces every live row
        summary = import_stream(kind="interactions", stream=BytesIO(batch_csv(events)), tz=BERLIN)
        assert summary.rejected == 0 and summary.created + summary.updated + summary.unchanged == 80
        assert not Interaction.objects.filter(live=True).exists()
    recompute(since=DAY, until=DAY)

    def kpi(code: str, scope: str, key: str) -> KpiSnapshot:
        return KpiSnapshot.objects.get(kpi=code, scope=scope, key=key, period="day", period_start=DAY)

    for scope, key, figures in [("tenant", "all", live["center"])] + [("queue", q["name"], q) for q in live["queues"]]:
        assert figures["handled"] == kpi("calls_handled", scope, key).value
        assert figures["service_level_pct"] == pytest.approx(kpi("service_level", scope, key).value, abs=0.05)
        assert figures["asa_seconds"] == pytest.approx(kpi("asa", scope, key).value, abs=0.05)
        assert figures["abandonment_rate_pct"] == pytest.approx(kpi("abandonment_rate", scope, key).value, abs=0.05)
    assert {q["name"] for q in live["queues"]} == {"Billing", "Tech"}


def test_waiting_contacts_agents_and_the_longest_wait(alpha):
    ingest(
        [
            {"type": "contact.enqueued", "at": at(0), "external_id": "w1", "queue": "Billing"},
            {"type": "contact.enqueued", "at": at(30), "external_id": "w2", "queue": "Billing"},
            {"type": "contact.enqueued", "at": at(50), "external_id": "w3", "queue": "Tech"},
            {"type": "contact.answered", "at": at(55), "external_id": "w3", "agent": "alice.a"},
            {"type": "agent.state", "at": at(55), "agent": "alice.a", "state": "on_contact"},
            {"type": "agent.state", "at": at(10), "agent": "bob.b", "state": "break", "reason": "coffee"},
        ]
    )
    found = state.board_read("alpha", now=T0 + dt.timedelta(seconds=100), tz=BERLIN)
    billing = next(q for q in found["queues"] if q["name"] == "Billing")
    assert (billing["waiting"], billing["longest_wait_seconds"]) == (2, 100)
    assert found["center"]["waiting"] == 2 and found["center"]["handled"] == 1
    assert found["center"]["agents"]["on_contact"] == 1 and found["center"]["agents"]["break"] == 1
    bob = next(a for a in found["agents"] if a["agent"] == "bob.b")
    assert (bob["state"], bob["seconds_in_state"], bob["reason"]) == ("break", 90, "coffee")
    # a manager's board lists only the agents asked for
    assert [a["agent"] for a in state.board_read("alpha", agents=["alice.a"], tz=BERLIN)["agents"]] == ["alice.a"]


def test_bad_events_are_named_and_the_good_ones_land(alpha):
    summary = ingest(
        [
            {"type": "contact.enqueued", "at": at(0), "external_id": "g1", "queue": "Billing"},
            {"type": "contact.teleported", "at": at(1), "external_id": "g1"},
            {"type": "contact.answered", "at": "yesterday", "external_id": "g1", "agent": "alice.a"},
            {"type": "agent.state", "at": at(2), "agent": "alice.a", "state": "asleep"},
            "not an object",
            {"type": "contact.abandoned", "at": at(60), "external_id": "g1", "mood": "cross"},
        ]
    ).as_dict()
    assert [(e["line"], e["field"]) for e in summary["errors"]] == [(2, "type"), (3, "at"), (4, "state"), (5, "*")]
    assert "asleep" not in summary["errors"][2]["message"] and "ready" in summary["errors"][2]["message"]
    assert summary["warnings"] == [{"line": 6, "field": "mood", "message": "unknown field 'mood' ignored"}]
    assert summary["accepted"] == 2
    assert Interaction.objects.get(external_id="g1").outcome == "abandoned"


def test_a_contact_ending_before_it_was_answered_is_rejected_by_line(alpha):
    summary = ingest(
        [
            {"type": "contact.enqueued", "at": at(0), "external_id": "b1"},
            {"type": "contact.answered", "at": at(10), "external_id": "b1", "agent": "alice.a"},
            {"type": "contact.ended", "at": at(5), "external_id": "b1"},
        ]
    ).as_dict()
    assert summary["errors"] == [{"line": 3, "field": "at", "message": "contact b1 ended before it was answered"}]
    assert not Interaction.objects.filter(external_id="b1").exists()


def test_the_batch_import_is_the_record(alpha):
    from io import BytesIO

    from interactions.services import import_stream

    ingest(
        [
            {"type": "contact.enqueued", "at": at(0), "external_id": "r1", "queue": "Billing"},
            {"type": "contact.answered", "at": at(10), "external_id": "r1", "agent": "alice.a"},
            {"type": "contact.ended", "at": at(70), "external_id": "r1", "agent": "alice.a"},
            {"type": "agent.state", "at": at(0), "agent": "alice.a", "state": "ready"},
            {"type": "agent.state", "at": at(10), "agent": "alice.a", "state": "on_contact"},
            {"type": "agent.state", "at": at(70), "agent": "alice.a", "state": "ready"},
        ]
    )
    assert Interaction.objects.get(external_id="r1").live is True
    assert AgentActivity.objects.filter(live=True).count() == 2
    csv = (
        "external_id,channel,queue,agent,offered_at,answered_at,ended_at,talk_seconds,outcome\n"
        f"r1,voice,Billing,alice.a,{at(0)},{at(8)},{at(75)},67,answered\n"
    )
    activity = f"agent,state,start,end\nalice.a,on_contact,{at(8)},{at(75)}\n"
    assert import_stream(kind="interactions", stream=BytesIO(csv.encode()), tz=BERLIN).rejected == 0
    assert import_stream(kind="activity", stream=BytesIO(activity.encode()), tz=BERLIN).rejected == 0
    imported = Interaction.objects.get(external_id="r1")
    assert (imported.live, imported.talk_seconds) == (False, 67)
    # the live intervals the imported one overlaps gave way to it
    assert list(AgentActivity.objects.values_list("state", "live")) == [("on_contact", False)]
    # a late live event about the contact changes nothing in the table
    ingest([{"type": "contact.ended", "at": at(90), "external_id": "r1", "agent": "alice.a"}])
    assert Interaction.objects.get(external_id="r1").talk_seconds == 67


AWS_SAMPLE = {
    "AWSAccountId": "012345678901",
    "AgentARN": "arn:aws:connect:us-west-2:012345678901:instance/i/agent/agent-ARN",
    "CurrentAgentSnapshot": {
        "AgentStatus": {"ARN": "example-ARN", "Name": "Available", "StartTimestamp": "2019-08-13T20:52:30.704Z"},
        "Configuration": {"FirstName": "AgentEventStreamTest", "LastName": "Agent", "Username": "aestest"},
        "Contacts": [],
    },
    "EventId": "EventId-1",
    "EventTimestamp": "2019-08-13T20:58:44.031Z",
    "EventType": "HEART_BEAT",
    "Version": "2017-10-01",
}


def contact_snapshot(state_name: str, since: str, **extra) -> dict:
    record = {**AWS_SAMPLE, "EventType": "STATE_CHANGE", "EventId": f"e-{state_name}-{since}"}
    record["CurrentAgentSnapshot"] = {
        **AWS_SAMPLE["CurrentAgentSnapshot"],
        "Contacts": [
            {
                "ContactId": "ac-1",
                "Channel": "VOICE",
                "State": state_name,
                "StateStartTimestamp": since,
                "QueueTimestamp": "2019-08-13T21:00:00Z",
                "ConnectedToAgentTimestamp": "2019-08-13T21:00:15Z",
                "Queue": {"Name": "Omni-channel-queue"},
                **extra,
            }
        ],
    }
    return record


def test_amazon_connect_agent_event_stream(alpha):
    # The AWS sample heartbeat, sent twice: one "ready since 20:52:30" state, never two.
    first = ingest([AWS_SAMPLE, {**AWS_SAMPLE, "EventId": "EventId-2"}])
    assert first.as_dict()["errors"] == [] and first.duplicates == 1
    connected = contact_snapshot("CONNECTED", "2019-08-13T21:00:15Z")
    ended = contact_snapshot("ENDED", "2019-08-13T21:04:15Z")
    lunch = {
        **AWS_SAMPLE,
        "EventType": "STATE_CHANGE",
        "EventId": "e-lunch",
        "CurrentAgentSnapshot": {
            **AWS_SAMPLE["CurrentAgentSnapshot"],
            "AgentStatus": {"Name": "Lunch", "StartTimestamp": "2019-08-13T21:05:00Z"},
        },
    }
    assert ingest([connected, ended, lunch]).as_dict()["errors"] == []
    contact = Interaction.objects.get(external_id="ac-1")
    assert (contact.queue.name, contact.agent.acd_login, contact.talk_seconds) == ("Omni-channel-queue", "aestest", 240)
    assert contact.wait_seconds == 15
    intervals = list(AgentActivity.objects.order_by("start").values_list("state", "start", "end", "reason"))
    utc = dt.UTC
    assert intervals == [
        (
            "ready",
            dt.datetime(2019, 8, 13, 20, 52, 30, 704000, utc),
            dt.datetime(2019, 8, 13, 21, 0, 15, tzinfo=utc),
            "",
        ),
        (
            "on_contact",
            dt.datetime(2019, 8, 13, 21, 0, 15, tzinfo=utc),
            dt.datetime(2019, 8, 13, 21, 4, 15, tzinfo=utc),
            "",
        ),
        ("acw", dt.datetime(2019, 8, 13, 21, 4, 15, tzinfo=utc), dt.datetime(2019, 8, 13, 21, 5, tzinfo=utc), ""),
    ]
    agent = state.board_read("alpha", tz=BERLIN)["agents"][0]
    assert (agent["agent"], agent["state"], agent["reason"]) == ("aestest", "lunch", "Lunch")


def test_amazon_connect_record_without_a_type_is_named(alpha):
    summary = ingest([{**AWS_SAMPLE, "EventType": "CONTACT_DANCE"}]).as_dict()
    assert summary["errors"][0]["line"] == 1 and summary["errors"][0]["field"] == "EventType"


def finished_contact(cid: str, offset: int) -> list[dict]:
    return [
        {"type": "contact.enqueued", "at": at(offset), "external_id": cid, "queue": "Billing"},
        {"type": "contact.abandoned", "at": at(offset + 30), "external_id": cid},
    ]


def test_what_follows_written_rows_is_announced_at_most_once_per_gate(alpha, django_capture_on_commit_callbacks):
    """An announcement queues its work (KPI recompute, invitations, QA checks) on commit."""
    from live.followups import live_followups_flush_task

    client = state.redis_client()
    with django_capture_on_commit_callbacks() as first:
        ingest(finished_contact("f1", 0))
    assert len(first) >= 2 and client.exists(state.key("alpha", "followups_gate"))
    with django_capture_on_commit_callbacks() as second:
        ingest(finished_contact("f2", 100))  # inside the gate: kept for later, not announced
    assert second == [] and client.exists(state.key("alpha", "followups_since"))
    assert live_followups_flush_task() is False  # the gate is still closed
    client.delete(state.key("alpha", "followups_gate"))  # as when it expires
    with django_capture_on_commit_callbacks() as flushed:
        assert live_followups_flush_task() is True
    assert len(flushed) == len(first)
    assert not client.exists(state.key("alpha", "followups_since"))
    assert live_followups_flush_task() is False  # nothing pending any more


def test_changes_stamped_with_the_same_second_keep_the_sources_order(alpha):
    from live.events import AgentStateEvent

    same = T0.astimezone(dt.UTC)
    ready = AgentStateEvent(line=1, event_id="z-ready", at=same, agent="alice.a", state="ready", seq=7)
    pause = AgentStateEvent(line=2, event_id="a-pause", at=same, agent="alice.a", state="break", reason="Pause", seq=8)
    earlier = AgentStateEvent(
        line=3, event_id="m", at=same - dt.timedelta(seconds=30), agent="alice.a", state="on_contact"
    )
    live_events_ingest(events=[pause, ready, earlier], source="test")  # arrival order reversed
    agent = state.board_read("alpha", tz=BERLIN)["agents"][0]
    assert (agent["state"], agent["reason"]) == ("break", "Pause")


def test_the_board_is_of_the_contact_centers_day_whoever_reads_it(alpha):
    """Half past midnight in Berlin is still the previous day in UTC (and in a task's clock)."""
    night = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    ingest(
        [
            {"type": "contact.enqueued", "at": night.isoformat(), "external_id": "n1"},
            {
                "type": "contact.answered",
                "at": (night + dt.timedelta(seconds=4)).isoformat(),
                "external_id": "n1",
                "agent": "bob.b",
            },
        ]
    )
    found = state.board_read("alpha", now=night + dt.timedelta(minutes=1))  # no tz given
    assert (found["day"], found["center"]["handled"]) == ("2026-12-01", 1)


def test_a_batch_whose_table_write_failed_lands_when_sent_again(alpha, monkeypatch):
    """The database refuses the write once (a fault injected into the write, the live state
    is real): the sender gets the error, and its retry is applied, not called a duplicate."""
    from django.db import OperationalError

    import live.services

    real_import_rows = live.services.import_rows

    def refuse_once(*args, **kwargs):
        monkeypatch.setattr(live.services, "import_rows", real_import_rows)
        raise OperationalError("the database went away")

    monkeypatch.setattr(live.services, "import_rows", refuse_once)
    batch = finished_contact("x1", 0) + [{"type": "agent.state", "at": at(0), "agent": "bob.b", "state": "ready"}]
    batch.append({"type": "agent.state", "at": at(50), "agent": "bob.b", "state": "break"})
    with pytest.raises(OperationalError):
        ingest(batch)
    assert not Interaction.objects.filter(external_id="x1").exists()
    retry = ingest(batch)
    assert (retry.accepted, retry.duplicates) == (4, 0)
    assert Interaction.objects.get(external_id="x1").outcome == "abandoned"
    assert AgentActivity.objects.filter(agent__acd_login="bob.b", state="ready").count() == 1
