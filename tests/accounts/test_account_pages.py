"""Login, password reset by email, invitations, teams and API keys as people use them."""

import re

from django.core import mail

from accounts.models import Agent, ApiKey, User
from tests.conftest import PASSWORD, recompute_reasons


def test_login_with_email_lands_on_the_role_home(tenants, people, web):
    client = web(tenants.alpha)
    response = client.post("/login/", {"username": "Mona@Alpha.test", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "Your teams: North" in page
    assert "Import history" not in page  # no admin navigation for a manager


def test_wrong_password_says_so_and_does_not_log_in(tenants, people, web):
    response = web(tenants.alpha).post("/login/", {"username": "mona@alpha.test", "password": "nope"})
    assert response.status_code == 200
    assert "correct" in response.content.decode()  # Django's "enter a correct email..."
    assert "_auth_user_id" not in response.wsgi_request.session


def test_password_reset_email_link_sets_a_new_password(tenants, people, web):
    client = web(tenants.alpha)
    client.post("/password/reset/", {"email": "alice@alpha.test"})
    [message] = mail.outbox
    assert message.to == ["alice@alpha.test"]
    link = re.search(r"http://alpha\.localhost(/password/reset/\S+/)", message.body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-brand-new-pass-42", "new_password2": "a-brand-new-pass-42"}, follow=True
    )
    assert "Password set" in response.content.decode()
    people.alice.refresh_from_db()
    assert people.alice.check_password("a-brand-new-pass-42")


def test_password_reset_for_an_address_of_another_tenant_sends_nothing(tenants, people, web):
    web(tenants.alpha).post("/password/reset/", {"email": "bea@beta.test"})
    assert mail.outbox == []


def test_admin_invites_an_agent_seen_in_data(tenants, people, web):
    agent = Agent.objects.create(acd_login="new.agent")  # as an import creates it
    client = web(tenants.alpha, people.ada)
    response = client.post(f"/agents/{agent.pk}/invite/", {"invite-email": "New@Alpha.test"}, follow=True)
    assert "Invitation sent to new@alpha.test" in response.content.decode()
    agent.refresh_from_db()
    assert (agent.user.email, agent.user.role) == ("new@alpha.test", "agent")
    assert not agent.user.has_usable_password()
    [message] = mail.outbox
    assert "/password/reset/" in message.body and message.to == ["new@alpha.test"]


def test_admin_adds_a_manager_to_a_team(tenants, people, web):
    client = web(tenants.alpha, people.ada)
    client.post("/settings/users/", {"email": "nina@alpha.test", "role": "manager", "teams": [people.south.pk]})
    nina = User.objects.get(email="nina@alpha.test")
    assert list(nina.managed_teams.values_list("name", flat=True)) == ["South"]
    response = client.post("/settings/users/", {"email": "nina@alpha.test", "role": "agent"})
    assert "already exists" in response.content.decode()


def test_api_key_is_shown_once_and_stored_hashed_then_revoked(tenants, people, web, api):
    client = web(tenants.alpha, people.ada)
    page = client.post("/settings/api-keys/", {"name": "warehouse"}).content.decode()
    raw = re.search(r'<code id="new-key">(\S+)</code>', page).group(1)
    key = ApiKey.objects.get(name="warehouse")
    assert raw not in client.get("/settings/api-keys/").content.decode()
    assert key.key_hash != raw and len(key.key_hash) == 64
    assert api(tenants.alpha, key=raw).get("/api/v1/agents/").status_code == 200
    client.post(f"/settings/api-keys/{key.pk}/revoke/")
    assert api(tenants.alpha, key=raw).get("/api/v1/agents/").status_code == 401


def test_public_host_shows_the_landing_page_and_no_tenant_pages(client, tenants, db):
    response = client.get("/", HTTP_HOST="localhost")
    assert "Honest contact-center metrics" in response.content.decode()
    assert client.get("/settings/users/", HTTP_HOST="localhost").status_code == 404


def test_times_are_shown_in_the_contact_centers_timezone(tenants, people, web):
    import io

    from interactions.services import import_stream

    import_stream(
        kind="interactions",
        stream=io.BytesIO(
            b"external_id,agent,offered_at,answered_at,talk_seconds\n"
            b"tz1,alice.a,2026-03-02T08:00:00+00:00,2026-03-02T08:00:10+00:00,60\n"
        ),
        tz=tenants.alpha.tz,
    )
    # the QA page lists recent contacts (the home page no longer does)
    page = web(tenants.alpha, people.ada).get("/kpis/qa/").content.decode()
    assert "2026-03-02 09:00" in page  # 08:00 UTC is 09:00 in Berlin


def test_moving_an_agent_or_renaming_a_team_recomputes_the_kpis_once(
    tenants, people, web, django_capture_on_commit_callbacks
):
    """History follows an agent's current team and the team's current name, and the KPI
    engine keeps day sums by team: such edits ask for a full recompute; other edits do not."""
    client = web(tenants.alpha, people.ada)
    agent = people.alice.agent
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/agents/{agent.pk}/", {"display_name": "Alice A.", "team": people.north.pk})
    assert recompute_reasons(callbacks) == []
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/agents/{agent.pk}/", {"display_name": "Alice A.", "team": people.south.pk})
    assert recompute_reasons(callbacks) == ["agent moved"]
    agent.refresh_from_db()
    assert agent.team == people.south
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/settings/teams/{people.north.pk}/", {"name": "North-East", "managers": [people.mona.pk]})
    assert recompute_reasons(callbacks) == ["team renamed"]
