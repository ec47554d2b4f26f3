"""Survey definitions (admins) and results, comments and CSV export (managers: their teams)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Agent
from surveys.models import DEFAULT_QUESTIONS, Survey, SurveyInvitation

from .test_customer_api import survey
from .test_customer_follow_ups import answer


def test_admin_defines_a_survey_with_the_default_question_and_deactivates_it(tenants, people, web, in_tenant):
    client = web(tenants.alpha, people.ada)
    response = client.post(
        "/surveys/",
        {
            "kind": "nps",
            "name": "After chat",
            "question": "",
            "follow_up_question": "Why?",
            "languages": "en, de",
            "question_de": "Würden Sie uns weiterempfehlen?",
            "follow_up_question_de": "Warum?",
            "sample_pct": "25",
            "sample_pct_by_channel": '{"chat": 50}',
            "sample_pct_by_queue": "{}",
            "cooldown_days": "30",
            "link_valid_days": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()
    nps = Survey.objects.get()
    assert (nps.question, nps.languages, nps.sample_pct_by_channel) == (DEFAULT_QUESTIONS["nps"], "en,de", {"chat": 50})
    assert "After chat" in client.get("/surveys/").content.decode()
    bad = client.post(
        f"/surveys/{nps.pk}/",
        {
            "name": "x",
            "languages": "english!",
            "sample_pct": "120",
            "sample_pct_by_channel": '{"chat": 500}',
            "sample_pct_by_queue": "{}",
            "cooldown_days": "1",
            "link_valid_days": "1",
        },
    )
    assert bad.status_code == 200 and bad.content.decode().count('class="error"') >= 3
    client.post(f"/surveys/{nps.pk}/active/")
    nps.refresh_from_db()
    assert not nps.is_active
    for user in (people.mona, people.alice):
        assert web(tenants.alpha, user).get("/surveys/").status_code == 403


@pytest.fixture
def scored(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    csat = survey("csat")
    a = answer("n-1", "csat", 5, comment="=HYPERLINK(evil)")
    answer("n-2", "csat", 2, comment="Too slow")
    answer("s-1", "csat", 1, agent="bob.b", comment="South secret")
    SurveyInvitation.objects.create(survey=csat, interaction=a.interaction, token="a" * 43, expires_at=a.responded_at)
    a.invitation = SurveyInvitation.objects.get()
    a.source = "link"
    a.save()


def test_mona_sees_her_team_and_the_unnamed_tenant_figure(tenants, people, web, scored):
    page = web(tenants.alpha, people.mona).get("/surveys/results/?kind=csat&group_by=agent")
    html = page.content.decode()
    assert page.status_code == 200
    assert "alice.a" in html and "bob.b" not in html
    assert 'id="survey-chart-data"' in html
    summary = html[html.index('id="survey-summary"') : html.index("</dl>")]
    assert "50%" in summary  # North: one of two satisfied
    assert "33%" in summary  # the whole contact center, one of three
    assert "100%" in summary  # response rate: the one invitation was answered


def test_results_queries_do_not_grow_with_groups(tenants, people, web, scored):
    client = web(tenants.alpha, people.ada)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/surveys/results/?group_by=agent").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for login in ("carol.c", "dan.d", "eve.e"):
        Agent.objects.create(acd_login=login, team=people.north)
        answer(f"{login}-1", "csat", 4, agent=login)
    assert count() == before


def test_comments_and_csv_are_scoped_and_filtered(tenants, people, web, scored):
    mona = web(tenants.alpha, people.mona)
    comments = mona.get("/surveys/results/comments/?kind=csat&score_max=2").content.decode()
    assert "Too slow" in comments and "HYPERLINK" not in comments and "South secret" not in comments
    export = mona.get("/surveys/results/export.csv?kind=csat")
    body = b"".join(export.streaming_content).decode()
    assert export["Content-Type"].startswith("text/csv")
    assert "n-1" in body and "n-2" in body and "s-1" not in body and "South secret" not in body
    assert "'=HYPERLINK(evil)" in body  # not a live formula in a spreadsheet
    ada_body = b"".join(web(tenants.alpha, people.ada).get("/surveys/results/export.csv").streaming_content).decode()
    assert "South secret" in ada_body
    # Max cannot filter his way into North's answers.
    max_body = b"".join(
        web(tenants.alpha, people.max).get("/surveys/results/export.csv?team=North").streaming_content
    ).decode()
    assert "n-1" not in max_body


def test_agents_cannot_read_results(tenants, people, web, scored):
    alice = web(tenants.alpha, people.alice)
    for url in ("/surveys/results/", "/surveys/results/comments/", "/surveys/results/export.csv"):
        assert alice.get(url).status_code == 403
