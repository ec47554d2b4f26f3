"""The survey answer's short path (bench/surveys.py): one lookup, one write, and a KPI recompute
asked for only when the pending one does not already cover the contact's day."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.cache import FailOpenRedisCache, count_in_window
from common.devservers import redis_url
from scorecards.models import KpiRecomputeRequest
from scorecards.recompute_requests import PENDING_COVERS_DAY_SQL, kpi_recompute_request, pending_covers_day_params
from surveys.models import FollowUp, SurveyResponse
from surveys.selectors import invitation_for_token
from surveys.services import invitation_get_or_create, response_submit
from tests.conftest import recompute_reasons
from tests.factories import InteractionFactory

from .test_customer_api import survey

BERLIN = dt.timezone(dt.timedelta(hours=1))  # alpha is Europe/Berlin; these days are in winter
DAY = dt.date(2026, 1, 14)


def contact_on(day: dt.date, name: str):
    offered = dt.datetime.combine(day, dt.time(10), tzinfo=BERLIN)
    return InteractionFactory(external_id=name, offered_at=offered, answered_at=offered)


@pytest.fixture
def invite(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    csat = survey(
        "csat", follow_up_question="Why?", languages="en,de", translations={"de": {"question": "Wie war es?"}}
    )

    def make(day: dt.date = DAY):
        return invitation_get_or_create(survey=csat, interaction=contact_on(day, f"fast-{uuid.uuid4()}"))[0]

    return make


def answer(invitation, django_capture_on_commit_callbacks, score=4) -> tuple[int | None, list[str]]:
    """Answer through the view's lookup; the recompute reasons asked for on commit (not run)."""
    with django_capture_on_commit_callbacks() as callbacks:
        response_id = response_submit(invitation=invitation_for_token(invitation.token), score=score)
    return response_id, recompute_reasons(callbacks)


def pending_row(**fields) -> KpiRecomputeRequest:
    """The pending row the first answer of DAY leaves (what kpi_recompute_request writes)."""
    kpi_recompute_request(since=DAY, until=DAY, reason="survey", delay_seconds=60)
    row = KpiRecomputeRequest.objects.get(state="pending")
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def test_the_first_answer_of_a_day_asks_for_a_recompute_and_the_next_ones_find_it_pending(
    invite, django_capture_on_commit_callbacks
):
    first, second, third = invite(), invite(), invite()
    response_id, asked = answer(first, django_capture_on_commit_callbacks)
    assert response_id is not None and asked == ["survey"]
    pending_row()
    with CaptureQueriesContext(connection) as queries:
        response_id, asked = answer(second, django_capture_on_commit_callbacks)
    # the lookup and the one write: no transaction, no locked read-merge-write of the request
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT", "WITH"]
    assert asked == [] and SurveyResponse.objects.get(pk=response_id).invitation_id == second.pk
    # a low score: its follow-up is written, and the recompute is still covered
    response_id, asked = answer(third, django_capture_on_commit_callbacks, score=1)
    assert asked == [] and FollowUp.objects.filter(response_id=response_id).exists()
    # a second submit stores nothing and asks nothing
    assert answer(third, django_capture_on_commit_callbacks, score=5) == (None, [])
    assert SurveyResponse.objects.filter(invitation=third).get().score == 1


@pytest.mark.parametrize(
    "pending",
    [
        {"since": DAY + dt.timedelta(days=1)},  # another day
        {"until": DAY - dt.timedelta(days=1)},
        {"changed_since": dt.datetime(2026, 1, 14, tzinfo=dt.UTC)},  # merging would widen it
        {"reasons": "import"},  # merging would add "survey"
        {"due_at_in": dt.timedelta(hours=2)},  # the answer wants it sooner
        {"due_at_in": -dt.timedelta(hours=2)},  # its message was most likely lost: send it again
        {"state": "running"},  # claimed: its run may not see the answer
    ],
)
def test_an_answer_asks_for_a_recompute_whenever_merging_it_would_change_the_pending_one(
    invite, django_capture_on_commit_callbacks, pending
):
    if "due_at_in" in pending:
        pending = {"due_at": timezone.now() + pending.pop("due_at_in")}
    pending_row(**pending)
    assert answer(invite(), django_capture_on_commit_callbacks)[1] == ["survey"]


def test_open_ended_pending_recomputes_cover_any_day(invite, django_capture_on_commit_callbacks):
    pending_row(since=None, until=None)
    assert answer(invite(dt.date(2025, 7, 1)), django_capture_on_commit_callbacks)[1] == []


def _raw_connection(schema: str) -> psycopg.Connection:
    settings = connection.settings_dict
    raw = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )
    raw.execute(f'SET search_path = "{schema}"')
    raw.execute("SET lock_timeout = '10s'")
    return raw


