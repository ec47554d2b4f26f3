"""Context exclusions: audited on the row, a recompute requested on commit (never sent to
a broker here), the engine leaves the contact out, and managers reach only their contacts.
The contacts are those of tests/scorecards/test_engine.py (c1, c2, c8 alice's; c3 bob's;
c4 an abandoned contact with no agent)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coaching.exclusions import exclusion_add, exclusion_remove
from coaching.models import InteractionExclusion
from interactions.models import Interaction
from scorecards.engine import recompute
from tests.scorecards.test_engine import CONTACTS, WEEK, load, value


@pytest.fixture
def contacts(people):
    load("interactions", CONTACTS)
    return people


def listed(ext):
    return f"<td>{ext}<br>"  # a row of the exclusions table (a bare "c1" could be in a CSRF token)


def c(ext):
    return Interaction.objects.get(external_id=ext)


def test_add_and_remove_are_audited_and_ask_for_a_recompute(contacts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as added:
        exclusion = exclusion_add(interaction=c("c1"), reason="outage", note=" ACD down ", by=contacts.mona)
    assert len(added) == 1  # kpi_recompute_enqueue's send, not run: no broker in this test
    assert (exclusion.created_by, exclusion.note, exclusion.removed_at) == (contacts.mona, "ACD down", None)
    with pytest.raises(ValidationError):
        exclusion_add(interaction=c("c1"), reason="abusive", by=contacts.mona)
    with django_capture_on_commit_callbacks() as removed:
        exclusion_remove(exclusion=exclusion, by=contacts.ada)
    assert len(removed) == 1
    exclusion.refresh_from_db()
    assert exclusion.removed_by == contacts.ada and exclusion.removed_at is not None
    with pytest.raises(ValidationError):
        exclusion_remove(exclusion=exclusion, by=contacts.ada)
    again = exclusion_add(interaction=c("c1"), reason="abusive", by=contacts.mona)
    assert InteractionExclusion.objects.filter(interaction=c("c1")).count() == 2  # the audit keeps both
    assert again.removed_at is None


def test_the_kpis_leave_the_contact_out(contacts):
    recompute()
    assert value("calls_handled") == 4
    assert value("aht", scope="agent", key="alice.a") == pytest.approx(310.0)  # (400 + 220) / 2
    exclusion = exclusion_add(interaction=c("c1"), reason="test", by=contacts.ada)
    recompute()
    assert value("calls_handled") == 3
    assert value("aht", scope="agent", key="alice.a") == pytest.approx(220.0)
    exclusion_remove(exclusion=exclusion, by=contacts.ada)
    recompute(since=WEEK, until=WEEK)
    assert value("calls_handled") == 4


def test_manager_excludes_her_teams_contacts_and_an_admin_the_center_wide_ones(contacts, web, tenants):
    mona = web(tenants.alpha, contacts.mona)
    response = mona.post(
        "/coaching/signals/exclusions/new/", {"external_id": "c1", "reason": "abusive", "note": "shouting"}
    )
    assert response.status_code == 302
    # c4 was abandoned before any agent took it: it moves the whole center's service level
    center_wide = mona.post("/coaching/signals/exclusions/new/", {"external_id": "c4", "reason": "outage"})
    assert center_wide.status_code == 200
    assert "c4 was taken by no agent" in center_wide.content.decode()
    assert "only an admin can" in center_wide.content.decode()
    assert not InteractionExclusion.objects.filter(interaction=c("c4")).exists()
    ada = web(tenants.alpha, contacts.ada)
    assert ada.post("/coaching/signals/exclusions/new/", {"external_id": "c4", "reason": "outage"}).status_code == 302
    by_admin = InteractionExclusion.objects.get(interaction=c("c4"))
    with pytest.raises(ValidationError, match="only an admin can"):
        exclusion_remove(exclusion=by_admin, by=contacts.mona)
    refused = mona.post("/coaching/signals/exclusions/new/", {"external_id": "c3", "reason": "outage"})
    assert refused.status_code == 200 and "No contact with this ID" in refused.content.decode()
    assert not InteractionExclusion.objects.filter(interaction=c("c3")).exists()
    page = mona.get("/coaching/signals/exclusions/").content.decode()
    assert listed("c1") in page and "shouting" in page and "mona@alpha.test" in page


def test_removal_page_and_isolation(contacts, web, tenants):
    mine = exclusion_add(interaction=c("c1"), reason="outage", by=contacts.mona)
    bobs = exclusion_add(interaction=c("c3"), reason="outage", by=contacts.max)
    mona = web(tenants.alpha, contacts.mona)
    assert listed("c3") not in mona.get("/coaching/signals/exclusions/").content.decode()
    assert mona.post(f"/coaching/signals/exclusions/{bobs.pk}/remove/").status_code == 404
    assert mona.get(f"/coaching/signals/exclusions/{mine.pk}/remove/").status_code == 405
    assert mona.post(f"/coaching/signals/exclusions/{mine.pk}/remove/").status_code == 302
    mine.refresh_from_db()
    assert mine.removed_by == contacts.mona
    removed = mona.get("/coaching/signals/exclusions/?status=removed").content.decode()
    assert listed("c1") in removed and "mona@alpha.test" in removed
    ada = web(tenants.alpha, contacts.ada).get("/coaching/signals/exclusions/").content.decode()
    assert listed("c3") in ada and listed("c1") not in ada
    assert web(tenants.alpha, contacts.alice).get("/coaching/signals/exclusions/new/").status_code == 403
    beta = web(tenants.beta, contacts.bea).get("/coaching/signals/exclusions/?status=removed").content.decode()
    assert listed("c1") not in beta


def test_recompute_window_is_the_contacts_local_day_and_the_repeat_window(contacts, monkeypatch):
    asked = []
    monkeypatch.setattr("coaching.exclusions.kpi_recompute_enqueue", lambda **kw: asked.append(kw))
    exclusion_add(interaction=c("c1"), reason="outage", by=contacts.mona)  # Monday 2026-03-02 local
    assert asked == [{"since": dt.date(2026, 2, 23), "until": dt.date(2026, 3, 9), "reason": "exclusion"}]
