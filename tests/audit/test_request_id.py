"""Every response carries a request id, the proxy's when well-formed; the audit rows a request
writes carry it, and name the person (or key) who made the request."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from audit.context import Actor, acting_as, current_actor, current_request_id
from audit.middleware import HEADER

UUID_HEX = re.compile(r"[0-9a-f]{32}")


def test_the_proxys_request_id_is_kept_and_lands_in_the_audit_row(tenants, people, web, new_events):
    client = web(tenants.alpha, people.ada)
    since = new_events.mark()
    response = client.post(
        f"/settings/teams/{people.north.pk}/",
        {"name": "Nord", "managers": [people.mona.pk]},
        headers={HEADER: "edge-7f3a.42"},
    )
    assert response.status_code == 302
    assert response[HEADER] == "edge-7f3a.42"
    [event] = new_events(since)
    assert (event.action, event.actor_id, event.actor_label) == ("team.update", people.ada.pk, "ada@alpha.test")
    assert event.request_id == "edge-7f3a.42"


@pytest.mark.parametrize("header", [None, "", "has space", "<script>", "x" * 129, "=cmd|' /C calc'!A0"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(tenants, people, web, header):
    headers = {HEADER: header} if header is not None else {}
    first = web(tenants.alpha, people.ada).get("/settings/audit/", headers=headers)
    second = web(tenants.alpha, people.ada).get("/settings/audit/", headers=headers)
    assert UUID_HEX.fullmatch(first[HEADER]) and UUID_HEX.fullmatch(second[HEADER])
    assert first[HEADER] != second[HEADER]


def test_a_response_for_an_unknown_host_carries_one_too(db):
    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    assert response.status_code == 404
    assert UUID_HEX.fullmatch(response[HEADER])


def test_a_revocation_through_the_page_names_its_admin(tenants, people, web, new_events):
    from accounts.models import ApiKey

    key = ApiKey.objects.get(name="alpha crm")
    since = new_events.mark()
    response = web(tenants.alpha, people.ada).post(f"/settings/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    [event] = new_events(since)
    assert (event.action, event.actor_label, event.request_id) == ("apikey.revoke", "ada@alpha.test", response[HEADER])
    key.refresh_from_db()
    assert key.revoked_by == people.ada


def test_outside_a_request_the_actor_is_the_system_unless_told():
    assert current_actor() == Actor(None, "system") and current_request_id() == ""
    with acting_as(Actor(None, "cli"), request_id="job-1"):
        assert current_actor() == Actor(None, "cli") and current_request_id() == "job-1"
    assert current_actor() == Actor(None, "system")
