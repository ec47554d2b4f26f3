"""What keeps the KPI API and the scorecard page cheap under load stays correct.

The API answers in at most 4 queries, middleware included (the host's tenant cached, the
page and its total in one query, an API key's last use written once a minute); the scorecard
page's content is cached per data version and viewer scope (scorecards/page_cache.py): a
recompute or a target change shows at once, and no one sees another team's or tenant's content.
Neither reads the contact or activity tables: their cost does not grow with the history.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from accounts.models import ApiKey
from interactions.services import import_stream
from scorecards.engine import recompute
from scorecards.formatting import format_value
from scorecards.targets import target_set
from tenants.services import tenant_resume, tenant_suspend
from tests.factories import KpiSnapshotFactory

WEEK = "2026-03-02"
API = f"/api/v1/kpis/?scope=agent&period=week&start={WEEK}&end=2026-03-08"
PAGE = {"period": "week", "date": WEEK}
# Tables whose rows grow with the contact history: a page or API reading them would slow down
# as the tenant grows (1M -> 10M contacts); they read snapshots only.
HISTORY_TABLES = re.compile(
    r'"(interactions_interaction|interactions_agentactivity|interactions_scheduleentry|'
    r'scorecards_\w*daysum\w*|surveys_surveyresponse|surveys_surveyinvitation|qa_evaluation)"'
)

CONTACTS = """external_id,agent,queue,customer_id,offered_at,answered_at,talk_seconds,outcome,resolved
a1,alice.a,Billing,K1,2026-03-02T09:00:00,2026-03-02T09:00:10,100,answered,true
b1,bob.b,Billing,K3,2026-03-03T09:00:00,2026-03-03T09:00:20,200,answered,false
"""


@pytest.fixture(autouse=True)
def _host_cache_on(settings):
    """As in production (the tests' settings read the host's tenant on every request)."""
    settings.TENANT_HOST_CACHE_SECONDS = 300


def load(tenant, csv_text: str) -> None:
    import_stream(kind="interactions", stream=io.BytesIO(csv_text.encode()), tz=tenant.tz)
    recompute()


def whole_request(client, url, params=None):
    """Every query of one request, middleware included, from a connection left on the public
    schema (the worst case: the tenant's search_path must be set again, and that counts)."""
    connection.set_schema(get_public_schema_name())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    return response, [q["sql"] for q in ctx.captured_queries]


# --- the API ----------------------------------------------------------------------------------


def test_the_kpi_api_answers_in_at_most_four_queries_with_the_same_rows(tenants, people, api):
    load(tenants.alpha, CONTACTS)
    client = api(tenants.alpha, key=people.alpha_key)
    # The first request of a host in TENANT_HOST_CACHE_SECONDS reads its tenant in the public schema.
    cold, cold_sql = whole_request(client, API)
    assert sum("tenants_domain" in sql for sql in cold_sql) == 1 and len(cold_sql) <= 6, cold_sql
    # Every other: the search_path, the key, its last use (once a minute), the page with its total.
    ApiKey.objects.filter(name="alpha crm").update(last_used_at=timezone.now() - dt.timedelta(minutes=5))
    worst, worst_sql = whole_request(client, API)
    typical, typical_sql = whole_request(client, API)
    assert cold.status_code == worst.status_code == typical.status_code == 200
    assert len(worst_sql) <= 4, worst_sql
    assert len(typical_sql) <= 3, typical_sql
    assert not any("tenants_domain" in sql for sql in worst_sql + typical_sql)
    assert sum(sql.startswith("UPDATE") for sql in worst_sql) == 1
    assert not any(sql.startswith("UPDATE") for sql in typical_sql)
    body = typical.json()
    assert body["count"] == len(body["results"]) > 0
    assert {(r["key"], r["kpi"]) for r in body["results"]} >= {("alice.a", "aht"), ("bob.b", "aht")}
    aht = next(r for r in body["results"] if r["key"] == "alice.a" and r["kpi"] == "aht")
    assert aht["value"] == 100.0
    assert cold.json() == worst.json() == body


def test_an_api_key_use_is_recorded_once_a_minute(tenants, people, api):
    client = api(tenants.alpha, key=people.alpha_key)
    key = ApiKey.objects.get(name="alpha crm")
    assert client.get(API).status_code == 200
    first_use = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first_use is not None
    client.get(API)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first_use
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first_use - dt.timedelta(minutes=2))
    client.get(API)
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first_use - dt.timedelta(minutes=1)


