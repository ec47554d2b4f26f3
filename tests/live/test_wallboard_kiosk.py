"""Kiosk wallboards: admins create and revoke them; the signed URL opens a board without login
that names no one, and stops working once revoked."""

from __future__ import annotations

import re

import pytest
from django.core import signing

from audit.models import AuditEvent
from live.kiosk import TOKEN_SALT, kiosk_board_create, kiosk_board_from_token, kiosk_board_revoke, kiosk_token
from live.models import KioskBoard
from tests.live.wallboard_helpers import agent_state, enqueued, feed, page_board

pytestmark = pytest.mark.django_db  # live state: emptied around each test by tests/live/conftest.py


def test_an_admin_creates_a_kiosk_board_and_gets_its_link(people, tenants, web):
    client = web(tenants.alpha, people.ada)
    feed(enqueued("c-1", "Billing"))

    response = client.post("/settings/kiosks/", {"name": "Floor 2", "queues": ["Billing"]}, follow=True)

    board = KioskBoard.objects.get()
    assert (board.name, board.queues, board.created_by) == ("Floor 2", ["Billing"], people.ada)
    # the token carries the second it was signed: read the page's own link, and it opens this board
    links = re.findall(r"/live/kiosk/([^/\"]+)/", response.content.decode())
    assert links and {kiosk_board_from_token(token).pk for token in links} == {board.pk}
    event = AuditEvent.objects.get(action="kiosk.create")
    assert (event.actor_id, event.actor_label) == (people.ada.pk, people.ada.email)
    assert event.after == {"name": "Floor 2", "queues": ["Billing"]}


def test_only_admins_manage_kiosk_boards(people, tenants, web):
    board = kiosk_board_create(name="Floor 2", queues=[], created_by=people.ada)
    for user in (people.mona, people.alice):
        client = web(tenants.alpha, user)
        assert client.get("/settings/kiosks/").status_code == 403
        assert client.post(f"/settings/kiosks/{board.pk}/revoke/").status_code == 403
    board.refresh_from_db()
    assert board.is_active


def test_the_kiosk_opens_without_login_and_names_no_one(people, tenants, web):
    feed(agent_state("alice.a", "break", reason="Doctor"), agent_state("bob.b", "ready"), enqueued("c-1", "Billing"))
    board = kiosk_board_create(name="Floor 2", queues=[], created_by=people.ada)

    response = web(tenants.alpha).get(f"/live/kiosk/{kiosk_token(board=board)}/")

    assert response.status_code == 200
    shown = page_board(response)
    assert shown["agents"] == []
    assert shown["center"]["agents"]["break"] == 1 and shown["center"]["waiting"] == 1
    html = response.content.decode()
    for private in ("Alice", "alice.a", "Bob", "bob.b", "Doctor"):
        assert private not in html
    assert "http-equiv" not in html and '<meta name="referrer" content="no-referrer">' in html


def test_a_kiosk_shows_only_its_queues(people, tenants, web):
    feed(enqueued("c-1", "Billing"), enqueued("c-2", "Sales"))
    board = kiosk_board_create(name="Billing wall", queues=["Billing"], created_by=people.ada)

    shown = page_board(web(tenants.alpha).get(f"/live/kiosk/{kiosk_token(board=board)}/"))

    assert [q["name"] for q in shown["queues"]] == ["Billing"] and shown["center"]["waiting"] == 1


def test_a_tampered_or_foreign_token_is_not_found(people, tenants, web, in_tenant):
    board = kiosk_board_create(name="Floor 2", queues=[], created_by=people.ada)
    token = kiosk_token(board=board)
    anonymous = web(tenants.alpha)
    in_tenant(tenants.beta)
    beta_board = kiosk_board_create(name="Beta wall", queues=[], created_by=people.bea)
    beta_token = kiosk_token(board=beta_board)
    in_tenant(tenants.alpha)
    other_salt = signing.dumps({"s": "alpha", "b": board.pk, "n": board.nonce}, salt="something.else")
    wrong_nonce = signing.dumps({"s": "alpha", "b": board.pk, "n": "guessed"}, salt=TOKEN_SALT)

    for bad in (token[:-2] + "xx", other_salt, wrong_nonce, beta_token):
        assert anonymous.get(f"/live/kiosk/{bad}/").status_code == 404, bad
        assert anonymous.get(f"/live/kiosk/{bad}/stream/").status_code == 404, bad
    assert anonymous.get(f"/live/kiosk/{token}/").status_code == 200
    # beta's own token works on beta's host
    assert web(tenants.beta).get(f"/live/kiosk/{beta_token}/").status_code == 200


def test_a_revoked_kiosk_is_gone_and_its_revocation_is_audited_once(people, tenants, web):
    board = kiosk_board_create(name="Floor 2", queues=[], created_by=people.ada)
    token = kiosk_token(board=board)
    admin = web(tenants.alpha, people.ada)

    admin.post(f"/settings/kiosks/{board.pk}/revoke/")
    admin.post(f"/settings/kiosks/{board.pk}/revoke/")

    anonymous = web(tenants.alpha)
    page = anonymous.get(f"/live/kiosk/{token}/")
    assert page.status_code == 410 and "switched off" in page.content.decode()
    assert anonymous.get(f"/live/kiosk/{token}/stream/").status_code == 410
    assert AuditEvent.objects.filter(action="kiosk.revoke").count() == 1
    listing = admin.get("/settings/kiosks/").content.decode()
    assert token not in listing and "revoked" in listing


def test_revoking_twice_changes_nothing_the_second_time(people):
    board = kiosk_board_create(name="Floor 2", queues=[], created_by=people.ada)
    first = kiosk_board_revoke(board=board, by=people.ada).revoked_at
    second = kiosk_board_revoke(board=KioskBoard.objects.get(pk=board.pk), by=people.mona).revoked_at
    assert first == second
