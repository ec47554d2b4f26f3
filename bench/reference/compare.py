"""The engine's snapshots and signals (exported) against the reference's rows."""

from __future__ import annotations

KEYS = "kpi, scope, key, period, period_start"
TABLES = (
    "d_contacts",
    "d_peak_hour",
    "d_missed",
    "d_people_out",
    "d_surveys",
    "d_responses",
    "d_effort",
    "d_qa",
    "d_resolution",
    "d_query_age",
)


def _differs(column: str, o: str = "o", t: str = "t") -> str:
    """Engine and reference disagree on a column (relative 1e-6; one NULL and not the other)."""
    return (
        f"(abs({o}.{column} - {t}.{column}) > 1e-6 * greatest(1, abs({t}.{column})) "
        f"OR ({o}.{column} IS NULL) <> ({t}.{column} IS NULL))"
    )


def snapshots(con) -> dict:
    """Counts of rows on both sides, on one side only and differing, overall and per KPI."""
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {t}" for t in TABLES)
    con.execute(f"CREATE OR REPLACE TABLE theirs AS {union}")
    con.execute(f"""
        CREATE OR REPLACE TABLE compared AS
        SELECT {KEYS}, o.kpi IS NOT NULL AS in_engine, t.kpi IS NOT NULL AS in_reference,
               {_differs("value")} AS value_differs, o.n IS DISTINCT FROM t.n AS n_differs,
               {_differs("numerator")} OR {_differs("denominator")} AS sums_differ,
               {_differs("ci_low")} OR {_differs("ci_high")} AS ci_differs,
               o.value AS engine_value, t.value AS reference_value, o.n AS engine_n, t.n AS reference_n
          FROM (SELECT * EXCLUDE (computed_at) FROM snapshots) o FULL JOIN theirs t USING ({KEYS})""")
    counts = """count(*) FILTER (in_engine AND in_reference), count(*) FILTER (NOT in_reference),
                count(*) FILTER (NOT in_engine), count(*) FILTER (in_engine AND in_reference AND value_differs),
                count(*) FILTER (in_engine AND in_reference AND n_differs),
                count(*) FILTER (in_engine AND in_reference AND sums_differ),
                count(*) FILTER (in_engine AND in_reference AND ci_differs)"""
    names = ("both", "only_engine", "only_reference", "value_differs", "n_differs", "sums_differ", "ci_differs")
    result = dict(zip(names, con.execute(f"SELECT {counts} FROM compared").fetchone(), strict=True))
    result["per_kpi"] = {
        row[0]: dict(zip(names, row[1:], strict=True))
        for row in con.execute(f"SELECT kpi, {counts} FROM compared GROUP BY kpi ORDER BY kpi").fetchall()
    }
    result["examples"] = con.execute(f"""
        SELECT {KEYS}, engine_value, reference_value, engine_n, reference_n FROM compared
         WHERE NOT in_engine OR NOT in_reference OR value_differs OR n_differs OR sums_differ OR ci_differs
         ORDER BY kpi, scope, period, period_start LIMIT 12""").fetchall()
    return result


def signals(con) -> dict:
    """The engine's signals (kind, agent, week and their numbers) against the reference's."""
    con.execute("""
        CREATE OR REPLACE TABLE signals_engine AS
        SELECT kind, agent, week_start AS week,
               CASE kind WHEN 'rushing' THEN (facts ->> 'aht_index')::DOUBLE
                         WHEN 'complexity_mismatch' THEN (facts ->> 'agent_share')::DOUBLE
                         ELSE (facts ->> 'recovery_median')::DOUBLE END AS number,
               CASE kind WHEN 'complexity_mismatch' THEN (facts ->> 'team_share')::DOUBLE END AS other,
               CASE kind WHEN 'burnout_risk' THEN (facts ->> 'occupancy_risk')::BOOLEAN END AS occupancy_risk,
               CASE kind WHEN 'burnout_risk' THEN (facts ->> 'recovery_risk')::BOOLEAN END AS recovery_risk
          FROM signals""")
    con.execute(f"""
        CREATE OR REPLACE TABLE signals_compared AS
        SELECT kind, agent, week, o.kind IS NOT NULL AS in_engine, t.kind IS NOT NULL AS in_reference,
               {_differs("number")} OR {_differs("other")}
               OR o.occupancy_risk IS DISTINCT FROM t.occupancy_risk
               OR o.recovery_risk IS DISTINCT FROM t.recovery_risk AS differs
          FROM signals_engine o FULL JOIN d_signals t USING (kind, agent, week)""")
    names = ("both", "only_engine", "only_reference", "differs")
    counts = """count(*) FILTER (in_engine AND in_reference), count(*) FILTER (NOT in_reference),
                count(*) FILTER (NOT in_engine), count(*) FILTER (in_engine AND in_reference AND differs)"""
    result = dict(zip(names, con.execute(f"SELECT {counts} FROM signals_compared").fetchone(), strict=True))
    result["per_kind"] = {
        row[0]: dict(zip(names, row[1:], strict=True))
        for row in con.execute(f"SELECT kind, {counts} FROM signals_compared GROUP BY kind ORDER BY kind").fetchall()
    }
    result["examples"] = con.execute("""
        SELECT kind, agent, week, in_engine, in_reference FROM signals_compared
         WHERE NOT in_engine OR NOT in_reference OR differs ORDER BY kind, week, agent LIMIT 12""").fetchall()
    return result
