"""Asterisk queue_log: contacts and agent activity, on real lines and on what the samples lack.

Real lines are read in place from queue_log_samples/ (their licences forbid copying them
here, see tests/samples.py); the expected values are worked out by hand from those lines.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections import defaultdict

import pytest

from interactions.ingestion import asterisk
from interactions.ingestion.asterisk_state import pause_state
from interactions.ingestion.rows import ActivityRow, FileUnreadable, InteractionRow, RowError, RowWarning
from tests.samples import sample

UTC = zoneinfo.ZoneInfo("UTC")


def parse(text: str, tz=UTC) -> list:
    return list(asterisk.parse(io.BytesIO(text.encode()), tz=tz))


def real(name: str) -> str:
    return sample(f"queue_log_samples/{name}").read_text(encoding="utf-8")


def t(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def intervals(rows) -> list[tuple]:
    return [
        (r.agent, r.state, int(r.start.timestamp()), int(r.end.timestamp()), r.reason)
        for r in rows
        if isinstance(r, ActivityRow)
    ]


def contacts(rows) -> dict[str, InteractionRow]:
    return {r.external_id: r for r in rows if isinstance(r, InteractionRow)}


def assert_no_overlap(rows) -> None:
    by_agent = defaultdict(list)
    for r in rows:
        if isinstance(r, ActivityRow):
            assert r.end > r.start
            by_agent[r.agent].append((r.start, r.end))
    for spans in by_agent.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start >= end


# -- real lines ---------------------------------------------------------------------------


def test_pbxware_agent_1128_login_rings_calls_transfer_logoff_by_hand():
    """Agent/1128's morning of 4 Dec 2018 in the PBXware export, cut to: the login (its
    callback channel's ADDMEMBER and the AGENTCALLBACKLOGIN), one call rung and answered,
    one call blind-transferred, and the logoff (REMOVEMEMBER + AGENTCALLBACKLOGOFF)."""
    lines = real("pbxware_voipreports1_2018.queue_log").splitlines()
    keep_uids = {"756", "757", "965", "966"}
    keep_calls = {"1543935126.1045", "1543938872.1743"}
    cut = [lines[0]] + [ln for ln in lines[1:] if ln.split(",")[0] in keep_uids or ln.split(",")[2] in keep_calls]
    assert len(cut) == 1 + 4 + 6 + 3
    rows = parse("\n".join(cut))
    assert not [r for r in rows if isinstance(r, RowError)]
    assert intervals([r for r in rows if getattr(r, "agent", "") == "Agent/1128"]) == [
        # login 1543908688 -> CONNECT 1543935172: 26,484 s ready (its ring at 1543935148 changes nothing)
        ("Agent/1128", "ready", 1543908688, 1543935172, ""),
        # CONNECT -> COMPLETEAGENT 1543935341: 169 s, the row's ttime
        ("Agent/1128", "on_contact", 1543935172, 1543935341, ""),
        ("Agent/1128", "ready", 1543935341, 1543938925, ""),  # 3,584 s
        # CONNECT 1543938925 -> BLINDTRANSFER 1543938963: 38 s, the row's ttime
        ("Agent/1128", "on_contact", 1543938925, 1543938963, ""),
        # until the logoff 1543941762 (REMOVEMEMBER of the callback channel alone logs nobody out)
        ("Agent/1128", "ready", 1543938963, 1543941762, ""),
    ]
    # 26,484 + 169 + 3,584 + 38 + 2,799 = 33,074 s: the logged-in time the AGENTCALLBACKLOGOFF row reports
    assert sum(e - s for who, _, s, e, _ in intervals(rows) if who == "Agent/1128") == 33074
    # the callback channel Local/1128@callback-agent is the agent's, never an agent of its own
    assert not [r for r in rows if "Local/" in getattr(r, "agent", "")]
    # the two others rung are members from their ring on, until the file's last line 1543941762
    assert ("Agent/1144", "ready", 1543935166, 1543941762, "") in intervals(rows)
    answered, transferred = contacts(rows)["1543935126.1045"], contacts(rows)["1543938872.1743"]
    assert (answered.offered_at, answered.answered_at, answered.ended_at) == (
        t(1543935137),  # ENTERQUEUE
        t(1543935172),  # CONNECT: wait 35 s, the row's htime
        t(1543935341),
    )
    assert (answered.agent, answered.talk_seconds, answered.customer_id) == ("Agent/1128", 169, "55500000077")
    assert answered.missed_by == ["Agent/1144", "Agent/1109"]  # 1128 rang first but then answered
    assert (answered.transferred, transferred.transferred) == (False, True)
    assert (transferred.offered_at, transferred.answered_at, transferred.ended_at) == (
        t(1543938919),
        t(1543938925),  # wait 6 s (htime)
        t(1543938963),  # talk 38 s (ttime)
    )
    assert (transferred.agent, transferred.talk_seconds, transferred.outcome) == ("Agent/1128", 38, "answered")


def test_pbxware_export_counts_match_its_readme():
    rows = parse(real("pbxware_voipreports1_2018.queue_log"))
    calls = list(contacts(rows).values())
    # README: 108 queued calls = 89 completed, 12 abandoned, 1 timeout, 2 transferred, 4 open
    assert len([c for c in calls if c.outcome == "answered" and not c.transferred]) == 89
    assert len([c for c in calls if c.transferred]) == 2
    abandoned = [c for c in calls if c.outcome == "abandoned"]
    assert len(abandoned) == 12 + 1
    timeout = contacts(rows)["1543860451.3324"]  # the EXITWITHTIMEOUT: 300 s in the queue
    assert timeout.ended_at - timeout.offered_at == dt.timedelta(seconds=300)
    open_calls = [r for r in rows if isinstance(r, RowError)]
    assert len(open_calls) == 4 and all("no completion event" in r.message for r in open_calls)
    assert_no_overlap(rows)
    assert {r.agent for r in rows if isinstance(r, ActivityRow)} == {
        "Agent/1109",
        "Agent/1126",
        "Agent/1127",
        "Agent/1128",
        "Agent/1141",
        "Agent/1144",
    }


def test_pbxware_logged_in_time_agrees_with_every_logoff_row():
    """Each AGENTCALLBACKLOGOFF row carries the seconds the agent was logged in (param2):
    the intervals computed from the other rows add up to exactly that, for all ten."""
    text = real("pbxware_voipreports1_2018.queue_log")
    by_agent = defaultdict(list)
    for r in parse(text):
        if isinstance(r, ActivityRow):
            by_agent[r.agent].append((r.start.timestamp(), r.end.timestamp()))
    logoffs = [ln.split(",") for ln in text.splitlines() if ",AGENTCALLBACKLOGOFF," in ln]
    assert len(logoffs) == 10
    for cells in logoffs:
        agent, at, logged_in = cells[4], int(cells[1]), int(cells[7])
        start = at - logged_in
        inside = sum(min(e, at) - max(s, start) for s, e in by_agent[agent] if s < at and e > start)
        assert inside == logged_in, (agent, at)


def test_asterisk_20_attended_transfer_under_the_consultation_callid():
    """Issue #759: the ATTENDEDTRANSFER line carries the consultation call's id; the caller
    then shows up under its own id in queue 1509."""
    rows = parse(real("asterisk_issue759_attendedtransfer.queue_log"))
    first, second = contacts(rows)["1717397243.239826"], contacts(rows)["1717397390.239830"]
    # first leg: ENTERQUEUE 1717397259, CONNECT 1717397271 (hold 12), transfer 1717397391 (talk 120)
    assert (first.queue, first.agent, first.transferred, first.customer_id) == (
        "1501",
        "PJSIP/7009",
        True,
        "5550000002",
    )
    assert (first.offered_at, first.answered_at, first.ended_at, first.talk_seconds) == (
        t(1717397259),
        t(1717397271),
        t(1717397391),
        120,
    )
    # second leg: the consultation's ENTERQUEUE in 1509 at 1717397390, CONNECT 1717397397
    # (hold 7 = 1717397397 - 1717397390), COMPLETEAGENT 1717397570 (talk 173); the caller's number
    assert (second.queue, second.agent, second.transferred, second.customer_id) == (
        "1509",
        "PJSIP/7051",
        False,
        "5550000002",
    )
    assert (second.offered_at, second.answered_at, second.ended_at, second.talk_seconds) == (
        t(1717397390),
        t(1717397397),
        t(1717397570),
        173,
    )
    assert not [r for r in rows if isinstance(r, RowError)]
    got = intervals(rows)
    assert ("PJSIP/7009", "on_contact", 1717397271, 1717397391, "") in got
    assert ("PJSIP/7051", "on_contact", 1717397397, 1717397570, "") in got


def test_qpanel_pause_with_a_display_name_is_that_agents_lunch():
    line = real("qpanel_issue39_pause_membername.queue_log").strip()
    assert line == "1455031982|NONE|9999|JASON SMITH|PAUSE|LUNCHBREAK"
    rows = parse(line + "\n1455033782|NONE|9999|JASON SMITH|UNPAUSE|\n")  # 30 min later
    assert intervals(rows) == [("JASON SMITH", "lunch", 1455031982, 1455033782, "LUNCHBREAK")]


def test_definitive_guide_members_of_two_queues():
    rows = parse(real("asterisk_definitive_guide_3e.queue_log"))
    agent = "Local/9990@MemberConnector"
    assert intervals([r for r in rows if getattr(r, "agent", "") == agent]) == [
        (agent, "on_contact", 1292281048, 1292284121, ""),  # CONNECT -> COMPLETECALLER (talk 3073)
        (agent, "ready", 1292284121, 1292284222, ""),  # until REMOVEMEMBER from 7100 and 7200
        (agent, "ready", 1292284491, 1292284521, ""),  # ADDMEMBER again -> the next CONNECT
        # removed from both queues during the call: still on it until the last line
        (agent, "on_contact", 1292284521, 1292284552, ""),
    ]
    call = contacts(rows)["psy1-1292281041.87"]
    assert (call.talk_seconds, call.missed_by) == (3073, ["Local/9996@MemberConnector"])


def test_asterisk_1_4_connect_without_ringtime():
    rows = parse(real("daredevinx_asteriskreport_2010.queue_log"))
    calls = contacts(rows)
    assert len([c for c in calls.values() if c.outcome == "answered"]) == 7
    assert len([c for c in calls.values() if c.outcome == "abandoned"]) == 12
    first = calls["1266833905.2"]  # CONNECT|1|1266833911.7: hold 1, no third field
    assert (first.answered_at - first.offered_at, first.talk_seconds) == (dt.timedelta(seconds=1), 3)
    assert len([r for r in rows if isinstance(r, RowError)]) == 2  # the cut-off file's two open calls
    assert_no_overlap(rows)


def test_wazo_psql_table_is_read():
    rows = parse(real("wazo_doc_queue_log_table.queue_log"))
    login = [r for r in rows if isinstance(r, ActivityRow) and r.state == "ready"]
    # AGENTCALLBACKLOGIN 15:27:23.896208 -> AGENTCALLBACKLOGOFF 15:28:06.249357 (it reports 43 s)
    assert [(r.agent, round((r.end - r.start).total_seconds())) for r in login] == [("Agent/3001", 42)]
    calls = contacts(rows)
    assert calls["1341401851.34"].talk_seconds == 12
    assert calls["1341402586.51"].outcome == "abandoned"
    assert calls["1341402586.51"].ended_at - calls["1341402586.51"].offered_at == dt.timedelta(seconds=6)


def test_another_csv_is_refused_naming_the_forms_read():
    with pytest.raises(FileUnreadable, match="PBXware CSV export"):
        parse("time,callid,queue,agent,event\n1,2,3,4,5\n")


# -- what the samples lack: synthetic lines -------------------------------------------------

# alice.a's Monday 2 March 2026 (Europe/Berlin, 08:00 = 1772434800), Asterisk >= 12 agent login
SHIFT = """\
1772434800|1772434790.1|NONE|alice.a|AGENTLOGIN|PJSIP/201-00000001
1772435400|c2|support|NONE|ENTERQUEUE||5551234|1
1772435405|c2|support|bob.b|RINGNOANSWER|5000
1772435420|c2|support|alice.a|CONNECT|20|1772435420.3|15
1772435720|c2|support|alice.a|COMPLETECALLER|20|300|1
1772438400|NONE|support|alice.a|PAUSE|Coffee break
1772439300|NONE|support|alice.a|UNPAUSE|
1772440000|c3|support|NONE|ENTERQUEUE||5559876|1
1772440010|c3|support|alice.a|CONNECT|10|1772440010.4|3
1772440100|NONE|support|alice.a|PAUSE|Wrap-up
1772440190|c3|support|alice.a|COMPLETEAGENT|10|180|1
1772440250|NONE|support|alice.a|UNPAUSE|
1772449200|NONE|NONE|alice.a|PAUSEALL|Lunch
1772451000|NONE|NONE|alice.a|UNPAUSEALL|
1772463600|1772434790.1|NONE|alice.a|AGENTLOGOFF|PJSIP/201-00000001|28800
"""
SHIFT_INTERVALS = [
    ("alice.a", "ready", 1772434800, 1772435420, ""),  # 08:00 login -> 08:10:20 CONNECT
    ("alice.a", "on_contact", 1772435420, 1772435720, ""),  # talk 300
    ("alice.a", "ready", 1772435720, 1772438400, ""),
    ("alice.a", "break", 1772438400, 1772439300, "Coffee break"),  # 09:00-09:15
    ("alice.a", "ready", 1772439300, 1772440010, ""),
    ("alice.a", "on_contact", 1772440010, 1772440190, ""),  # paused during the call: still on it
    ("alice.a", "not_ready", 1772440190, 1772440250, "Wrap-up"),  # then in the pause, not ready
    ("alice.a", "ready", 1772440250, 1772449200, ""),
    ("alice.a", "lunch", 1772449200, 1772451000, "Lunch"),  # PAUSEALL 12:00-12:30
    ("alice.a", "ready", 1772451000, 1772463600, ""),  # until the 16:00 AGENTLOGOFF
]


def test_a_long_shift_with_pauses_agentlogin_form():
    rows = parse(SHIFT)
    got = [i for i in intervals(rows) if i[0] == "alice.a"]
    assert got == SHIFT_INTERVALS
    assert sum(e - s for _, _, s, e, _ in got) == 28800  # AGENTLOGOFF's logintime
    assert contacts(rows)["c2"].missed_by == ["bob.b"]


def test_a_member_of_two_queues_is_logged_in_until_removed_from_both():
    rows = parse(
        "1000|MANAGER|q1|SIP/ana|ADDMEMBER|\n"
        "1000|MANAGER|q2|SIP/ana|ADDMEMBER|\n"
        "1600|MANAGER|q1|SIP/ana|REMOVEMEMBER|\n"
        "1900|MANAGER|q2|SIP/ana|REMOVEMEMBER|\n"
        "2500|MANAGER|q1|SIP/ana|ADDMEMBER|PAUSED\n"
        "2600|NONE|q1|SIP/ana|UNPAUSE|\n"
        "2700|MANAGER|q1|SIP/ana|REMOVEMEMBER|\n"
    )
    assert intervals(rows) == [
        ("SIP/ana", "ready", 1000, 1900, ""),
        ("SIP/ana", "not_ready", 2500, 2600, ""),  # added paused, no reason
        ("SIP/ana", "ready", 2600, 2700, ""),
    ]


def test_pauseall_then_per_queue_unpauses_and_an_unknown_agents_pauseall():
    rows = parse(
        "1000|MANAGER|q1|SIP/ana|ADDMEMBER|\n"
        "1100|NONE|q1|SIP/ana|PAUSE|Training\n"
        "1100|NONE|NONE|SIP/ana|PAUSEALL|Training\n"
        "1400|NONE|q1|SIP/ana|UNPAUSE|\n"
        "1400|NONE|NONE|SIP/ana|UNPAUSEALL|\n"
        "1500|NONE|NONE|SIP/nobody|PAUSEALL|Lunch\n"  # not logged in: no state of its own
        "1600|MANAGER|q1|SIP/ana|REMOVEMEMBER|\n"
    )
    assert intervals(rows) == [
        ("SIP/ana", "ready", 1000, 1100, ""),
        ("SIP/ana", "training", 1100, 1400, "Training"),
        ("SIP/ana", "ready", 1400, 1600, ""),
    ]


def test_lines_out_of_time_order_never_make_intervals_overlap():
    rows = parse(
        "1000|MANAGER|q1|ana|ADDMEMBER|\n"
        "1100|c1|q1|ana|CONNECT|5|x|1\n"
        "1090|NONE|q1|ana|PAUSE|Auto-Pause\n"  # a second writer's clock behind
        "1200|c1|q1|ana|COMPLETEAGENT|5|100|1\n"
        "1150|NONE|q1|ana|UNPAUSE|\n"
        "1300|MANAGER|q1|ana|REMOVEMEMBER|\n"
    )
    assert_no_overlap(rows)
    assert intervals(rows)[:2] == [("ana", "ready", 1000, 1100, ""), ("ana", "on_contact", 1100, 1200, "")]


def test_a_call_queued_again_after_it_ended_is_a_second_contact():
    rows = parse(
        "1000|c1|sales|NONE|ENTERQUEUE||555|1\n"
        "1060|c1|sales|NONE|EXITWITHTIMEOUT|1|1|60\n"
        "1060|c1|support|NONE|ENTERQUEUE||555|1\n"  # overflow to another queue
        "1070|c1|support|ana|CONNECT|10|x|1\n"
        "1170|c1|support|ana|COMPLETEAGENT|10|100|1\n"
    )
    calls = contacts(rows)
    assert (calls["c1"].outcome, calls["c1"].queue) == ("abandoned", "sales")
    assert (calls["c1#2"].outcome, calls["c1#2"].queue, calls["c1#2"].talk_seconds) == ("answered", "support", 100)


def test_attended_transfer_link_form_reads_hold_and_talk_after_the_two_channels():
    rows = parse(
        "1000|c1|q|NONE|ENTERQUEUE||555|1\n"
        "1012|c1|q|ana|CONNECT|12|x|3\n"
        "1132|c1|q|ana|ATTENDEDTRANSFER|LINK|PJSIP/a-1|PJSIP/b-2|12|120|1\n"
    )
    call = contacts(rows)["c1"]
    assert (call.talk_seconds, call.transferred, call.answered_at) == (120, True, t(1012))


@pytest.mark.parametrize(
    "reason, state",
    [
        ("LUNCHBREAK", "lunch"),
        ("Lunch", "lunch"),
        ("coffee break", "break"),
        ("Break", "break"),
        ("Team meeting", "meeting"),
        ("training", "training"),
        ("Auto-Pause", "not_ready"),
        ("", "not_ready"),
    ],
)
def test_pause_reason_to_state(reason, state):
    assert pause_state(reason) == state


def test_every_line_still_logged_in_at_the_end_is_one_warning():
    rows = parse("1000|MANAGER|q1|ana|ADDMEMBER|\n1600|c1|q1|NONE|ENTERQUEUE||5|1\n1700|c1|q1|NONE|ABANDON|1|1|100\n")
    assert intervals(rows) == [("ana", "ready", 1000, 1700, "")]  # ends at the file's last line
    (warning,) = [r for r in rows if isinstance(r, RowWarning) and r.field == "agent"]
    assert "ana (ready)" in warning.message


# -- an Asterisk center's KPIs ------------------------------------------------------------

SCHEDULE = """agent,activity,start,end
alice.a,work,2026-03-02T08:00:00,2026-03-02T12:00:00
alice.a,lunch,2026-03-02T12:00:00,2026-03-02T12:30:00
alice.a,work,2026-03-02T12:30:00,2026-03-02T16:00:00
"""


def test_occupancy_availability_and_adherence_of_an_asterisk_center(tenants, people, in_tenant):
    from interactions.services import import_stream
    from scorecards.engine import recompute
    from scorecards.models import KpiSnapshot

    in_tenant(tenants.alpha)
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    for kind, text in (("asterisk_queue_log", SHIFT), ("schedule", SCHEDULE)):
        summary = import_stream(kind=kind, stream=io.BytesIO(text.encode()), tz=berlin).as_dict()
        assert summary["rejected"] == 0, summary["errors"]
    recompute()

    def day(code):
        return KpiSnapshot.objects.get(
            kpi=code, scope="agent", key="alice.a", period="day", period_start=dt.date(2026, 3, 2)
        ).value

    # on_contact 300 + 180 = 480 s; ready 620 + 2,680 + 710 + 8,950 + 12,600 = 25,560 s
    assert day("occupancy") == pytest.approx(100 * 480 / (480 + 25560))
    assert day("availability") == pytest.approx(100 * 25560 / 28800)  # logged in 08:00-16:00
    # work 08:00-12:00 less the unscheduled break (900 s) and wrap-up pause (60 s), the
    # lunch matched by the "Lunch" pause (1,800 s), work 12:30-16:00 all ready: 27,840 of 28,800
    assert day("adherence") == pytest.approx(100 * 27840 / 28800)
