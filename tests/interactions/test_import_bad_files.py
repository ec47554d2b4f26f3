"""Each bad file of issue 13 through the real entry points: its error or warning, and the
good rows land."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from interactions import services
from interactions.ingestion import amazon_connect
from interactions.models import ImportRun, Interaction
from interactions.services import import_stream
from tests.interactions.test_import_service import BERLIN
from tests.interactions.test_ingestion_limits import HEADER, contact, ctr

IMPORTS = "/api/v1/imports/interactions/"


def upload(data: bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def alpha(tenants, in_tenant):
    return in_tenant(tenants.alpha)


def stored() -> set[str]:
    return set(Interaction.objects.values_list("external_id", flat=True))


def test_4_mb_with_an_unterminated_quote_lands_every_other_row(alpha):
    data = HEADER + contact(0) + b'broken,2026-03-02T10:00:00,,,"never closed\n'
    data += b"".join(contact(i) for i in range(2, 90_000))
    assert len(data) > 4 * 1024 * 1024
    summary = import_stream(kind="interactions", stream=io.BytesIO(data), tz=BERLIN).as_dict()
    assert (summary["created"], summary["rejected"]) == (89_999, 1)
    assert summary["errors"][0]["line"] == 3 and "not closed" in summary["errors"][0]["message"]
    assert Interaction.objects.count() == 89_999


def test_api_a_200_kb_field_is_a_row_error_and_the_others_land(tenants, people, api):
    data = HEADER + contact(1) + contact(2, "x" * 200_000) + contact(3)
    response = api(tenants.alpha, key=people.alpha_key).post(IMPORTS, {"file": upload(data)}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["rejected"]) == (2, 1)
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(3, "transcript")]
    assert stored() == {"c1", "c3"}


def test_api_an_initiated_at_after_offered_at_lands_with_a_warning(tenants, people, api):
    data = HEADER + contact(1) + b"c2,2026-03-02T10:00:00,,2026-03-02T10:01:00,\n"
    response = api(tenants.alpha, key=people.alpha_key).post(IMPORTS, {"file": upload(data)}, format="multipart")
    body = response.json()
    assert (body["created"], body["rejected"]) == (2, 0)
    [warning] = body["warnings"]
    assert (warning["line"], warning["field"]) == (3, "initiated_at") and "after offered_at" in warning["message"]
    assert Interaction.objects.get(external_id="c2").initiated_at is None
    run = ImportRun.objects.get(pk=body["import_id"])
    assert run.summary["warnings"] == body["warnings"]


def test_upload_page_shows_the_wrong_separator_error_and_the_warning(tenants, people, web):
    data = HEADER + contact(1) + b"c2,2026-03-02X15:58:42,,,\n" + b"c3,2026-03-02T10:00:00,,2026-03-02T11:00:00,\n"
    response = web(tenants.alpha, people.ada).post(
        "/imports/", {"kind": "interactions", "file": upload(data)}, follow=True
    )
    page = response.content.decode()
    assert "Rejected lines" in page and "2026-03-02X15:58:42" in page and "not an ISO 8601 timestamp" in page
    assert 'id="import-warnings"' in page and "initiated_at (2026-03-02T11:00:00) is after offered_at" in page
    assert stored() == {"c1", "c3"}


def claimed(client, path: str, size: int, **data):
    """A multipart post that claims a body of ``size`` bytes and carries a few: if anything
    read the body, the test client's payload would fail the test (it cannot be over-read)."""
    body = b'--b\r\nContent-Disposition: form-data; name="kind"\r\n\r\ninteractions\r\n--b--\r\n'
    return client.generic("POST", path, body, content_type="multipart/form-data; boundary=b", CONTENT_LENGTH=size)


