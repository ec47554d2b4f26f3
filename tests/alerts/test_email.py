"""Alert emails reach a real SMTP server (aiosmtpd): to whom, what they say, and once."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from alerts.delivery import alert_email_send
from alerts.models import AlertEpisode, Kind
from alerts.services import alert_rule_create
from tests.alerts.conftest import evaluate, ingest, when
from tests.coaching.test_digest_smtp import free_port, smtp  # noqa: F401 - smtp is a fixture

pytestmark = pytest.mark.usefixtures("manual_evaluation")


def body(message, kind="plain"):
    return message.get_body(preferencelist=(kind,)).get_content()


@pytest.fixture
def wait_rule(people):
    return alert_rule_create(
        name="Billing wait",
        kind=Kind.LONGEST_WAIT_ABOVE,
        threshold=60,
        queue="Billing",
        recipients=[people.mona, people.ada],
        extra_emails=["OnCall@alpha.test", "ada@alpha.test"],  # ada twice: one email
    )


def fire() -> AlertEpisode:
    ingest([{"type": "contact.enqueued", "at": when(0).isoformat(), "external_id": "m1", "queue": "Billing"}])
    [fired] = evaluate(90)
    return AlertEpisode.objects.get(pk=fired.episode_id)


def recover(episode: AlertEpisode) -> None:
    ingest([{"type": "contact.answered", "at": when(100).isoformat(), "external_id": "m1", "agent": "alice.a"}])
    assert evaluate(110) == []
    [recovered] = evaluate(175)
    assert recovered.episode_id == episode.pk


def test_the_fired_and_the_recovered_email(wait_rule, smtp):  # noqa: F811
    episode = fire()
    assert alert_email_send(episode_id=episode.pk, what="fired") == 3
    assert sorted(m["To"] for m in smtp.messages) == ["ada@alpha.test", "mona@alpha.test", "oncall@alpha.test"]
    message = smtp.messages[0]
    assert message["Subject"] == "Alpha Care: alert “Billing wait”: 90 s"
    text = body(message)
    assert "An alert fired at Alpha Care." in text
    assert "Condition: Longest wait above 60 s (queue Billing)" in text
    assert "Value now: 90 s" in text
    assert "Started: Mon 30 Nov 2026, 09:01:30" in text  # the center's time (Berlin)
    assert "Alert history: http://alpha.localhost:8000/live/alerts/" in text
    assert '<a href="http://alpha.localhost:8000/live/alerts/">' in body(message, "html")

    assert alert_email_send(episode_id=episode.pk, what="fired") == 0  # the ledger: once
    assert len(smtp.messages) == 3

    recover(episode)
    assert alert_email_send(episode_id=episode.pk, what="recovered") == 3
    recovered = smtp.messages[3]
    # strip(): Python folds a long encoded subject onto the next line, and the parser keeps the fold's space
    assert recovered["Subject"].strip() == "Alpha Care: recovered “Billing wait”: 0 s"
    text = body(recovered)
    assert "An alert recovered at Alpha Care." in text
    assert "Worst value: 90 s" in text
    assert "Recovered: Mon 30 Nov 2026, 09:02:55 (1 min 25 s)" in text
    assert len(smtp.messages) == 6


def test_a_manager_who_is_no_longer_one_gets_no_more_alerts(wait_rule, people, smtp):  # noqa: F811
    people.mona.role = "agent"
    people.mona.save()
    episode = fire()
    alert_email_send(episode_id=episode.pk, what="fired")
    assert sorted(m["To"] for m in smtp.messages) == ["ada@alpha.test", "oncall@alpha.test"]


def test_a_failing_server_releases_the_claim_for_the_retry(wait_rule, smtp):  # noqa: F811
    episode = fire()
    with override_settings(EMAIL_PORT=free_port()), pytest.raises(OSError):  # nothing listens there
        alert_email_send(episode_id=episode.pk, what="fired")
    episode.refresh_from_db()
    assert episode.fired_emailed_at is None
    assert alert_email_send(episode_id=episode.pk, what="fired") == 3
    assert len(smtp.messages) == 3


def test_only_admins_and_managers_can_be_chosen_and_addresses_must_be_valid(people):
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(name="x", kind=Kind.WAITING_WITHOUT_AGENTS, recipients=[people.alice])
    assert "recipients" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(name="x", kind=Kind.WAITING_WITHOUT_AGENTS, extra_emails=["not-an-address"])
    assert refused.value.message_dict["extra_emails"] == ["“not-an-address” is not an email address."]