def test_pages_of_the_api_count_the_whole_result_as_before(tenants, people, api):
    for i in range(130):
        KpiSnapshotFactory(kpi="aht", key=f"agent{i:03d}", value=float(i))
    client = api(tenants.alpha, key=people.alpha_key)
    first = client.get(API).json()
    second = client.get(API + "&page=2").json()
    assert (first["count"], len(first["results"]), second["count"], len(second["results"])) == (130, 100, 130, 30)
    assert "page=2" in first["next"] and first["previous"] is None
    assert second["next"] is None and second["previous"] is not None
    keys = [r["key"] for r in first["results"] + second["results"]]
    assert keys == sorted(keys) and len(set(keys)) == 130
    assert client.get(API + "&page=3").status_code == 404
    assert client.get(API + "&page=last").json()["results"] == second["results"]
    empty = client.get(API.replace("2026-03-02", "2020-01-06").replace("2026-03-08", "2020-01-12")).json()
    assert (empty["count"], empty["results"], empty["next"]) == (0, [], None)


def test_a_suspension_reaches_the_cached_host_at_once_and_so_does_the_resume(tenants, people, api):
    client = api(tenants.alpha, key=people.alpha_key)
    assert client.get(API).status_code == 200  # the host's tenant is now cached
    tenant_suspend(tenant=tenants.alpha, reason="invoice overdue")
    refused = client.get(API)
    assert (refused.status_code, refused.json()["detail"]) == (403, "This contact center is suspended.")
    tenant_resume(tenant=tenants.alpha)
    assert client.get(API).status_code == 200


def test_a_renamed_domain_is_not_served_from_the_cache(tenants, people, api):
    client = api(tenants.alpha, key=people.alpha_key)
    assert client.get(API).status_code == 200
    domain = tenants.alpha.get_primary_domain()
    old = domain.domain
    domain.domain = "alpha-renamed.localhost"
    domain.save()
    assert client.get(API, HTTP_HOST=old).status_code == 404
    assert client.get(API, HTTP_HOST="alpha-renamed.localhost").status_code == 200


# --- the scorecard page -----------------------------------------------------------------------


def main(response) -> bytes:
    """The page's main content (the rest carries a CSRF token masked anew on every response)."""
    return response.content.split(b"<main", 1)[1].split(b"</main>", 1)[0]


