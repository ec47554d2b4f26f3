"""A reference implementation of every KPI snapshot and coaching signal the engine writes, in
DuckDB SQL over the raw rows of one tenant (bench/kpis.py times it against the engine;
tests/scorecards/test_duckdb_reference.py checks that the two agree on a small data set).

    paths = exports.export(cursor, folder, prefix)     # COPY of the tenant's raw rows
    con = exports.load(duckdb, paths)
    timings = run(con, settings_of(tenant, now))       # the d_* tables
    compare.snapshots(con), compare.signals(con)
"""

from __future__ import annotations

import datetime as dt
import time

from . import cases, common, compare, contacts, exports, people, qa, signals, surveys

__all__ = ["compare", "engine_now", "exports", "run", "settings_of", "statements"]


def settings_of(tenant, now: dt.datetime) -> dict:
    """The tenant's KPI settings and the moment the engine computed at (query age of periods
    not over, complete weeks of effort)."""
    return {
        "tz": tenant.timezone,
        "window_days": tenant.repeat_window_days,
        "short_abandon": tenant.short_abandon_seconds,
        "sl_seconds": tenant.service_level_seconds,
        "sl_inclusive": tenant.service_level_inclusive,
        "min_sample": tenant.min_sample,
        "cost_per_paid_hour": tenant.cost_per_paid_hour,
        "cost_per_contact_minute": tenant.cost_per_contact_minute,
        "now": now,
        "today": now.astimezone(tenant.tz).date(),
    }


def statements(p: dict) -> list[tuple[str, str]]:
    return [
        *contacts.statements(p),
        *people.statements(p),
        *surveys.statements(p),
        *qa.statements(p),
        *cases.statements(p),
        *signals.statements(p),
    ]


def run(con, p: dict) -> list[tuple[str, float]]:
    """Every statement, in order; returns (label, seconds) of each."""
    common.setup(con)
    timings = []
    for label, sql in statements(p):
        began = time.perf_counter()
        con.execute(sql)
        timings.append((label, time.perf_counter() - began))
    return timings


def engine_now(con) -> dt.datetime:
    """When the engine's last run computed: the newest computed_at of its snapshots (every run
    rewrites the query age of the periods not over, which changes with the time)."""
    micros = con.execute("SELECT epoch_us(max(computed_at)) FROM snapshots").fetchone()[0]
    return dt.datetime.fromtimestamp(micros / 1e6, dt.UTC)
