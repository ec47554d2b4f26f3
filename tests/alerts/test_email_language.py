"""Each recipient of an alert reads it in their own language."""

import pytest

from alerts.delivery import alert_email_send
from tests.alerts.test_email import body, fire, wait_rule  # noqa: F401 - wait_rule is a fixture
from tests.coaching.test_digest_smtp import free_port, smtp  # noqa: F401 - smtp is a fixture

pytestmark = pytest.mark.usefixtures("manual_evaluation")


def test_a_german_manager_gets_the_alert_in_german_the_others_in_english(wait_rule, people, smtp):  # noqa: F811
    people.mona.language = "de"
    people.mona.save(update_fields=["language"])
    episode = fire()
    assert alert_email_send(episode_id=episode.pk, what="fired") == 3
    by_address = {m["To"]: m for m in smtp.messages}
    german = body(by_address["mona@alpha.test"])
    assert "Bei Alpha Care wurde ein Alarm ausgelöst." in german
    assert "Längste Wartezeit über 60 s (Warteschlange Billing)" in german
    assert by_address["mona@alpha.test"]["Subject"] == "Alpha Care: Alarm „Billing wait“: 90 s"
    for address in ("ada@alpha.test", "oncall@alpha.test"):  # no choice, and a free address: English
        assert "An alert fired at Alpha Care." in body(by_address[address])
