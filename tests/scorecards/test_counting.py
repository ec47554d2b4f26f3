"""One rule of which contacts count (scorecards.counting): a contact a manager leaves out goes
from the KPI value and from the drill-down behind it alike, and comes back to both. The
contacts are those of tests/scorecards/test_engine.py (c1, c2 alice's on Monday 2 March;
c5 an abandoned contact with no agent, offered)."""

import re

import pytest
from django.db import connection

from coaching.exclusions import exclusion_add, exclusion_remove
from interactions.models import Interaction
from scorecards.counting import counted_filter, counted_sql
from scorecards.engine import recompute
from tests.scorecards.test_engine import CONTACTS, WEEK, kpi, load

DRILL = "/kpis/drilldown/"


@pytest.fixture
def contacts(people):
    load("interactions", CONTACTS)
    recompute()
    return people


def c(ext):
    return Interaction.objects.get(external_id=ext)


def drilled(client, kpi_code, scope, key) -> list[str]:
    response = client.get(
        DRILL, {"kpi": kpi_code, "scope": scope, "key": key, "period": "week", "start": WEEK.isoformat()}
    )
    assert response.status_code == 200
    return re.findall(r'<tr data-contact="([^"]*)">', response.content.decode())


def test_an_excluded_contact_leaves_the_value_and_its_drilldown(contacts, tenants, web):
    mona = web(tenants.alpha, contacts.mona)
    aht = kpi("aht", scope="agent", key="alice.a")
    assert (aht.value, aht.n) == (pytest.approx(310.0), 2)  # c1 400 s, c2 220 s
    assert drilled(mona, "aht", "agent", "alice.a") == ["c1", "c2"]
    assert "c5" in drilled(mona, "service_level", "tenant", "all")

    exclusion = exclusion_add(interaction=c("c1"), reason="outage", by=contacts.mona)
    exclusion_add(interaction=c("c5"), reason="outage", by=contacts.ada)  # center-wide: an admin's
    recompute()  # what the exclusion enqueues, run here (no broker in tests)
    aht = kpi("aht", scope="agent", key="alice.a")
    assert (aht.value, aht.n) == (pytest.approx(220.0), 1)
    assert drilled(mona, "aht", "agent", "alice.a") == ["c2"]
    service_level = drilled(mona, "service_level", "tenant", "all")
    assert "c5" not in service_level and len(service_level) == kpi("service_level").n

    exclusion_remove(exclusion=exclusion, by=contacts.mona)
    recompute(since=WEEK, until=WEEK)
    assert kpi("aht", scope="agent", key="alice.a").n == 2
    assert drilled(mona, "aht", "agent", "alice.a") == ["c1", "c2"]


def test_the_sql_and_the_orm_forms_of_the_rule_agree(contacts):
    exclusion_add(interaction=c("c1"), reason="outage", by=contacts.ada)
    removed = exclusion_add(interaction=c("c2"), reason="outage", by=contacts.ada)
    exclusion_remove(exclusion=removed, by=contacts.ada)  # counts again
    with connection.cursor() as cur:
        cur.execute(f"SELECT i.external_id FROM interactions_interaction i WHERE {counted_sql('i')}")
        by_sql = sorted(row[0] for row in cur.fetchall())
    by_orm = sorted(Interaction.objects.filter(counted_filter()).values_list("external_id", flat=True))
    assert by_sql == by_orm
    assert "c1" not in by_orm and "c2" in by_orm and len(by_orm) == Interaction.objects.count() - 1
