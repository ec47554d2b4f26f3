"""Imports through the one service every path uses: idempotent, lossless, line-numbered."""

import io
import zoneinfo

import pytest

from accounts.models import Agent
from interactions.models import AgentActivity, Interaction, InteractionType, Queue
from interactions.services import import_stream
from surveys.models import SurveyResponse

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HEADER = (
    "external_id,channel,queue,interaction_type,agent,customer_id,offered_at,answered_at,"
    "ended_at,talk_seconds,hold_seconds,acw_seconds,outcome,transferred,resolved\n"
)
GOOD = [
    "c1,voice,Billing,billing,ag.one,C1,2026-03-02T09:00:00,2026-03-02T09:00:30,"
    "2026-03-02T09:05:30,280,20,40,answered,false,true\n",
    "c2,chat,Tech,tech_support,ag.two,C2,2026-03-02T10:00:00,2026-03-02T10:01:00,"
    "2026-03-02T10:11:00,600,0,60,answered,true,\n",
    "c3,voice,Billing,,,C3,2026-03-02T11:00:00,,2026-03-02T11:00:45,,,,abandoned,,\n",
]


def run(kind, text, tz=BERLIN):
    data = text.encode() if isinstance(text, str) else text
    return import_stream(kind=kind, stream=io.BytesIO(data), tz=tz).as_dict()


@pytest.fixture
def alpha(tenants, in_tenant):
    return in_tenant(tenants.alpha)


def test_canonical_rows_land_with_their_derived_fields(alpha):
    summary = run("interactions", HEADER + "".join(GOOD))
    assert summary == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0, "errors": [], "warnings": []}
    c1 = Interaction.objects.get(external_id="c1")
    assert c1.offered_at.isoformat() == "2026-03-02T08:00:00+00:00"  # Berlin is UTC+1 in March
    assert (c1.handle_seconds, c1.wait_seconds, c1.agent.acd_login) == (340, 30.0, "ag.one")
    c3 = Interaction.objects.get(external_id="c3")
    assert (c3.outcome, c3.wait_seconds, c3.agent) == ("abandoned", 45.0, None)
    # queues, types and agents are created on first sight
    assert set(Queue.objects.values_list("name", flat=True)) == {"Billing", "Tech"}
    assert set(InteractionType.objects.values_list("name", flat=True)) == {"billing", "tech_support"}
    assert set(Agent.objects.values_list("acd_login", flat=True)) >= {"ag.one", "ag.two"}


def test_same_file_twice_is_all_unchanged_and_a_correction_updates(alpha):
    run("interactions", HEADER + "".join(GOOD))
    assert run("interactions", HEADER + "".join(GOOD))["unchanged"] == 3
    corrected = GOOD[0].replace(",280,20,40,", ",281,20,40,")
    summary = run("interactions", HEADER + corrected + GOOD[1] + GOOD[2])
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 2)
    assert Interaction.objects.get(external_id="c1").talk_seconds == 281


BAD_ROWS = [
    # (row, field, fragment of the reason)
    (",voice,,,,,2026-03-02T09:00:00,,,,,,abandoned,,\n", "external_id", "required"),
    ("b1,voice,,,,,,,,,,,abandoned,,\n", "offered_at", "required"),
    ("b1,voice,,,,,yesterday,,,,,,abandoned,,\n", "offered_at", "yesterday"),
    ("b1,pigeon,,,,,2026-03-02T09:00:00,,,,,,abandoned,,\n", "channel", "pigeon"),
    ("b1,voice,,,a,,2026-03-02T09:00:00,2026-03-02T08:59:00,,,,,answered,,\n", "answered_at", "before"),
    ("b1,voice,,,a,,2026-03-02T09:00:00,2026-03-02T09:01:00,2026-03-02T09:00:30,,,,answered,,\n", "ended_at", "before"),
    ("b1,voice,,,a,,2026-03-02T09:00:00,2026-03-02T09:01:00,,,,,abandoned,,\n", "outcome", "answered_at"),
    ("b1,voice,,,,,2026-03-02T09:00:00,,,,,,answered,,\n", "outcome", "answered_at"),
    ("b1,voice,,,a,,2026-03-02T09:00:00,2026-03-02T09:01:00,,-5,,,answered,,\n", "talk_seconds", "-5"),
    ("b1,voice,,,a,,2026-03-02T09:00:00,2026-03-02T09:01:00,,abc,,,answered,,\n", "talk_seconds", "abc"),
    ("b1,voice,,,a,,2026-03-02T09:00:00,2026-03-02T09:01:00,,,x,,answered,,\n", "hold_seconds", "x"),
    ("b1,voice,,,,,2026-03-02T09:00:00,,,,,,vanished,,\n", "outcome", "vanished"),
    ("b1,voice,,,,,2026-03-02T09:00:00,,,,,,abandoned,perhaps,\n", "transferred", "perhaps"),
]


