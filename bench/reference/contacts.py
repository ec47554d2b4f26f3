"""The contact families of the reference: one row per counted contact (``d_facts``) with the
derivations of the spec's "Per interaction" section, then fcr, aht, service level... (the
contacts family, cost per contact outside the people scopes), peak_hour and missed_calls."""

from __future__ import annotations

from .common import CONTACT_SCOPES, NOT_AGENT, PEOPLE_SCOPES, grouping, local, periods_of, plain, struct, unpivot, value


def counted() -> str:
    """The contacts that count: none a manager left out while the exclusion is active."""
    return """
CREATE OR REPLACE TABLE d_counted AS
SELECT * FROM interactions i
 WHERE NOT EXISTS (SELECT 1 FROM exclusions x WHERE x.interaction_id = i.id AND x.removed_at IS NULL)"""


def expected(p: dict) -> str:
    """Expected handle seconds per type and local quarter with handled contacts: the configured
    one, else the median handle time of the type's handled contacts in that quarter."""
    tz = p["tz"]
    return f"""
CREATE OR REPLACE TABLE d_expected AS
SELECT c.interaction_type_id AS itype_id, it.name AS itype,
       date_trunc('quarter', {local("c.offered_at", tz)})::DATE AS quarter,
       COALESCE(any_value(it.expected_handle_seconds)::DOUBLE, median(c.handle_seconds)) AS seconds
  FROM d_counted c JOIN itypes it ON it.id = c.interaction_type_id
 WHERE c.outcome = 'answered'
 GROUP BY ALL"""


def facts(p: dict) -> str:
    tz, w = p["tz"], int(p["window_days"])
    sa, sl = int(p["short_abandon"]), int(p["sl_seconds"])
    within = f"b.wait_seconds <= {sl}" if p["sl_inclusive"] else f"b.wait_seconds < {sl}"
    at = local("b.offered_at", tz)
    return f"""
CREATE OR REPLACE TABLE d_facts AS
WITH neighbours AS (
    -- handled contacts of the same customer within the window before and after (7 × 24 h:
    -- the session is in UTC), the contact itself and any at the very same instant left out
    SELECT id,
           count(*) OVER (PARTITION BY customer_id ORDER BY offered_at
                          RANGE BETWEEN INTERVAL {w} DAY PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS before_n,
           count(*) OVER (PARTITION BY customer_id ORDER BY offered_at
                          RANGE BETWEEN CURRENT ROW AND INTERVAL {w} DAY FOLLOWING EXCLUDE GROUP) AS after_n
      FROM d_counted WHERE outcome = 'answered' AND customer_id IS NOT NULL
)
SELECT b.id, b.case_id, b.agent_id, b.missed_by, {periods_of(f"{at}::DATE")}, hour({at}) AS hour,
       a.acd_login AS agent, tm.name AS team, q.name AS queue, it.name AS itype, b.channel,
       b.outcome = 'answered' AS handled, b.outcome = 'abandoned' AS abandoned,
       b.outcome = 'blocked' AS blocked, b.outcome = 'callback' AS callback, b.callback_requested,
       COALESCE(b.outcome = 'abandoned' AND b.wait_seconds < {sa}, false) AS short_abandon,
       b.outcome = 'answered' OR (b.outcome = 'abandoned'
                                  AND NOT COALESCE(b.wait_seconds < {sa}, false)) AS offered,
       b.wait_seconds AS wait, b.outcome = 'answered' AND {within} AS within_sl,
       b.handle_seconds AS handle, b.talk_seconds AS talk, b.hold_seconds AS hold,
       b.acw_seconds AS acw, b.transferred, b.cost,
       CASE WHEN b.outcome = 'answered'
            THEN epoch(b.answered_at - COALESCE(b.initiated_at, b.offered_at)) END AS frt,
       n.id IS NOT NULL AS has_customer,
       COALESCE(n.before_n > 0, false) AS is_repeat,
       COALESCE(n.before_n = 0, false) AS first_contact,
       COALESCE(n.before_n = 0 AND b.resolved IS DISTINCT FROM false AND NOT b.transferred
                AND n.after_n = 0, false) AS fcr,
       CASE WHEN b.outcome = 'answered' THEN e.seconds END AS expected
  FROM d_counted b
  LEFT JOIN neighbours n ON n.id = b.id
  LEFT JOIN agents a ON a.id = b.agent_id
  LEFT JOIN teams tm ON tm.id = a.team_id
  LEFT JOIN queues q ON q.id = b.queue_id
  LEFT JOIN itypes it ON it.id = b.interaction_type_id
  LEFT JOIN d_expected e ON e.itype_id = b.interaction_type_id
        AND e.quarter = date_trunc('quarter', {at})::DATE"""


