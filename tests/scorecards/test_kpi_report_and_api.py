"""``manage.py kpi_report`` and GET /api/v1/kpis/: the same rows, scoped to who asks."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from interactions.services import import_stream
from scorecards.engine import recompute

CONTACTS = """external_id,agent,queue,customer_id,offered_at,answered_at,talk_seconds,outcome,resolved
a1,alice.a,Billing,K1,2026-03-02T09:00:00,2026-03-02T09:00:10,100,answered,true
a2,alice.a,Billing,K2,2026-03-09T09:00:00,2026-03-09T09:00:30,300,answered,true
b1,bob.b,Billing,K3,2026-03-03T09:00:00,2026-03-03T09:00:20,200,answered,false
x1,,Billing,,2026-03-03T10:00:00,,,abandoned,
"""


@pytest.fixture
def computed(tenants, people, in_tenant):
    import_stream(kind="interactions", stream=io.BytesIO(CONTACTS.encode()), tz=tenants.alpha.tz)
    recompute()
    in_tenant(tenants.beta)
    import_stream(
        kind="interactions",
        stream=io.BytesIO(
            b"external_id,agent,offered_at,answered_at,talk_seconds\nz1,bert.b,2026-03-02T09:00:00,"
            b"2026-03-02T09:00:05,50\n"
        ),
        tz=tenants.beta.tz,
    )
    recompute()
    in_tenant(tenants.alpha)
    return people


def report(capsys, *args):
    call_command("kpi_report", "--schema", "alpha", *args)
    return capsys.readouterr().out


def test_report_json_rows_cover_every_period_overlapping_the_range(computed, capsys):
    out = report(
        capsys,
        "--scope",
        "agent",
        "--period",
        "week",
        "--start",
        "2026-03-04",
        "--end",
        "2026-03-09",
        "--kpi",
        "aht,calls_handled",
        "--format",
        "json",
    )
    rows = json.loads(out)
    # 4 March falls in the week of 2 March, 9 March starts the next one
    assert {(r["key"], r["period_start"], r["kpi"]) for r in rows} == {
        ("alice.a", "2026-03-02", "aht"),
        ("alice.a", "2026-03-02", "calls_handled"),
        ("bob.b", "2026-03-02", "aht"),
        ("bob.b", "2026-03-02", "calls_handled"),
        ("alice.a", "2026-03-09", "aht"),
        ("alice.a", "2026-03-09", "calls_handled"),
    }
    aht = next(r for r in rows if r["key"] == "alice.a" and r["kpi"] == "aht" and r["period_start"] == "2026-03-02")
    assert aht == {
        "kpi": "aht",
        "scope": "agent",
        "key": "alice.a",
        "period": "week",
        "period_start": "2026-03-02",
        "value": 100.0,
        "numerator": 100.0,
        "denominator": 1.0,
        "n": 1,
        "ci_low": None,
        "ci_high": None,
        "insufficient_data": True,
    }


def test_report_csv_and_kpis_omitted_where_a_group_has_no_data(computed, capsys):
    out = report(
        capsys,
        "--scope",
        "tenant",
        "--period",
        "week",
        "--start",
        "2026-03-02",
        "--end",
        "2026-03-08",
        "--format",
        "csv",
    )
    lines = out.strip().splitlines()
    assert lines[0] == (
        "kpi,scope,key,period,period_start,value,numerator,denominator,n,ci_low,ci_high,insufficient_data"
    )
    kpis = {line.split(",")[0] for line in lines[1:]}
    assert {"service_level", "abandonment_rate", "fcr", "aht"} <= kpis
    assert "csat" not in kpis  # no survey responses: no row rather than a zero
    assert "occupancy" not in kpis


def test_report_refuses_unknown_kpis(computed):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown KPI"):
        call_command(
            "kpi_report",
            "--schema",
            "alpha",
            "--scope",
            "agent",
            "--period",
            "week",
            "--start",
            "2026-03-02",
            "--end",
            "2026-03-08",
            "--kpi",
            "speed",
        )


def api_rows(client, **params):
    query = {"period": "week", "start": "2026-03-02", "end": "2026-03-08", **params}
    response = client.get("/api/v1/kpis/", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_api_returns_the_report_rows(computed, api, tenants, capsys):
    rows = api_rows(api(tenants.alpha, key=computed.alpha_key), scope="agent", kpi="aht")
    out = json.loads(
        report(
            capsys,
            "--scope",
            "agent",
            "--period",
            "week",
            "--start",
            "2026-03-02",
            "--end",
            "2026-03-08",
            "--kpi",
            "aht",
        )
    )
    assert rows == out and len(rows) == 2


def test_an_agent_reads_only_her_own_rows(computed, api, tenants):
    alice = api(tenants.alpha, user=computed.alice)
    assert {r["key"] for r in api_rows(alice, scope="agent")} == {"alice.a"}
    assert api_rows(alice, scope="agent", key="bob.b") == []
    assert api_rows(alice, scope="team") == []
    assert api_rows(alice, scope="tenant") == []


def test_a_manager_reads_her_teams_and_the_impersonal_groups(computed, api, tenants):
    mona = api(tenants.alpha, user=computed.mona)
    assert {r["key"] for r in api_rows(mona, scope="agent")} == {"alice.a"}
    assert {r["key"] for r in api_rows(mona, scope="team")} == {"North"}
    assert {r["key"] for r in api_rows(mona, scope="queue")} == {"Billing"}


def test_another_tenants_key_sees_nothing_of_alpha(computed, api, tenants):
    # beta's key on alpha's host is unknown there
    response = api(tenants.alpha, key=computed.beta_key).get(
        "/api/v1/kpis/", {"scope": "tenant", "period": "week", "start": "2026-03-02", "end": "2026-03-08"}
    )
    assert response.status_code in (401, 403)
    # on its own host it reads beta's numbers only
    rows = api_rows(api(tenants.beta, key=computed.beta_key), scope="agent")
    assert {r["key"] for r in rows} == {"bert.b"}


def test_api_explains_bad_parameters(computed, api, tenants):
    client = api(tenants.alpha, key=computed.alpha_key)
    response = client.get(
        "/api/v1/kpis/",
        {"scope": "galaxy", "period": "week", "start": "2026-03-02", "end": "2026-03-01", "kpi": "fcr,speed"},
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"scope", "kpi"}


def test_recompute_requests_coalesce_into_one_pending_run_and_one_message(
    tenants, in_tenant, django_capture_on_commit_callbacks
):
    """Through the real Redis broker: four requests queue one task, for the union of their days;
    a full request absorbs the partial ones."""
    from config.celery import app
    from scorecards.models import KpiRecomputeRequest
    from scorecards.services import kpi_recompute_enqueue

    in_tenant(tenants.alpha)
    app.control.purge()
    with app.connection_for_write() as conn:
        queue = conn.default_channel.client
        try:
            with django_capture_on_commit_callbacks(execute=True):
                for _ in range(3):
                    kpi_recompute_enqueue(
                        since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 2), reason="survey", debounce_seconds=60
                    )
                kpi_recompute_enqueue(
                    since=dt.date(2026, 3, 9), until=dt.date(2026, 3, 10), reason="survey", debounce_seconds=60
                )
            assert queue.llen("kpis") == 1
            pending = KpiRecomputeRequest.objects.get()
            assert (pending.since, pending.until, pending.reasons) == (
                dt.date(2026, 3, 2),
                dt.date(2026, 3, 10),
                "survey",
            )

            with django_capture_on_commit_callbacks(execute=True):
                kpi_recompute_enqueue(since=dt.date(2026, 3, 4), until=dt.date(2026, 3, 4), reason="qa")
                kpi_recompute_enqueue(reason="settings")
            # the QA decision wants its run now, not in a minute: one more message, due now
            assert queue.llen("kpis") == 1 + 1
            pending = KpiRecomputeRequest.objects.get()
            assert (pending.since, pending.until, pending.reasons) == (None, None, "survey, qa, settings")
        finally:
            app.control.purge()
