"""The raw rows the reference reads, exported from the tenant's schema with COPY (CSV) and
loaded into an in-memory DuckDB. Only stored rows and settings: nothing the engine derived,
except its own output (snapshots, signals), which is what the reference is compared with."""

from __future__ import annotations

from pathlib import Path

EXPORTS = {
    "interactions": """SELECT id, channel, queue_id, interaction_type_id, agent_id, customer_id, case_id,
        initiated_at, offered_at, answered_at, ended_at, talk_seconds, hold_seconds, acw_seconds,
        handle_seconds, wait_seconds, outcome, transferred, resolved, callback_requested, cost,
        array_to_string(missed_by, ',') AS missed_by
        FROM interactions_interaction""",
    "exclusions": "SELECT interaction_id, removed_at FROM coaching_interactionexclusion",
    "activity": 'SELECT agent_id, state, start, "end" FROM interactions_agentactivity',
    "schedule": 'SELECT agent_id, activity, start, "end" FROM interactions_scheduleentry',
    "agents": "SELECT id, acd_login, team_id FROM accounts_agent",
    "teams": "SELECT id, name FROM accounts_team",
    "queues": "SELECT id, name FROM interactions_queue",
    "itypes": "SELECT id, name, expected_handle_seconds FROM interactions_interactiontype",
    "responses": "SELECT id, interaction_id, survey, score, invitation_id FROM surveys_surveyresponse",
    "invitations": "SELECT id, interaction_id FROM surveys_surveyinvitation",
    "effort": "SELECT id, agent_id, team_id, submitted_at, effort FROM surveys_effortresponse",
    "evaluations": """SELECT interaction_id, status, calibration_id, score_pct, compliance_failed
        FROM scorecards_qaevaluation""",
    "snapshots": """SELECT kpi, scope, key, period, period_start, value, numerator, denominator,
        n, ci_low, ci_high, computed_at FROM scorecards_kpisnapshot""",
    "signals": """SELECT s.kind, a.acd_login AS agent, s.week_start, s.facts::text AS facts
        FROM coaching_signal s JOIN accounts_agent a ON a.id = s.agent_id""",
}
TYPES = {
    **dict.fromkeys(
        ("initiated_at", "offered_at", "answered_at", "ended_at", "start", "end", "removed_at", "submitted_at"),
        "TIMESTAMPTZ",
    ),
    "computed_at": "TIMESTAMPTZ",
    **dict.fromkeys(("transferred", "resolved", "callback_requested", "compliance_failed"), "BOOLEAN"),
    **dict.fromkeys(("period_start", "week_start"), "DATE"),
    **dict.fromkeys(
        ("key", "case_id", "customer_id", "missed_by", "facts", "status", "kind", "agent", "name", "acd_login"),
        "VARCHAR",
    ),
    **dict.fromkeys(("cost", "score_pct", "value", "numerator", "denominator", "ci_low", "ci_high"), "DOUBLE"),
    **dict.fromkeys(
        ("id", "interaction_id", "agent_id", "queue_id", "interaction_type_id", "calibration_id", "invitation_id"),
        "BIGINT",
    ),
    **dict.fromkeys(("team_id", "expected_handle_seconds", "score", "effort", "n"), "BIGINT"),
    **dict.fromkeys(("talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds", "wait_seconds"), "BIGINT"),
    **dict.fromkeys(("channel", "outcome", "state", "activity", "survey", "kpi", "scope", "period"), "VARCHAR"),
}


def export(cursor, folder: Path, prefix: str) -> dict[str, Path]:
    """COPY every table of EXPORTS to ``folder/prefix-<name>.csv`` through a Django cursor of
    the tenant (its schema on the search path); times in UTC."""
    paths = {}
    cursor.execute("SET TimeZone = 'UTC'")  # Django's own setting too (USE_TZ)
    for name, sql in EXPORTS.items():
        path = folder / f"{prefix}-{name}.csv"
        with (
            path.open("wb") as out,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy,
        ):
            for chunk in copy:
                out.write(chunk)
        paths[name] = path
    return paths


def load(duckdb, paths: dict[str, Path]):
    """An in-memory DuckDB with one table per export."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name, path in paths.items():
        header = [c.strip('"') for c in path.open().readline().strip().split(",")]
        types = {c: TYPES[c] for c in header if c in TYPES}
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header = true, types = ?)", [str(path), types])
    return con
