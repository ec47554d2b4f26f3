"""POST /api/v1/events/: keys of the tenant only, per-event errors, bounded batches."""

import pytest
from django.test import override_settings

from interactions.models import Interaction
from live import state

URL = "/api/v1/events/"
ENQUEUED = {"type": "contact.enqueued", "at": "2026-11-30T09:00:00+01:00", "external_id": "api-1", "queue": "Billing"}
ABANDONED = {"type": "contact.abandoned", "at": "2026-11-30T09:01:00+01:00", "external_id": "api-1"}


def test_an_integration_posts_a_batch(people, tenants, api, in_tenant):
    response = api(tenants.alpha, key=people.alpha_key).post(
        URL, {"events": [ENQUEUED, {"type": "nope"}, ABANDONED]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accepted"], body["rejected"], body["contacts_written"]) == (2, 1, 1)
    assert body["errors"][0]["line"] == 2 and body["errors"][0]["field"] == "type"
    in_tenant(tenants.alpha)
    assert Interaction.objects.get(external_id="api-1").outcome == "abandoned"
    # a bare list works too, and a replay is counted as such
    again = api(tenants.alpha, key=people.alpha_key).post(URL, [ENQUEUED, ABANDONED], format="json").json()
    assert (again["accepted"], again["duplicates"]) == (0, 2)


def test_the_other_tenant_sees_nothing_and_its_key_is_unknown_here(people, tenants, api):
    assert api(tenants.alpha, key=people.beta_key).post(URL, [ENQUEUED], format="json").status_code == 401
    api(tenants.alpha, key=people.alpha_key).post(URL, [ENQUEUED], format="json")
    assert state.board_read("beta")["queues"] == []
    assert [q["name"] for q in state.board_read("alpha")["queues"]] == ["Billing"]


@pytest.mark.parametrize("persona", ["ada", "mona", "alice"])
def test_people_do_not_post_events(people, tenants, api, persona):
    response = api(tenants.alpha, user=getattr(people, persona)).post(URL, [ENQUEUED], format="json")
    assert response.status_code == 403


def test_not_a_batch_and_too_large_a_batch(people, tenants, api):
    client = api(tenants.alpha, key=people.alpha_key)
    not_batch = client.post(URL, {"event": ENQUEUED}, format="json")
    assert not_batch.status_code == 400 and "events" in not_batch.json()["detail"]
    with override_settings(LIVE_MAX_BATCH=2):
        too_many = client.post(URL, [ENQUEUED] * 3, format="json")
    assert too_many.status_code == 400 and "at most 2" in too_many.json()["detail"]
    assert state.board_read("alpha")["queues"] == []