@pytest.mark.parametrize("row,field,reason", BAD_ROWS, ids=[b[1] + ":" + b[2] for b in BAD_ROWS])
def test_each_bad_row_gets_one_line_numbered_error_and_good_rows_land(alpha, row, field, reason):
    summary = run("interactions", HEADER + GOOD[0] + row + GOOD[1])
    assert summary["created"] == 2 and summary["rejected"] == 1
    [error] = summary["errors"]
    assert error["line"] == 3 and error["field"] == field
    assert reason.lower() in error["message"].lower()
    assert set(Interaction.objects.values_list("external_id", flat=True)) == {"c1", "c2"}


def test_unknown_columns_are_reported_once_as_a_warning(alpha):
    text = HEADER.replace("\n", ",mood\n") + GOOD[0].replace("\n", ",sunny\n")
    summary = run("interactions", text)
    assert summary["created"] == 1
    [warning] = summary["warnings"]
    assert (warning["line"], warning["field"]) == (1, "mood") and "ignored" in warning["message"]


def test_activity_overlapping_an_earlier_import_is_rejected_naming_it(alpha):
    first = "agent,state,start,end\nag.one,ready,2026-03-02T09:00:00,2026-03-02T09:30:00\n"
    assert run("activity", first)["created"] == 1
    second = (
        "agent,state,start,end\n"
        "ag.one,on_contact,2026-03-02T09:20:00,2026-03-02T09:40:00\n"
        "ag.one,acw,2026-03-02T09:40:00,2026-03-02T09:45:00\n"
    )
    summary = run("activity", second)
    assert summary["created"] == 1 and summary["rejected"] == 1
    [error] = summary["errors"]
    assert error["line"] == 2 and "overlaps" in error["message"]
    assert AgentActivity.objects.count() == 2


@pytest.mark.parametrize(
    "start,end,overlaps",
    [
        ("08:50", "09:05", True),  # reaches into the stored interval from before
        ("09:10", "09:20", True),  # inside it
        ("08:30", "10:30", True),  # around it
        ("09:55", "10:05", True),  # into the next stored one
        ("09:30", "09:45", False),  # the gap between the two, edge to edge
        ("08:00", "09:00", False),  # ends as the first begins
    ],
)
def test_activity_overlap_check_against_stored_neighbours(alpha, start, end, overlaps):
    stored = (
        "agent,state,start,end\n"
        "ag.one,ready,2026-03-02T09:00:00,2026-03-02T09:30:00\n"
        "ag.one,ready,2026-03-02T09:45:00,2026-03-02T10:15:00\n"
    )
    assert run("activity", stored)["created"] == 2
    summary = run("activity", f"agent,state,start,end\nag.one,break,2026-03-02T{start}:00,2026-03-02T{end}:00\n")
    assert summary["rejected"] == (1 if overlaps else 0)
    assert summary["created"] == (0 if overlaps else 1)


def test_reimporting_and_moving_intervals_is_not_an_overlap(alpha):
    text = (
        "agent,state,start,end\n"
        "ag.one,ready,2026-03-02T09:00:00,2026-03-02T09:30:00\n"
        "ag.one,on_contact,2026-03-02T09:30:00,2026-03-02T09:40:00\n"
    )
    assert run("activity", text)["created"] == 2
    assert run("activity", text)["unchanged"] == 2
    # the first interval shrinks (same key) and a break fills the time it freed
    moved = (
        "agent,state,start,end\n"
        "ag.one,ready,2026-03-02T09:00:00,2026-03-02T09:20:00\n"
        "ag.one,break,2026-03-02T09:20:00,2026-03-02T09:30:00\n"
    )
    summary = run("activity", moved)
    assert summary["rejected"] == 0, summary["errors"]
    assert summary["updated"] == 1 and summary["created"] == 1


def test_survey_response_for_unknown_interaction_is_rejected_and_others_land(alpha):
    run("interactions", HEADER + "".join(GOOD))
    text = (
        "interaction_external_id,survey,score,responded_at,comment\n"
        "c1,csat,5,2026-03-02T12:00:00,great\n"
        "nope,csat,4,2026-03-02T12:00:00,\n"
        "c2,nps,11,2026-03-02T12:00:00,\n"
    )
    summary = run("survey_responses", text)
    assert summary["created"] == 1 and summary["rejected"] == 2
    assert [(e["line"], e["field"]) for e in summary["errors"]] == [(3, "interaction_external_id"), (4, "score")]
    assert SurveyResponse.objects.get().comment == "great"
    assert run("survey_responses", text)["unchanged"] == 1
