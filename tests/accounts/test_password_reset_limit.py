"""Password reset requests are limited per email and per client address (5 an hour each):
above the limit no email goes out, the answer stays the usual one and the refusal is logged."""

import logging

import pytest
from django.core import mail
from django.core.cache import cache

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the limits' counters live in the cache
    yield
    cache.clear()


def reset(client, email, ip):
    return client.post("/password/reset/", {"email": email}, REMOTE_ADDR=ip)


def test_the_6th_request_for_one_email_sends_nothing_and_answers_as_usual(tenants, people, web, caplog):
    client = web(tenants.alpha)
    answers = [reset(client, "alice@alpha.test", f"10.30.0.{i + 1}") for i in range(5)]
    assert len(mail.outbox) == 5

    with caplog.at_level(logging.WARNING, logger="accounts.views"):
        sixth = reset(client, "ALICE@alpha.test", "10.30.0.9")

    assert len(mail.outbox) == 5
    assert (sixth.status_code, sixth["Location"]) == (answers[0].status_code, answers[0]["Location"])
    assert sixth["Location"] == "/password/reset/done/"
    assert "over the hourly limit" in caplog.text and "10.30.0.9" in caplog.text
    # someone else's reset is not affected
    reset(client, "bob@alpha.test", "10.30.0.9")
    assert mail.outbox[-1].to == ["bob@alpha.test"]


def test_the_6th_request_from_one_address_sends_nothing(tenants, people, web):
    extra = UserFactory(email="zoe@alpha.test", password="x-long-password-1")
    client = web(tenants.alpha)
    for email in ("ada@alpha.test", "mona@alpha.test", "max@alpha.test", "alice@alpha.test", "bob@alpha.test"):
        reset(client, email, "10.31.0.1")
    assert len(mail.outbox) == 5

    over = reset(client, extra.email, "10.31.0.1")
    assert over["Location"] == "/password/reset/done/" and len(mail.outbox) == 5

    reset(client, extra.email, "10.31.0.2")
    assert mail.outbox[-1].to == ["zoe@alpha.test"]


def test_over_the_limit_an_unknown_address_gets_the_same_answer_as_a_known_one(tenants, people, web):
    client = web(tenants.alpha)
    for _i in range(5):
        reset(client, "alice@alpha.test", "10.32.0.1")
        reset(client, "nobody@alpha.test", "10.32.0.2")
    known = reset(client, "alice@alpha.test", "10.32.0.1")
    unknown = reset(client, "nobody@alpha.test", "10.32.0.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 5


def test_the_limits_are_per_tenant(tenants, people, web):
    for _i in range(6):
        reset(web(tenants.alpha), "someone@x.test", "10.33.0.1")
    reset(web(tenants.beta), "bea@beta.test", "10.33.0.1")
    assert [m.to for m in mail.outbox] == [["bea@beta.test"]]