_SUMS = {
    "contacts": "count(*)",
    "handled": "count(*) FILTER (handled)",
    "offered": "count(*) FILTER (offered)",
    "short_abandons": "count(*) FILTER (short_abandon)",
    "blocked": "count(*) FILTER (blocked)",
    "callbacks": "count(*) FILTER (callback)",
    "callback_requested": "count(*) FILTER (callback_requested)",
    "within_sl": "count(*) FILTER (within_sl)",
    "with_customer": "count(*) FILTER (has_customer)",
    "repeats": "count(*) FILTER (is_repeat)",
    "first_contacts": "count(*) FILTER (first_contact)",
    "fcr": "count(*) FILTER (fcr)",
    "transferred": "count(*) FILTER (handled AND transferred)",
    "held": "count(*) FILTER (handled AND hold > 0)",
    "handle": "sum(handle) FILTER (handled)",
    "handle_sq": "sum(handle::DOUBLE ^ 2) FILTER (handled)",
    "talk": "sum(talk) FILTER (handled)",
    "talk_sq": "sum(talk::DOUBLE ^ 2) FILTER (handled)",
    "acw": "sum(acw) FILTER (handled)",
    "acw_sq": "sum(acw::DOUBLE ^ 2) FILTER (handled)",
    "hold": "sum(hold) FILTER (handled)",
    "hold_sq": "sum(hold::DOUBLE ^ 2) FILTER (handled)",
    "held_sq": "sum(hold::DOUBLE ^ 2) FILTER (handled AND hold > 0)",
    "frt": "sum(frt)",
    "frt_sq": "sum(frt ^ 2)",
    "wait": "sum(wait) FILTER (handled)",
    "wait_sq": "sum(wait::DOUBLE ^ 2) FILTER (handled)",
    "longest_wait": "max(wait) FILTER (handled OR abandoned)",
    "waits": "count(wait) FILTER (handled OR abandoned)",
    "indexed_handle": "sum(handle) FILTER (expected > 0)",
    "expected": "sum(expected) FILTER (expected > 0)",
    "indexed": "count(*) FILTER (expected > 0)",
    "cost": "sum(cost)",
    "costed": "count(cost)",
}


def grain() -> str:
    """The sums per finest group and day (every scope column, day, week, month)."""
    sums = ", ".join(f"{sql} AS {name}" for name, sql in _SUMS.items())
    return f"""
CREATE OR REPLACE TABLE d_grain AS
SELECT agent, team, queue, itype, channel, day, week, month, {sums}
  FROM d_facts GROUP BY agent, team, queue, itype, channel, day, week, month"""