def test_api_refuses_an_upload_over_the_limit_with_413_before_reading_it(tenants, people, api, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    response = claimed(api(tenants.alpha, key=people.alpha_key), IMPORTS, 3 * 1024**3)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The file is 3.0\xa0GB; uploads take at most 10.0\xa0MB")
    assert not ImportRun.objects.exists()


def test_api_refuses_a_file_just_over_the_limit_by_its_exact_size(tenants, people, api, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    data = HEADER + b"".join(contact(i) for i in range(30))
    response = api(tenants.alpha, key=people.alpha_key).post(IMPORTS, {"file": upload(data)}, format="multipart")
    assert response.status_code == 413 and "IMPORT_MAX_UPLOAD_BYTES" in response.json()["detail"]
    assert not ImportRun.objects.exists() and not Interaction.objects.exists()


def test_upload_page_refuses_an_upload_over_the_limit_with_413(tenants, people, web, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    client = web(tenants.alpha, people.ada)
    assert 'data-max-bytes="10485760"' in client.get("/imports/").content.decode()
    response = claimed(client, "/imports/", 50 * 1024 * 1024)
    assert response.status_code == 413
    page = response.content.decode()
    assert "File too large" in page and "Split it into smaller files" in page
    assert not ImportRun.objects.exists()


def test_cli_refuses_a_file_over_the_limit(alpha, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    path = tmp_path / "contacts.csv"
    path.write_bytes(HEADER + b"".join(contact(i) for i in range(30)))
    with pytest.raises(CommandError, match="uploads take at most 1000"):
        call_command("import_data", "--schema", "alpha", "--kind", "interactions", str(path))


def test_amazon_connect_an_older_version_beyond_the_held_contacts_never_wins(alpha, monkeypatch):
    monkeypatch.setattr(amazon_connect, "HOLD_ROWS", 2)
    monkeypatch.setattr(services, "BATCH_SIZE", 1)  # fewer than the held contacts, as in production
    newer = ctr(1, updated="2026-03-02T12:00:00Z", Agent={"Username": "newer"})
    newer["Agent"]["ConnectedToAgentTimestamp"] = "2026-03-02T10:00:30Z"
    older = ctr(1, updated="2026-03-02T11:00:00Z")
    records = [newer, ctr(2), ctr(3), ctr(4), older]
    data = "\n".join(json.dumps(r) for r in records).encode()
    summary = import_stream(kind="amazon_connect_ctr", stream=io.BytesIO(data), tz=BERLIN).as_dict()
    assert (summary["created"], summary["updated"], summary["unchanged"], summary["rejected"]) == (4, 0, 1, 0)
    assert Interaction.objects.get(external_id="contact-1").agent.acd_login == "newer"


def test_one_batch_with_two_versions_of_a_contact_lands_the_newer(alpha, monkeypatch):
    monkeypatch.setattr(amazon_connect, "HOLD_ROWS", 1)  # both versions reach one upsert batch
    newer = ctr(1, updated="2026-03-02T12:00:00Z", Agent={"Username": "newer"})
    newer["Agent"]["ConnectedToAgentTimestamp"] = "2026-03-02T10:00:30Z"
    records = [newer, ctr(2), ctr(1, updated="2026-03-02T11:00:00Z")]
    data = "\n".join(json.dumps(r) for r in records).encode()
    summary = import_stream(kind="amazon_connect_ctr", stream=io.BytesIO(data), tz=BERLIN).as_dict()
    assert (summary["created"], summary["rejected"]) == (2, 0)
    assert Interaction.objects.get(external_id="contact-1").agent.acd_login == "newer"


TIMES = [
    "",
    "2026-03-02T10:00:00",
    "2026-03-02 10:00:05+14:00",
    "2026-03-02T10:07:00Z",
    "2026-03-29T02:30:00",  # does not exist in Berlin
    "1900-01-01T00:00:00+01:00",
    "2999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
]
NUMBERS = ["", "0", "-1", "12.5", "nan", "1e308", "99999999999", "700000000"]
TEXTS = ["", "Support", "x" * 300, "é;ü", "a,b"]
BOOLS = ["", "true", "0", "maybe"]
COLUMNS = {
    "external_id": [],
    "channel": ["", "chat", "pigeon"],
    "queue": TEXTS,
    "agent": TEXTS,
    "customer_id": TEXTS,
    "initiated_at": TIMES,
    "offered_at": TIMES,
    "answered_at": TIMES,
    "ended_at": TIMES,
    "talk_seconds": NUMBERS,
    "hold_seconds": NUMBERS,
    "acw_seconds": NUMBERS,
    "hold_count": NUMBERS,
    "outcome": ["", "answered", "abandoned", "deflected"],
    "transferred": BOOLS,
    "resolved": BOOLS,
    "missed_by": TEXTS,
    "cost": NUMBERS,
}


PLAIN = {"offered_at": "2026-03-02T10:00:00"}
FUZZED = list(COLUMNS.items())[1:]


def test_fuzzed_rows_never_fail_an_import(alpha):
    """Seeded: hostile values in any combination are each a row or a row error, never a
    failed import (an overflow in Python or in the database)."""
    import csv
    import random

    rng = random.Random(13)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(2000):
        # mostly a plain value, so that whole rows land too; any value in any column
        values = [rng.choice(pool) if rng.random() < 0.3 else PLAIN.get(c, "") for c, pool in FUZZED]
        writer.writerow([f"f{i}", *values])
    summary = import_stream(kind="interactions", stream=io.BytesIO(out.getvalue().encode()), tz=BERLIN).as_dict()
    assert summary["created"] + summary["rejected"] == 2000
    assert summary["created"] > 200 and summary["rejected"] > 200
    assert Interaction.objects.count() == summary["created"]


def test_a_name_longer_than_the_database_holds_is_a_row_error_in_any_format(alpha):
    log = (
        "1772445600|{id}|support|Agent/1|ENTERQUEUE||555|1\n"
        "1772445610|{id}|support|Agent/1|CONNECT|10|x|1\n"
        "1772445670|{id}|support|Agent/1|COMPLETECALLER|10|60|1\n"
    )
    data = (log.format(id="ok") + log.format(id="c" * 201)).encode()
    summary = import_stream(kind="asterisk_queue_log", stream=io.BytesIO(data), tz=BERLIN).as_dict()
    # created: the call "ok" and Agent/1's on_contact interval
    assert (summary["created"], summary["rejected"]) == (2, 1)
    assert [(e["line"], e["field"]) for e in summary["errors"]] == [(4, "external_id")]
    assert stored() == {"ok"}
