"""The contacts family of the KPI engine (fcr, aht, service level... per scope and day, from
``kpi_facts``: queries_facts.py), and the families summed from the same facts: handle time per
agent and interaction type (for the coaching signals), arrivals per hour (peak hour) and the
contacts agents missed. The shared shape (store, rolled, upsert) is in queries.py.
"""

from __future__ import annotations

from .families import AGENT_TYPES, CONTACTS, MISSED, PEAK_HOUR
from .queries import by_day, clear, ratio, rolled, store, upsert
from .sql import NULL, KpiValues


def store_contacts(everything: bool) -> list[str]:
    return store(CONTACTS, "kpi_facts", everything=everything, via_agents=True)


def contacts() -> str:
    groups = rolled(CONTACTS)
    arrivals = "(g.offered + g.short_abandons + g.blocked)"
    # Cost per contact outside the people scopes: explicit costs, else handle minutes at the
    # contact-minute rate (paid hours belong to people; see the people family).
    cost = "CASE WHEN g.costed > 0 THEN g.cost ELSE g.handle / 60.0 * %(cost_per_contact_minute)s END"
    values = [
        ratio("fcr", "g.fcr", "g.first_contacts", interval="wilson"),
        ratio("frt", "g.frt", "g.handled", pct=False, interval="mean", squares="g.frt_sq"),
        ratio("aht", "g.handle", "g.handled", pct=False, interval="mean", squares="g.handle_sq"),
        ratio("aht_index", "g.indexed_handle", "g.expected", "g.indexed", pct=False),
        ratio("avg_talk", "g.talk", "g.handled", pct=False, interval="mean", squares="g.talk_sq"),
        ratio("acw", "g.acw", "g.handled", pct=False, interval="mean", squares="g.acw_sq"),
        ratio("avg_hold", "g.hold", "g.handled", pct=False, interval="mean", squares="g.hold_sq"),
        ratio("avg_hold_per_held", "g.hold", "g.held", pct=False, interval="mean", squares="g.held_sq"),
        ratio("transfer_rate", "g.transferred", "g.handled", interval="wilson"),
        ratio("repeat_rate", "g.repeats", "g.with_customer", interval="wilson"),
        KpiValues(
            "calls_handled",
            value="g.handled::float8",
            numerator="g.handled::float8",
            denominator=NULL,
            n="g.contacts::int",
        ),
        ratio("asa", "g.wait", "g.handled", pct=False, interval="mean", squares="g.wait_sq"),
        ratio("service_level", "g.within_sl", "g.offered", interval="wilson"),
        ratio("abandonment_rate", "g.offered - g.handled", "g.offered", interval="wilson"),
        KpiValues(
            "longest_wait", value="g.longest_wait", numerator="g.longest_wait", denominator=NULL, n="g.waits::int"
        ),
        KpiValues(
            "arrivals",
            value=f"{arrivals}::float8",
            numerator=f"{arrivals}::float8",
            denominator=NULL,
            n=f"{arrivals}::int",
        ),
        ratio("blocked_rate", "g.blocked", arrivals, interval="wilson"),
        ratio("callback_rate", "g.callback_requested", "g.offered + g.callbacks", interval="wilson"),
        KpiValues(
            "cost_per_call",
            value=f"({cost})::float8 / NULLIF(g.handled, 0)",
            numerator=f"({cost})::float8",
            denominator="g.handled::float8",
            n="CASE WHEN g.costed > 0 OR %(cost_per_contact_minute)s > 0 THEN g.handled ELSE 0 END::int",
        ),
    ]
    # People scopes get cost per contact from the people family (it adds paid hours).
    return upsert(
        groups=groups,
        values=values,
        extra="AND NOT (v.kpi = 'cost_per_call' AND g.scope IN ('agent', 'team', 'tenant'))",
    )


# --- handle time per agent and interaction type -------------------------------------------


def store_agent_types(everything: bool) -> list[str]:
    return store(AGENT_TYPES, "(SELECT * FROM kpi_facts WHERE handled AND itype IS NOT NULL) f", everything=everything)


# --- peak hour and missed contacts -------------------------------------------------------


def store_peak_hour(everything: bool) -> list[str]:
    return store(
        PEAK_HOUR, "(SELECT * FROM kpi_facts WHERE offered OR short_abandon OR blocked) f", everything=everything
    )


def peak_hour() -> str:
    # Ties go to the earliest hour (kpis.md).
    groups = f"""
        SELECT DISTINCT ON (scope, key, period, period_start) scope, key, period, period_start, hour,
               arrivals, sum(arrivals) OVER (PARTITION BY scope, key, period, period_start) AS total
          FROM ({rolled(PEAK_HOUR)}) h
         ORDER BY scope, key, period, period_start, arrivals DESC, hour"""
    values = [
        KpiValues(
            "peak_hour", value="g.hour::float8", numerator="g.arrivals::float8", denominator=NULL, n="g.total::int"
        )
    ]
    return upsert(groups=groups, values=values)


def store_missed(everything: bool) -> list[str]:
    """Contacts offered to an agent who missed them, and (from the stored contact sums) those
    she handled: agents who handled contacts but missed none get a 0, not a gap."""
    missed = """(
        SELECT m.login AS agent, tm.name AS team, f.day
          FROM kpi_facts f CROSS JOIN LATERAL unnest(f.missed_by) AS m(login)
          LEFT JOIN accounts_agent a ON a.acd_login = m.login
          LEFT JOIN accounts_team tm ON tm.id = a.team_id
         WHERE cardinality(f.missed_by) > 0) x"""
    scopes = ", ".join(f"'{s}'" for s in MISSED.scopes)
    return [
        clear(MISSED.table, everything, "day >= %(ch_lo)s AND day < %(ch_hi)s"),
        f"""
        INSERT INTO {MISSED.table} (scope, key, day, missed, offered_to)
        SELECT COALESCE(m.scope, c.scope), COALESCE(m.key, c.key), COALESCE(m.day, c.day),
               COALESCE(m.missed, 0), COALESCE(m.missed, 0) + COALESCE(c.handled, 0)
          FROM ({by_day(missed, MISSED.scopes, {"missed": ("count(*)", "sum")})}) m
          FULL JOIN (SELECT scope, key, day, handled FROM {CONTACTS.table}
                      WHERE scope IN ({scopes}) AND day >= %(ch_lo)s AND day < %(ch_hi)s) c
            ON c.scope = m.scope AND c.key = m.key AND c.day = m.day
         WHERE COALESCE(m.key, c.key) IS NOT NULL""",
    ]


def missed() -> str:
    values = [
        KpiValues(
            "missed_calls",
            value="g.missed::float8",
            numerator="g.missed::float8",
            denominator=NULL,
            n="g.offered_to::int",
        )
    ]
    return upsert(groups=rolled(MISSED), values=values)