def test_a_claim_waits_for_an_answer_its_pending_row_covers_and_a_claimed_row_covers_no_answer(tenants):
    """What makes skipping the request safe: the worker's claim (FOR UPDATE, as _claim) cannot
    turn the row to running before the answer's transaction commits, so its run sees the
    answer; an answer arriving during a claim finds no pending row once the claim commits."""
    worker, answering = _raw_connection(tenants.alpha.schema_name), _raw_connection(tenants.alpha.schema_name)
    params = pending_covers_day_params(day=DAY, reason="survey", delay_seconds=60)
    try:
        worker.execute(
            "INSERT INTO scorecards_kpirecomputerequest (state, since, until, reasons, token, due_at, requested_at,"
            " attempts) VALUES ('pending', %s, %s, 'survey', %s, now() + interval '60 seconds', now(), 0)",
            [DAY, DAY, uuid.uuid4()],
        )
        with answering.transaction():
            assert answering.execute(PENDING_COVERS_DAY_SQL, params).fetchall() == [(1,)]
            with pytest.raises(psycopg.errors.LockNotAvailable):
                worker.execute("SELECT id FROM scorecards_kpirecomputerequest FOR UPDATE NOWAIT")
        with worker.transaction():
            worker.execute("SELECT id FROM scorecards_kpirecomputerequest FOR UPDATE")
            worker.execute("UPDATE scorecards_kpirecomputerequest SET state = 'running'")
            found: list = []
            waiting = threading.Thread(
                target=lambda: found.append(answering.execute(PENDING_COVERS_DAY_SQL, params).fetchall())
            )
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive()  # waits for the claim to commit
        waiting.join(10)
        assert found == [[]]
    finally:
        worker.execute("DELETE FROM scorecards_kpirecomputerequest")
        worker.close()
        answering.close()


def test_the_page_after_an_answer_is_in_its_language_and_names_the_center_as_it_is_called_now(invite, tenants, web):
    client = web(tenants.alpha)
    pages = [
        client.post(f"/s/{invite().token}/", {"score": "5"}, HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        for accept in ("en", "de", "en")
    ]
    assert "Thank you!" in pages[0] and "Vielen Dank!" in pages[1] and pages[2] == pages[0]
    assert "Alpha Care" in pages[0] and 'lang="de"' in pages[1]
    first_name = tenants.alpha.name
    type(tenants.alpha).objects.filter(pk=tenants.alpha.pk).update(name="Alpha Renamed")
    try:
        renamed = client.post(f"/s/{invite().token}/", {"score": "5"}).content.decode()
    finally:
        type(tenants.alpha).objects.filter(pk=tenants.alpha.pk).update(name=first_name)
    assert "Alpha Renamed" in renamed and "Alpha Care" not in renamed
    already = client.post(f"/s/{invite().token}/", {"score": "5"})
    again = client.post(already.wsgi_request.path, {"score": "1"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ihre Antwort ist bereits eingegangen" in again  # the same page, for another customer


def test_the_lookup_reads_what_the_page_needs_in_one_query(
    invite, tenants, in_tenant, django_capture_on_commit_callbacks
):
    invitation = invite()
    invitation.survey.translations = {"de": {"question": "Wie war es?"}}
    invitation.survey.languages = "en,de"
    invitation.survey.save()
    with CaptureQueriesContext(connection) as queries:
        found = invitation_for_token(invitation.token)
        assert found is not None
        read = (found.pk, found.expires_at, found.survey.kind, found.survey.offered_languages, found.answered)
        assert found.survey.wording("de")["question"] == "Wie war es?"
        assert found.interaction.offered_at == invitation.interaction.offered_at
    assert len(queries) == 1
    assert read == (invitation.pk, invitation.expires_at, "csat", ["en", "de"], False)
    assert found.survey.name == "csat survey" and found.interaction.external_id.startswith("fast-")  # loaded when read
    answer(invitation, django_capture_on_commit_callbacks)
    assert invitation_for_token(invitation.token).answered is True
    assert invitation_for_token("no-such-token") is None
    in_tenant(tenants.beta)
    assert invitation_for_token(invitation.token) is None  # another tenant's token


def test_the_rate_limit_counts_in_redis_in_one_round_trip_and_fails_open():
    location = redis_url().replace("redis+socket://", "unix://", 1)
    cache = FailOpenRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    key = f"test-window-{uuid.uuid4()}"
    assert [count_in_window(cache, key, 30) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client(cache.make_key(key))
    assert 0 < client.ttl(cache.make_key(key)) <= 30  # the window started with the first count
    client.delete(cache.make_key(key))
    assert count_in_window(cache, key, 30) == 1  # a fresh window
    down = FailOpenRedisCache("unix:///nonexistent/redis.sock", {"OPTIONS": {"socket_connect_timeout": 1}})
    assert count_in_window(down, key, 30) == 1
