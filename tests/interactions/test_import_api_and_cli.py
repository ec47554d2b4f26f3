"""The same import through the REST API, the CLI and the admin's page."""

import json
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from interactions.models import ImportRun, Interaction
from tests.interactions.test_import_service import GOOD, HEADER
from tests.paths import ROOT

CSV = (HEADER + "".join(GOOD) + "bad,voice,,,,,not-a-date,,,,,,abandoned,,\n").encode()


def upload(name="contacts.csv", data=CSV):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_api_import_returns_the_summary_and_records_the_run(tenants, people, api):
    response = api(tenants.alpha, key=people.alpha_key).post(
        "/api/v1/imports/interactions/", {"file": upload()}, format="multipart"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["rejected"]) == (3, 1)
    assert body["errors"][0]["line"] == 5 and body["errors"][0]["field"] == "offered_at"
    run = ImportRun.objects.get(pk=body["import_id"])
    assert (run.kind, run.file_name, run.source, run.created_by_label) == (
        "interactions",
        "contacts.csv",
        "api",
        "apikey:alpha crm",
    )


def test_api_import_unknown_kind_and_unreadable_file_are_clear_errors(tenants, people, api):
    client = api(tenants.alpha, key=people.alpha_key)
    response = client.post("/api/v1/imports/pigeons/", {"file": upload()}, format="multipart")
    assert response.status_code == 404 and "interactions" in response.json()["detail"]
    response = client.post(
        "/api/v1/imports/interactions/", {"file": upload(data="é,x\n1,2\n".encode("latin-1"))}, format="multipart"
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize("who", ["mona", "alice"])
def test_only_admins_and_keys_may_import(tenants, people, api, who):
    response = api(tenants.alpha, user=getattr(people, who)).post(
        "/api/v1/imports/interactions/", {"file": upload()}, format="multipart"
    )
    assert response.status_code == 403
    assert Interaction.objects.count() == 0


def test_revoked_key_is_refused(tenants, people, api):
    from accounts.models import ApiKey
    from accounts.services import apikey_revoke

    apikey_revoke(key=ApiKey.objects.get(name="alpha crm"))
    response = api(tenants.alpha, key=people.alpha_key).get("/api/v1/interactions/")
    assert response.status_code == 401


def test_cli_prints_json_summary_and_exits_zero_with_rejections(tenants, people, tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    path.write_bytes(CSV)
    call_command("import_data", "--schema", "alpha", "--kind", "interactions", str(path))
    summary = json.loads(capsys.readouterr().out)
    assert (summary["created"], summary["rejected"]) == (3, 1)
    assert ImportRun.objects.get().source == "cli"


def test_cli_exits_nonzero_when_the_file_cannot_be_read(tenants, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes((HEADER + GOOD[0]).encode("utf-16"))
    result = subprocess.run(
        [sys.executable, "manage.py", "import_data", "--schema", "alpha", "--kind", "interactions", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _test_database_url(),
        },
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "UTF-8" in result.stderr


def _test_database_url():
    from urllib.parse import quote

    from django.db import connection

    s = connection.settings_dict
    host = quote(s["HOST"] or "localhost", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@{host}{port}/{s['NAME']}"


def test_upload_page_imports_and_shows_rejected_lines(tenants, people, web):
    client = web(tenants.alpha, people.ada)
    response = client.post("/imports/", {"kind": "interactions", "file": upload()}, follow=True)
    page = response.content.decode()
    assert "Rejected lines" in page and "not-a-date" in page
    assert Interaction.objects.count() == 3
    history = client.get("/imports/history/").content.decode()
    assert "contacts.csv" in history and "ada@alpha.test" in history