def agent_row(html: str, login_name: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    return next(row for row in rows if login_name in row)


def test_a_recompute_shows_on_the_cached_page_at_once(tenants, people, web):
    load(tenants.alpha, CONTACTS)
    client = web(tenants.alpha, people.mona)
    before = client.get("/kpis/", PAGE).content.decode()
    assert format_value("aht", 100.0) in agent_row(before, "alice")
    load(
        tenants.alpha,
        "external_id,agent,queue,customer_id,offered_at,answered_at,talk_seconds,outcome,resolved\n"
        "a2,alice.a,Billing,K2,2026-03-04T09:00:00,2026-03-04T09:00:10,300,answered,true\n",
    )
    after = client.get("/kpis/", PAGE).content.decode()
    assert format_value("aht", 200.0) in agent_row(after, "alice")


def test_the_page_is_served_from_the_cache_until_the_data_changes(tenants, people, web):
    load(tenants.alpha, CONTACTS)
    client = web(tenants.alpha, people.mona)
    miss, miss_sql = whole_request(client, "/kpis/", PAGE)
    hit, hit_sql = whole_request(client, "/kpis/", PAGE)
    assert main(hit) == main(miss) and b"alice" in main(hit)
    assert any("scorecards_kpisnapshot" in sql for sql in miss_sql)
    assert not any("scorecards_kpisnapshot" in sql or "scorecards_target" in sql for sql in hit_sql), hit_sql
    assert len(hit_sql) < len(miss_sql)
    # In German the same data is another page, not the English one from the cache.
    people.mona.language = "de"
    people.mona.save(update_fields=["language"])
    german = main(client.get("/kpis/", PAGE)).decode()
    assert "Sorted by name" in main(hit).decode() and "Sorted by name" not in german


def test_a_target_change_shows_on_the_cached_page_at_once(tenants, people, web):
    KpiSnapshotFactory(kpi="fcr", scope="team", key="North", value=82.0, n=120)
    client = web(tenants.alpha, people.mona)
    before = client.get("/kpis/", PAGE).content.decode()
    assert 'class="kpi-card band-' not in before
    target_set(kpi="fcr", team=people.north, green=80, amber=70, effective_from=dt.date(2026, 1, 5), by=people.ada)
    after = client.get("/kpis/", PAGE).content.decode()
    assert 'class="kpi-card band-green" id="kpi-fcr"' in after


def test_managers_of_different_teams_never_see_each_others_cached_content(tenants, people, web):
    load(tenants.alpha, CONTACTS)
    mona, max_ = web(tenants.alpha, people.mona), web(tenants.alpha, people.max)
    for _ in range(2):  # the second round is served from the cache
        north, south = mona.get("/kpis/", PAGE).content.decode(), max_.get("/kpis/", PAGE).content.decode()
        assert "alice" in north and "bob" not in north
        assert "bob" in south and "alice" not in south
    # an agent moved to mona's team shows on her page at once, with no recompute
    bob = people.bob.agent
    bob.team = people.north
    bob.save(update_fields=["team"])
    assert "bob" in mona.get("/kpis/", PAGE).content.decode()
    assert "bob" not in max_.get("/kpis/", PAGE).content.decode()


def test_the_other_tenant_never_sees_the_cached_content(tenants, people, web, in_tenant):
    load(tenants.alpha, CONTACTS)
    in_tenant(tenants.beta)
    load(
        tenants.beta,
        "external_id,agent,offered_at,answered_at,talk_seconds\nz1,bert.b,2026-03-02T09:00:00,2026-03-02T09:00:05,50\n",
    )
    in_tenant(tenants.alpha)
    query = {**PAGE, "team": "all", "kpi": "aht"}
    alpha_page = web(tenants.alpha, people.ada).get("/kpis/", query).content.decode()
    in_tenant(tenants.beta)
    beta_page = web(tenants.beta, people.bea).get("/kpis/", query).content.decode()
    assert alpha_page != beta_page
    assert format_value("aht", 50.0) in beta_page
    assert format_value("aht", 150.0) in alpha_page and format_value("aht", 150.0) not in beta_page


# --- neither reads the history ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [PAGE, {**PAGE, "team": "all"}, {**PAGE, "queue": "Billing"}, {"period": "month", "date": WEEK, "kpi": "aht"}],
)
def test_the_scorecard_page_reads_no_contact_or_activity_table(tenants, people, web, query):
    load(tenants.alpha, CONTACTS)
    response, sql = whole_request(web(tenants.alpha, people.ada), "/kpis/", query)
    assert response.status_code == 200 and b"kpi-card" in response.content
    assert [s for s in sql if HISTORY_TABLES.search(s)] == []


def test_the_kpi_api_reads_no_contact_or_activity_table(tenants, people, api):
    load(tenants.alpha, CONTACTS)
    for client in (api(tenants.alpha, key=people.alpha_key), api(tenants.alpha, user=people.mona)):
        response, sql = whole_request(client, API)
        assert response.status_code == 200 and json.loads(response.content)["count"] > 0
        assert [s for s in sql if HISTORY_TABLES.search(s)] == []
        assert any("scorecards_kpisnapshot" in s for s in sql)


def test_a_stale_last_use_does_not_stop_the_key(tenants, people, api):
    ApiKey.objects.filter(name="alpha crm").update(last_used_at=timezone.now() - dt.timedelta(days=30))
    assert api(tenants.alpha, key=people.alpha_key).get(API).status_code == 200