def contacts(p: dict) -> str:
    select, group_by = grouping(CONTACT_SCOPES)
    sums = ", ".join(f"{'max' if name == 'longest_wait' else 'sum'}({name}) AS {name}" for name in _SUMS)
    arrivals = "(g.offered + g.short_abandons + g.blocked)"
    # outside the people scopes a contact's cost is its own, else its handle minutes at the rate
    # (paid hours belong to people: bench/reference/people.py)
    rate = float(p["cost_per_contact_minute"])
    cost = f"CASE WHEN g.costed > 0 THEN g.cost ELSE g.handle / 60.0 * {rate} END"
    cost_n = (
        f"CASE WHEN g.scope IN ('agent', 'team', 'tenant') THEN 0 "
        f"WHEN g.costed > 0 OR {rate} > 0 THEN g.handled ELSE 0 END"
    )
    return unpivot(
        "d_contacts",
        f"SELECT {select}, {sums} FROM d_grain {group_by}",
        [
            value("fcr", "g.fcr", "g.first_contacts", interval="wilson"),
            value("frt", "g.frt", "g.handled", pct=False, interval="mean", squares="g.frt_sq"),
            value("aht", "g.handle", "g.handled", pct=False, interval="mean", squares="g.handle_sq"),
            value("aht_index", "g.indexed_handle", "g.expected", "g.indexed", pct=False),
            value("avg_talk", "g.talk", "g.handled", pct=False, interval="mean", squares="g.talk_sq"),
            value("acw", "g.acw", "g.handled", pct=False, interval="mean", squares="g.acw_sq"),
            value("avg_hold", "g.hold", "g.handled", pct=False, interval="mean", squares="g.hold_sq"),
            value("avg_hold_per_held", "g.hold", "g.held", pct=False, interval="mean", squares="g.held_sq"),
            value("transfer_rate", "g.transferred", "g.handled", interval="wilson"),
            value("repeat_rate", "g.repeats", "g.with_customer", interval="wilson"),
            plain("calls_handled", "g.handled", "g.contacts"),
            value("asa", "g.wait", "g.handled", pct=False, interval="mean", squares="g.wait_sq"),
            value("service_level", "g.within_sl", "g.offered", interval="wilson"),
            value("abandonment_rate", "g.offered - g.handled", "g.offered", interval="wilson"),
            plain("longest_wait", "g.longest_wait", "g.waits"),
            plain("arrivals", arrivals, arrivals),
            value("blocked_rate", "g.blocked", arrivals, interval="wilson"),
            value("callback_rate", "g.callback_requested", "g.offered + g.callbacks", interval="wilson"),
            struct("cost_per_call", f"({cost}) / NULLIF(g.handled, 0)", cost, "g.handled", cost_n, "NULL", "NULL"),
        ],
    )


def peak_hour() -> str:
    """The local hour with the most arrivals of each group and period (ties: the earliest)."""
    select, group_by = grouping(NOT_AGENT, extra=("hour",))
    hours = f"""
        SELECT {select}, count(*) AS arrivals FROM d_facts
         WHERE offered OR short_abandon OR blocked {group_by}"""
    groups = f"""
        SELECT scope, key, period, period_start, arg_min(hour, (-arrivals, hour)) AS hour,
               max(arrivals) AS arrivals, sum(arrivals) AS total
          FROM ({hours}) h GROUP BY scope, key, period, period_start"""
    return unpivot("d_peak_hour", groups, [plain("peak_hour", "g.hour", "g.total", num="g.arrivals")])


def missed() -> str:
    """Contacts whose missed_by names an agent, in the period of the contact; n = contacts
    offered to the agent (handled + missed). Agents who missed none get a 0."""
    select, group_by = grouping(PEOPLE_SCOPES)
    rows = """
        SELECT a.acd_login AS agent, tm.name AS team, f.day, f.week, f.month, 1 AS missed, 0 AS handled
          FROM (SELECT *, unnest(string_split(missed_by, ',')) AS login FROM d_facts
                 WHERE missed_by IS NOT NULL AND missed_by <> '') f
          LEFT JOIN agents a ON a.acd_login = f.login
          LEFT JOIN teams tm ON tm.id = a.team_id
        UNION ALL
        SELECT agent, team, day, week, month, 0, 1 FROM d_facts WHERE handled"""
    groups = f"SELECT {select}, sum(missed) AS missed, sum(handled) AS handled FROM ({rows}) r {group_by}"
    return unpivot("d_missed", groups, [plain("missed_calls", "g.missed", "g.missed + g.handled")])


def statements(p: dict) -> list[tuple[str, str]]:
    return [
        ("contacts: counted contacts", counted()),
        ("contacts: expected handle time", expected(p)),
        ("contacts: facts (repeat/FCR windows)", facts(p)),
        ("contacts: grain", grain()),
        ("contacts: scopes x periods", contacts(p)),
        ("peak_hour", peak_hour()),
        ("missed_calls", missed()),
    ]
