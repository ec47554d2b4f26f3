"""The KPI engine against an independent implementation in DuckDB (bench/reference/): a few
weeks of demo data through the normal import and services (surveys and their invitations,
effort answers, QA evaluations, cases, an excluded contact, cost rates), the engine's full
recompute, then the reference over the same raw rows. Every snapshot and every coaching
signal must agree, and every KPI of the catalogue and every signal kind must be compared."""

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Agent
from bench.reference import compare, engine_now, exports, run, settings_of
from coaching.exclusions import exclusion_add
from coaching.models import SignalKind
from common import periods
from interactions.demo import demo_plan, generate
from interactions.ingestion.rows import InteractionRow
from interactions.management.commands.demo_data import Command as DemoData
from interactions.models import Interaction, InteractionType
from interactions.services import import_rows
from qa.demo import qa_demo_create
from scorecards import engine
from scorecards.catalogue import KPIS
from surveys.demo import demo_surveys_create

duckdb = pytest.importorskip("duckdb")


@pytest.fixture
def costed(tenants):
    """Cost rates on alpha (the tenant object is shared by the session: put them back)."""
    tenant = tenants.alpha
    before = (tenant.cost_per_paid_hour, tenant.cost_per_contact_minute)
    tenant.cost_per_paid_hour, tenant.cost_per_contact_minute = 24, 0.4
    tenant.save(update_fields=["cost_per_paid_hour", "cost_per_contact_minute"])
    yield tenant
    tenant.cost_per_paid_hour, tenant.cost_per_contact_minute = before
    tenant.save(update_fields=["cost_per_paid_hour", "cost_per_contact_minute"])


def _demo_data(tenant, admin) -> None:
    # 17 agents: the demo's personas include rushers, complex-mix agents and an overloaded one
    plan = demo_plan(agents=17)
    DemoData._organise(plan)
    # one type without a configured handle time: aht_index and the signals use its median
    InteractionType.objects.filter(name="general_inquiry").update(expected_handle_seconds=None)
    today = timezone.now().astimezone(tenant.tz).date()
    start = periods.week_start(today) - dt.timedelta(days=21)
    # the first complex-mix agent takes only the most complex type: a complexity mismatch
    complex_agent = next(login for login, persona in plan.personas.items() if persona == "complex")

    def rows():
        for row in generate(plan, start=start, days=14, tz=tenant.tz):
            if isinstance(row, InteractionRow) and row.agent == complex_agent:
                row = dataclasses.replace(row, interaction_type="tech_support")
            yield row

    summary = import_rows(rows())
    assert summary.rejected == 0, summary.errors[:3]
    demo_surveys_create(personas=plan.personas)
    qa_demo_create(personas=plan.personas)
    # the longest contacts of that type left out (an outage): they count nowhere, not even in
    # the type's median (enough of them to move it past ties)
    long = Interaction.objects.filter(outcome="answered", interaction_type__name="general_inquiry")
    for contact in long.order_by("-handle_seconds")[:60]:
        exclusion_add(interaction=contact, reason="outage", by=admin)
    # an agent with contacts but no team: in the center's figures, in no team's
    Agent.objects.filter(acd_login=plan.teams["Team Delta"][0]).update(team=None)


def test_engine_and_duckdb_reference_agree(tenants, in_tenant, people, costed, tmp_path):
    tenant = in_tenant(tenants.alpha)
    _demo_data(tenant, people.ada)
    engine.recompute(reason="test")

    with connection.cursor() as cur:
        paths = exports.export(cur, tmp_path, "alpha")
    con = exports.load(duckdb, paths)
    run(con, settings_of(tenant, engine_now(con)))

    snapshots = compare.snapshots(con)
    assert snapshots["examples"] == []
    assert {k: v for k, v in snapshots.items() if k not in ("per_kpi", "examples")} == {
        "both": snapshots["both"],
        "only_engine": 0,
        "only_reference": 0,
        "value_differs": 0,
        "n_differs": 0,
        "sums_differ": 0,
        "ci_differs": 0,
    }
    # not vacuous: every KPI of the catalogue was compared, over many rows
    assert set(snapshots["per_kpi"]) == set(KPIS)
    assert all(counts["both"] > 0 for counts in snapshots["per_kpi"].values())
    assert snapshots["both"] > 5000

    signals = compare.signals(con)
    assert signals["examples"] == []
    assert (signals["only_engine"], signals["only_reference"], signals["differs"]) == (0, 0, 0)
    assert set(signals["per_kind"]) == set(SignalKind.values)
    con.close()
