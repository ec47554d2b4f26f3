"""The weekly digest lists the team's recognitions of the week: public kudos and shared
milestones, one by one in time order, of the manager's own teams only; sent through a real
SMTP server (aiosmtpd)."""

import datetime as dt

from coaching.digest_send import digest_render, digest_send_week
from recognition.models import Kudos
from recognition.selectors import team_recognitions
from recognition.services import kudos_give
from tests.coaching.test_digest_smtp import body, smtp  # noqa: F401 - the SMTP server fixture
from tests.recognition.helpers import agent_of, milestone, teammate

WEEK = dt.date(2026, 3, 9)  # Monday; Berlin is UTC+1 that week
IN_WEEK = dt.datetime(2026, 3, 11, 9, tzinfo=dt.UTC)


def given(giver, receiver, *, at=IN_WEEK, **fields):
    kudos = kudos_give(giver=giver, receiver=agent_of(receiver), **fields)
    Kudos.objects.filter(pk=kudos.pk).update(created_at=at)
    return kudos


def seed(people):
    carl = teammate(people.north)
    given(people.mona, people.alice, behaviour="empathy", message="Patient with a confused caller")
    given(carl, people.alice, behaviour="helped_teammate", message="Secret thanks", visibility="private")
    given(people.mona, people.alice, behaviour="stayed_calm", message="Last week", at=IN_WEEK - dt.timedelta(days=7))
    # Sunday 23:30 Berlin is still the week; Monday 00:30 Berlin is the next one
    given(
        people.mona,
        people.alice,
        behaviour="owned_it",
        message="Sunday night",
        at=dt.datetime(2026, 3, 15, 22, 30, tzinfo=dt.UTC),
    )
    given(
        people.mona,
        people.alice,
        behaviour="owned_it",
        message="Next Monday",
        at=dt.datetime(2026, 3, 15, 23, 30, tzinfo=dt.UTC),
    )
    given(people.max, people.bob, behaviour="explained_clearly", message="Bob explained")
    milestone(people.alice, key="shared", length=12, at=IN_WEEK + dt.timedelta(hours=1))
    milestone(people.alice, kind="qa_streak", key="hidden", private=True, length=6, at=IN_WEEK)


def test_team_recognitions_are_the_public_ones_of_the_managers_teams_in_the_week(people):
    seed(people)
    items = team_recognitions(manager=people.mona, since=WEEK, until=WEEK + dt.timedelta(days=6))
    described = [(i.team.name, i.kudos.message if i.kudos else i.milestone.describe()) for i in items]
    assert described == [
        ("North", "Patient with a confused caller"),
        ("North", "12 top CSAT answers in a row"),
        ("North", "Sunday night"),
    ]
    assert [i.kudos.message for i in team_recognitions(manager=people.max, since=WEEK, until=WEEK)] == []
    bobs = team_recognitions(manager=people.max, since=WEEK, until=WEEK + dt.timedelta(days=6))
    assert [i.kudos.message for i in bobs] == ["Bob explained"]


def test_the_digest_lists_the_teams_recognitions_without_counting_anyone(people):
    seed(people)
    _, text, html = digest_render(user=people.mona, kind="manager", week_start=WEEK)
    section = text[text.index("Kudos and milestones") : text.index("May need a coaching conversation")]
    assert '- Alice: kudos from mona (Showed empathy): "Patient with a confused caller"' in section
    assert "- Alice: Run of top CSAT answers, 12 top CSAT answers in a row" in section
    assert "Secret thanks" not in text and "QA streak" not in text and "Bob" not in text
    assert "Last week" not in text and "Next Monday" not in text
    assert "http://alpha.localhost:8000/recognition/team/" in section
    assert "<h3>Kudos and milestones</h3>" in html and "Patient with a confused caller" in html


def test_a_week_without_recognitions_says_so(people):
    _, text, _ = digest_render(user=people.max, kind="manager", week_start=WEEK)
    assert "- No kudos or shared milestones this week." in text


def test_the_sent_digest_carries_the_recognitions(people, smtp):  # noqa: F811 - the fixture
    seed(people)
    assert digest_send_week(week_start=WEEK)["sent"] == 2
    by_to = {m["To"]: m for m in smtp.messages}
    assert "Patient with a confused caller" in body(by_to["mona@alpha.test"])
    assert "Patient with a confused caller" not in body(by_to["max@alpha.test"])
    assert "Bob explained" in body(by_to["max@alpha.test"], "html")
