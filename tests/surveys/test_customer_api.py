"""POST /api/v1/survey-invitations/: who may call it, what it answers, and isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from surveys.models import Survey, SurveyInvitation, SurveyResponse
from tests.factories import InteractionFactory

URL = "/api/v1/survey-invitations/"


def survey(kind: str = "csat", **fields) -> Survey:
    fields.setdefault("name", f"{kind} survey")
    fields.setdefault("question", "How was it?")
    return Survey.objects.create(kind=kind, **fields)


@pytest.fixture
def alpha_data(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    csat = survey("csat", follow_up_question="What could we do better?")
    InteractionFactory(external_id="a-1", agent=people.alice.agent)
    InteractionFactory(external_id="a-abandoned", outcome="abandoned")
    return csat


def test_key_creates_an_invitation_then_returns_the_same_one(tenants, people, api, alpha_data):
    client = api(tenants.alpha, key=people.alpha_key)
    first = client.post(URL, {"interaction": "a-1", "survey": "csat"}, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["url"] == f"http://alpha.localhost/s/{body['token']}/"
    assert len(body["token"]) >= 43 and body["expires_at"]
    again = client.post(URL, {"interaction": "a-1", "survey": str(alpha_data.pk)}, format="json")
    assert again.status_code == 200 and again.json()["token"] == body["token"]
    assert SurveyInvitation.objects.get().source == "api"


def test_clear_400s(tenants, people, api, alpha_data):
    client = api(tenants.alpha, key=people.alpha_key)
    cases = [
        ({"interaction": "nope", "survey": "csat"}, "interaction"),
        ({"interaction": "a-abandoned", "survey": "csat"}, "interaction"),
        ({"interaction": "a-1", "survey": "nps"}, "survey"),
        ({"interaction": "a-1", "survey": "999"}, "survey"),
        ({"survey": "csat"}, "interaction"),
    ]
    for payload, field in cases:
        response = client.post(URL, payload, format="json")
        assert response.status_code == 400 and field in response.json(), (payload, response.content)
    alpha_data.is_active = False
    alpha_data.save()
    assert client.post(URL, {"interaction": "a-1", "survey": "csat"}, format="json").status_code == 400
    assert not SurveyInvitation.objects.exists()


def test_roles_admin_and_keys_only(tenants, people, api, alpha_data):
    assert (
        api(tenants.alpha, user=people.ada)
        .post(URL, {"interaction": "a-1", "survey": "csat"}, format="json")
        .status_code
        == 201
    )
    for user in (people.mona, people.alice):
        assert (
            api(tenants.alpha, user=user).post(URL, {"interaction": "a-1", "survey": "csat"}, format="json").status_code
            == 403
        )
    assert api(tenants.alpha).post(URL, {"interaction": "a-1", "survey": "csat"}, format="json").status_code in (
        401,
        403,
    )


def test_another_tenants_key_cannot_invite_for_alphas_contact(tenants, people, api, alpha_data, in_tenant):
    assert api(tenants.alpha, key=people.beta_key).post(
        URL, {"interaction": "a-1", "survey": "csat"}, format="json"
    ).status_code in (401, 403)
    in_tenant(tenants.beta)
    survey("csat")
    response = api(tenants.beta, key=people.beta_key).post(URL, {"interaction": "a-1", "survey": "csat"}, format="json")
    assert response.status_code == 400  # alpha's contact does not exist on beta
    assert not SurveyInvitation.objects.exists()
    in_tenant(tenants.alpha)
    assert not SurveyInvitation.objects.exists()


# --- GET: the links the tenant's systems must send, sampled or not --------------------------


def test_the_tenants_systems_list_unanswered_invitations_since_a_time(tenants, people, api, alpha_data):
    now = timezone.now()
    SurveyInvitation.objects.create(
        survey=alpha_data,
        interaction=InteractionFactory(external_id="s-1"),
        token="tok-sampled",
        expires_at=now + dt.timedelta(days=7),
    )
    answered = SurveyInvitation.objects.create(
        survey=alpha_data,
        interaction=InteractionFactory(external_id="s-2"),
        token="tok-answered",
        expires_at=now + dt.timedelta(days=7),
    )
    SurveyResponse.objects.create(
        interaction=answered.interaction, survey="csat", score=5, responded_at=now, invitation=answered, source="link"
    )
    old = SurveyInvitation.objects.create(
        survey=alpha_data,
        interaction=InteractionFactory(external_id="s-3"),
        token="tok-old",
        expires_at=now + dt.timedelta(days=7),
    )
    SurveyInvitation.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=3))
    client = api(tenants.alpha, key=people.alpha_key)
    since = (now - dt.timedelta(hours=1)).isoformat()
    rows = client.get(URL, {"since": since, "answered": "false"}).json()["results"]
    assert [r["token"] for r in rows] == ["tok-sampled"]
    assert rows[0]["url"] == "http://alpha.localhost/s/tok-sampled/" and rows[0]["interaction"] == "s-1"
    assert {r["token"] for r in client.get(URL).json()["results"]} == {"tok-sampled", "tok-answered", "tok-old"}


def test_only_admins_and_keys_list_invitations_and_only_their_own(tenants, people, api, alpha_data):
    SurveyInvitation.objects.create(
        survey=alpha_data,
        interaction=InteractionFactory(external_id="s-9"),
        token="tok-alpha",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert api(tenants.alpha, user=people.mona).get(URL).status_code == 403
    assert api(tenants.alpha, user=people.alice).get(URL).status_code == 403
    assert api(tenants.beta, key=people.beta_key).get(URL).json()["results"] == []
