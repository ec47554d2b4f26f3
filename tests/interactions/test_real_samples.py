"""The importers on real records from real systems (settings.SAMPLES_DIR, see tests/samples.py)."""

import io

import pytest

from interactions.models import Interaction
from interactions.services import import_stream
from tests.samples import sample


@pytest.fixture
def alpha(tenants, in_tenant):
    return in_tenant(tenants.alpha)


def import_file(kind, path, tz):
    with open(path, "rb") as fh:
        return import_stream(kind=kind, stream=fh, tz=tz).as_dict()


def test_amazon_connect_three_versions_import_as_the_latest_one(alpha):
    summary = import_file("amazon_connect_ctr", sample("amazon_connect_ctr_same_contact_3_versions.jsonl"), alpha.tz)
    assert (summary["created"], summary["rejected"]) == (1, 0)
    contact = Interaction.objects.get()
    assert (contact.talk_seconds, contact.hold_seconds, contact.acw_seconds) == (239, 221, 5)
    assert contact.wait_seconds == 346
    assert contact.transferred is True
    assert contact.agent.acd_login == "Steve.Lusk"
    # importing it again changes nothing
    again = import_file("amazon_connect_ctr", sample("amazon_connect_ctr_same_contact_3_versions.jsonl"), alpha.tz)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_amazon_connect_older_version_never_replaces_a_newer_one(alpha):
    lines = sample("amazon_connect_ctr_same_contact_3_versions.jsonl").read_bytes().splitlines()
    import json

    latest = max(lines, key=lambda raw: json.loads(raw)["LastUpdateTimestamp"])
    older = [raw for raw in lines if raw != latest]
    import_stream(kind="amazon_connect_ctr", stream=io.BytesIO(latest), tz=alpha.tz)
    summary = import_stream(kind="amazon_connect_ctr", stream=io.BytesIO(older[0]), tz=alpha.tz).as_dict()
    assert summary["updated"] == 0 and summary["unchanged"] == 1
    assert Interaction.objects.get().hold_seconds == 221


def test_amazon_connect_single_inbound_record(alpha):
    summary = import_file("amazon_connect_ctr", sample("amazon_connect_ctr_single_inbound.json"), alpha.tz)
    assert (summary["created"], summary["rejected"]) == (1, 0)
    assert Interaction.objects.get().outcome == "answered"


def test_wazo_queue_log_is_one_answered_call_of_agent_448(alpha):
    summary = import_file("asterisk_queue_log", sample("wazo_xivo_dao_answered_call_queue_log.psv"), alpha.tz)
    assert summary["rejected"] == 0
    call = Interaction.objects.get()
    assert (call.outcome, call.agent.acd_login) == ("answered", "Agent/448")
    assert round(call.wait_seconds) == 8
    assert call.talk_seconds == 531


def test_technion_day_imports_all_2375_contacts(alpha):
    from tests.interactions.technion import technion_to_canonical_csv

    data = technion_to_canonical_csv(sample("technion_calls_one_day.csv"))
    summary = import_stream(kind="interactions", stream=io.BytesIO(data), tz=alpha.tz).as_dict()
    assert (summary["created"], summary["rejected"]) == (2375, 0)
    assert Interaction.objects.count() == 2375


def test_technion_day_with_the_clock_skewed_vru_times_lands_every_call_with_3_warnings(alpha):
    from tests.interactions.technion import technion_to_canonical_csv

    data = technion_to_canonical_csv(sample("technion_calls_one_day.csv"), clamp_initiated=False)
    summary = import_stream(kind="interactions", stream=io.BytesIO(data), tz=alpha.tz).as_dict()
    assert (summary["created"], summary["rejected"]) == (2375, 0)
    assert len(summary["warnings"]) == 3
    assert {w["field"] for w in summary["warnings"]} == {"initiated_at"}
    skewed = [w["line"] for w in summary["warnings"]]
    assert Interaction.objects.filter(initiated_at__isnull=True).count() == 3
    assert all("is after offered_at" in w["message"] for w in summary["warnings"]) and len(set(skewed)) == 3
