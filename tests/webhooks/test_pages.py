"""/settings/webhooks/: an admin creates an endpoint, sees its secret, sends a test that shows up
in the delivery log, edits, rotates and deletes; managers and agents are refused; another
contact center's endpoints are a 404."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AuditEvent
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import DeliverySend, webhook_endpoint_create

SLACK = "https://hooks.slack.com/services/T000/B000/very-secret-path"


@pytest.fixture
def hook(people):
    return webhook_endpoint_create(name="Slack #cx", url=SLACK, events=["qa.disputed"], created_by=people.ada)


def test_an_admin_creates_an_endpoint_and_sees_its_secret(tenants, people, web):
    client = web(tenants.alpha, people.ada)
    assert "Webhooks" in client.get("/settings/users/").content.decode()  # linked from the menu
    page = client.get("/settings/webhooks/")
    assert page.status_code == 200 and "No webhook endpoints yet." in page.content.decode()
    created = client.post(
        "/settings/webhooks/new/",
        {"name": "Slack #cx", "url": SLACK, "events": ["qa.disputed", "survey.detractor"], "is_active": "on"},
    )
    connection.set_tenant(tenants.alpha)
    endpoint = WebhookEndpoint.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/settings/webhooks/{endpoint.pk}/"
    assert (endpoint.events, endpoint.is_active, endpoint.created_by) == (
        ["qa.disputed", "survey.detractor"],
        True,
        people.ada,
    )
    detail = client.get(created["Location"]).content.decode()
    assert endpoint.secret in detail
    assert "Nothing sent to this endpoint yet." in detail
    assert "Slack #cx" in client.get("/settings/webhooks/").content.decode()
    # audited, without the secret or the URL's path (a Slack URL's path is its credential)
    audit = AuditEvent.objects.get(action="webhook.create")
    assert audit.after["url"] == "https://hooks.slack.com/…"
    assert endpoint.secret not in str(audit.after) and "very-secret-path" not in str(audit.after)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"url": "ftp://files.example/x"}, "url", "Enter an http:// or https:// URL."),
        ({"url": "javascript:alert(1)"}, "url", "Enter an http:// or https:// URL."),
        ({"name": ""}, "name", "This field is required."),
        ({"events": ["webhook.test"]}, "events", "Select a valid choice."),
        ({"name": "Slack #cx"}, "name", "already exists"),
    ],
)
def test_the_form_says_what_is_wrong(tenants, people, web, hook, fields, field, message):
    client = web(tenants.alpha, people.ada)
    data = {"name": "Teams", "url": "https://teams.example/hook", "events": ["qa.disputed"], **fields}
    page = client.post("/settings/webhooks/new/", data)
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html and 'role="alert"' in html
    # next to its field, which points at it (aria-describedby)
    assert f'<div id="id_{field}_error"><p class="error" role="alert">' in html
    assert f"id_{field}_error" in html.split(f'id="id_{field}_error"')[0]
    connection.set_tenant(tenants.alpha)
    assert WebhookEndpoint.objects.count() == 1


def test_send_a_test_and_see_it_in_the_log(tenants, people, web, hook, django_capture_on_commit_callbacks):
    client = web(tenants.alpha, people.ada)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = client.post(f"/settings/webhooks/{hook.pk}/test/")
    assert sent.status_code == 302
    connection.set_tenant(tenants.alpha)
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert delivery.event == "webhook.test" and callbacks == [DeliverySend("alpha", delivery.pk, 0)]
    html = client.get(sent["Location"]).content.decode()
    assert "Test sent" in html
    assert str(delivery.uuid) in html and "webhook.test" in html and "pending" in html


def test_the_log_is_paginated_newest_first(tenants, people, web, hook, django_assert_max_num_queries):
    from webhooks.services import webhook_test_send

    ids = [webhook_test_send(endpoint=hook) for _ in range(27)]
    uuids = {d.pk: str(d.uuid) for d in WebhookDelivery.objects.all()}
    client = web(tenants.alpha, people.ada)
    with django_assert_max_num_queries(12):
        first = client.get(f"/settings/webhooks/{hook.pk}/").content.decode()
    assert uuids[ids[-1]] in first and uuids[ids[0]] not in first
    assert first.index(uuids[ids[-1]]) < first.index(uuids[ids[-2]])
    second = client.get(f"/settings/webhooks/{hook.pk}/?page=2").content.decode()
    assert uuids[ids[0]] in second and uuids[ids[-1]] not in second


def test_edit_rotate_and_delete(tenants, people, web, hook):
    client = web(tenants.alpha, people.ada)
    old_secret = hook.secret
    edited = client.post(
        f"/settings/webhooks/{hook.pk}/edit/", {"name": "Slack #cx-leads", "url": SLACK, "events": ["alert.fired"]}
    )
    assert edited.status_code == 302
    assert client.post(f"/settings/webhooks/{hook.pk}/rotate-secret/").status_code == 302
    connection.set_tenant(tenants.alpha)
    hook.refresh_from_db()
    assert (hook.name, hook.events, hook.is_active) == ("Slack #cx-leads", ["alert.fired"], False)
    assert hook.secret != old_secret and hook.secret in client.get(f"/settings/webhooks/{hook.pk}/").content.decode()
    assert "Delete Slack #cx-leads?" in client.get(f"/settings/webhooks/{hook.pk}/delete/").content.decode()
    assert client.post(f"/settings/webhooks/{hook.pk}/delete/").status_code == 302
    connection.set_tenant(tenants.alpha)
    assert not WebhookEndpoint.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="webhook.").order_by("pk").values_list("action", flat=True)
    ) == [
        "webhook.create",
        "webhook.update",
        "webhook.secret_rotate",
        "webhook.delete",
    ]
    update = AuditEvent.objects.get(action="webhook.update")
    assert update.before == {"name": "Slack #cx", "events": ["qa.disputed"], "is_active": True}
    assert old_secret not in str(list(AuditEvent.objects.values_list("before", "after")))


def test_an_inactive_endpoint_sends_no_test(tenants, people, web, hook):
    WebhookEndpoint.objects.filter(pk=hook.pk).update(is_active=False)
    client = web(tenants.alpha, people.ada)
    page = client.post(f"/settings/webhooks/{hook.pk}/test/", follow=True)
    assert "inactive: activate it to send a test" in page.content.decode()
    connection.set_tenant(tenants.alpha)
    assert not WebhookDelivery.objects.exists()


def test_managers_and_agents_are_refused(tenants, people, web, hook):
    for who in (people.mona, people.alice):
        client = web(tenants.alpha, who)
        for url in ("/settings/webhooks/", "/settings/webhooks/new/", f"/settings/webhooks/{hook.pk}/"):
            assert client.get(url).status_code == 403
        assert client.post(f"/settings/webhooks/{hook.pk}/test/").status_code == 403
        assert client.post(f"/settings/webhooks/{hook.pk}/rotate-secret/").status_code == 403
        home = client.get("/", follow=True)
        assert home.status_code == 200 and "/settings/webhooks/" not in home.content.decode()
    assert web(tenants.alpha).get("/settings/webhooks/").status_code == 302  # to the login page
    connection.set_tenant(tenants.alpha)
    assert not WebhookDelivery.objects.exists()


def test_another_contact_centers_endpoints_are_not_there(tenants, people, web, hook):
    client = web(tenants.beta, people.bea)
    assert "Slack #cx" not in client.get("/settings/webhooks/").content.decode()
    for url in (f"/settings/webhooks/{hook.pk}/", f"/settings/webhooks/{hook.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/settings/webhooks/{hook.pk}/test/").status_code == 404
    assert client.post(f"/settings/webhooks/{hook.pk}/delete/").status_code == 404
    connection.set_tenant(tenants.alpha)
    assert WebhookEndpoint.objects.filter(pk=hook.pk).exists()
