"""An admin deactivates, reactivates, changes roles and reassigns teams (pages and commands).

A deactivated user is logged out at once and the API keys they created stop; guard rails keep
the contact center with at least one active admin and stop admins locking themselves out."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from accounts.services import (
    UserLifecycleError,
    apikey_create,
    user_deactivate,
    user_reactivate,
    user_role_change,
)
from tests.conftest import PASSWORD, recompute_reasons


def test_deactivating_a_logged_in_user_ends_their_session_and_stops_their_keys(tenants, people, web, api):
    _, raw = apikey_create(name="mona's wallboard", created_by=people.mona)
    mona = web(tenants.alpha, people.mona)
    assert mona.get("/").status_code == 200
    assert api(tenants.alpha, key=raw).get("/api/v1/teams/").status_code == 200
    assert Session.objects.count() == 1

    ada = web(tenants.alpha, people.ada)
    confirm = ada.get(f"/settings/users/{people.mona.pk}/deactivate/")
    assert confirm.status_code == 200 and "Yes, deactivate" in confirm.content.decode()
    people.mona.refresh_from_db()
    assert people.mona.is_active  # asking is not doing
    assert ada.post(f"/settings/users/{people.mona.pk}/deactivate/").status_code == 302

    people.mona.refresh_from_db()
    assert not people.mona.is_active
    next_page = mona.get("/")
    assert next_page.status_code == 302 and next_page["Location"].startswith("/login/")
    assert not Session.objects.filter(session_key=mona.session.session_key).exists()
    refused = api(tenants.alpha, key=raw).get("/api/v1/teams/")
    assert refused.status_code == 401
    assert "deactivated" in refused.json()["detail"] and "mona@" not in refused.json()["detail"]
    # the integration keys of others (made by manage.py, no creator) still work
    assert api(tenants.alpha, key=people.alpha_key).get("/api/v1/teams/").status_code == 200
    login = web(tenants.alpha).post("/login/", {"username": "mona@alpha.test", "password": PASSWORD})
    assert login.status_code == 200  # the form again: an inactive user cannot log in

    assert ada.post(f"/settings/users/{people.mona.pk}/reactivate/").status_code == 302
    assert api(tenants.alpha, key=raw).get("/api/v1/teams/").status_code == 200
    assert mona.get("/").status_code == 302  # the ended session stays ended
    login = web(tenants.alpha).post("/login/", {"username": "mona@alpha.test", "password": PASSWORD})
    assert login.status_code == 302


def test_only_the_deactivated_users_sessions_end(tenants, people, web):
    alice, bob = web(tenants.alpha, people.alice), web(tenants.alpha, people.bob)
    user_deactivate(user=people.alice, by=people.ada)
    assert alice.get("/").status_code == 302
    assert bob.get("/").status_code == 200


def test_an_admin_cannot_deactivate_or_demote_herself_nor_the_last_admin(tenants, people, web):
    ada = web(tenants.alpha, people.ada)
    response = ada.post(f"/settings/users/{people.ada.pk}/deactivate/", follow=True)
    assert "You cannot deactivate yourself" in response.content.decode()
    response = ada.post(f"/settings/users/{people.ada.pk}/role/", {"role": "agent"}, follow=True)
    assert "You cannot change your own role" in response.content.decode()
    people.ada.refresh_from_db()
    assert (people.ada.is_active, people.ada.role) == (True, Role.ADMIN)

    # by a script (no actor) or another admin: ada is still the last active admin
    with pytest.raises(UserLifecycleError, match="last active admin"):
        user_deactivate(user=people.ada)
    with pytest.raises(UserLifecycleError, match="last active admin"):
        user_role_change(user=people.ada, role=Role.MANAGER)
    with pytest.raises(CommandError, match="last active admin"):
        call_command("user_deactivate", schema="alpha", email="ada@alpha.test")

    # a deactivated admin does not count; once mona is an active admin, ada can go
    user_role_change(user=people.max, role=Role.ADMIN, by=people.ada)
    user_deactivate(user=people.max, by=people.ada)
    with pytest.raises(UserLifecycleError, match="last active admin"):
        user_deactivate(user=people.ada)
    user_role_change(user=people.mona, role=Role.ADMIN, by=people.ada)
    user_deactivate(user=people.ada, by=people.mona)
    people.ada.refresh_from_db()
    assert not people.ada.is_active


def test_a_role_change_keeps_the_agent_record_and_clears_a_former_managers_teams(tenants, people, web):
    ada = web(tenants.alpha, people.ada)
    assert ada.post(f"/settings/users/{people.alice.pk}/role/", {"role": "manager"}).status_code == 302
    people.alice.refresh_from_db()
    assert people.alice.role == Role.MANAGER
    assert people.alice.agent.acd_login == "alice.a"  # her contacts and history stay hers

    assert list(people.mona.managed_teams.all()) == [people.north]
    assert ada.post(f"/settings/users/{people.mona.pk}/role/", {"role": "agent"}).status_code == 302
    people.mona.refresh_from_db()
    assert people.mona.role == Role.AGENT and not people.mona.managed_teams.exists()

    bad = ada.post(f"/settings/users/{people.bob.pk}/role/", {"role": "owner"})
    assert bad.status_code == 400
    people.bob.refresh_from_db()
    assert people.bob.role == Role.AGENT


def test_teams_are_assigned_on_the_users_page_and_an_agent_move_recomputes_history(
    tenants, people, web, django_capture_on_commit_callbacks
):
    ada = web(tenants.alpha, people.ada)
    page = ada.get(f"/settings/users/{people.mona.pk}/").content.decode()
    assert 'name="teams"' in page and "Teams managed" in page
    response = ada.post(f"/settings/users/{people.mona.pk}/teams/", {"teams": [people.north.pk, people.south.pk]})
    assert response.status_code == 302
    assert set(people.mona.managed_teams.all()) == {people.north, people.south}
    # mona now sees bob's team
    assert "bob.b" in web(tenants.alpha, people.mona).get("/agents/").content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        ada.post(f"/settings/users/{people.alice.pk}/teams/", {"team": people.south.pk})
    people.alice.agent.refresh_from_db()
    assert people.alice.agent.team == people.south
    assert recompute_reasons(callbacks) == ["agent moved"]
    with django_capture_on_commit_callbacks() as callbacks:
        ada.post(f"/settings/users/{people.alice.pk}/teams/", {"team": people.south.pk})
    assert recompute_reasons(callbacks) == []  # not moved, nothing to recompute

    ada.post(f"/settings/users/{people.alice.pk}/teams/", {"team": ""})
    people.alice.agent.refresh_from_db()
    assert people.alice.agent.team is None


def test_the_users_page_filters_by_status_and_shows_it(tenants, people, web):
    user_deactivate(user=people.bob, by=people.ada)
    ada = web(tenants.alpha, people.ada)
    everyone = ada.get("/settings/users/").content.decode()
    assert "bob@alpha.test" in everyone and "alice@alpha.test" in everyone and "deactivated" in everyone
    deactivated = ada.get("/settings/users/?status=deactivated").content.decode()
    assert "bob@alpha.test" in deactivated and "alice@alpha.test" not in deactivated
    active = ada.get("/settings/users/?status=active").content.decode()
    assert "bob@alpha.test" not in active and "alice@alpha.test" in active


def test_the_users_page_is_paginated_in_a_fixed_number_of_queries(tenants, people, web):
    ada = web(tenants.alpha, people.ada)
    with CaptureQueriesContext(connection) as few:
        ada.get("/settings/users/")
    User.objects.bulk_create(
        [User(username=f"u{i:03}@alpha.test", email=f"u{i:03}@alpha.test", role=Role.MANAGER) for i in range(60)]
    )
    with CaptureQueriesContext(connection) as many:
        ada.get("/settings/users/")
    assert len(many) == len(few)
    first = ada.get("/settings/users/?status=active").content.decode()
    assert "Page 1 of 2" in first and "status=active&amp;page=2" in first
    assert "u059@alpha.test" in ada.get("/settings/users/?status=active&page=2").content.decode()


def test_only_admins_manage_users_and_only_their_own(tenants, people, web, in_tenant):
    target = people.alice.pk
    for user in (people.mona, people.alice):
        client = web(tenants.alpha, user)
        assert client.get(f"/settings/users/{target}/").status_code == 403
        assert client.post(f"/settings/users/{target}/deactivate/").status_code == 403
        assert client.post(f"/settings/users/{target}/role/", {"role": "admin"}).status_code == 403
    people.alice.refresh_from_db()
    assert people.alice.is_active and people.alice.role == Role.AGENT

    ada = web(tenants.alpha, people.ada)
    unknown = max(User.objects.values_list("pk", flat=True)) + 1
    assert ada.get(f"/settings/users/{unknown}/").status_code == 404
    assert ada.post(f"/settings/users/{unknown}/deactivate/").status_code == 404
    # platform staff (no role) are not the contact center's users
    staff = User.objects.create(username="root@platform.test", email="root@platform.test", role="")
    assert ada.post(f"/settings/users/{staff.pk}/deactivate/").status_code == 404
    # bea, admin of beta, reaches only beta's users: alice's pk on beta's host is not alice
    bea = web(tenants.beta, people.bea)
    bea.post(f"/settings/users/{target}/deactivate/")
    in_tenant(tenants.alpha)
    people.alice.refresh_from_db()
    assert people.alice.is_active


def test_the_commands_deactivate_and_reactivate_by_email(tenants, people):
    call_command("user_deactivate", schema="alpha", email="ALICE@alpha.test")
    people.alice.refresh_from_db()
    assert not people.alice.is_active
    call_command("user_reactivate", schema="alpha", email="alice@alpha.test")
    people.alice.refresh_from_db()
    assert people.alice.is_active
    with pytest.raises(CommandError, match="no tenant with schema 'nope'"):
        call_command("user_deactivate", schema="nope", email="alice@alpha.test")
    with pytest.raises(CommandError, match="no user with email 'bert@beta.test' in tenant 'alpha'"):
        call_command("user_deactivate", schema="alpha", email="bert@beta.test")
    user_reactivate(user=people.alice)
