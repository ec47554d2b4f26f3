"""What every family of the DuckDB reference shares: the interval macros, the grouping of rows
into every scope × period, and the unpivot into snapshot-shaped rows.

The reference computes from the raw exported rows (bench/reference/exports.py) with its own
SQL, following ../shared/spec/kpis.md and docs/kpis.md; it never reuses the engine's SQL, so
that agreement means two independent implementations compute the same numbers.
"""

from __future__ import annotations

from scorecards.catalogue import ALL_SCOPES, KPIS

Z = "1.959963984540054"
PERIODS = ("day", "week", "month")
# Scopes of the contact a row is about, and the column naming each (NULL: not in that scope).
CONTACT_SCOPES = {"agent": "agent", "team": "team", "queue": "queue", "interaction_type": "itype", "channel": "channel"}
PEOPLE_SCOPES = {"agent": "agent", "team": "team"}
NOT_AGENT = {k: v for k, v in CONTACT_SCOPES.items() if k != "agent"}


def _wilson(sign: str) -> str:
    p = "(least(greatest(s0, 0.0), n) / n)"
    bound = "greatest(0.0, " if sign == "-" else "least(1.0, "
    return (
        f"CASE WHEN n > 0 THEN {bound}(({p} + {Z}^2 / (2 * n)) {sign} {Z} * sqrt(greatest(0.0, "
        f"{p} * (1 - {p}) / n + {Z}^2 / (4 * n * n)))) / (1 + {Z}^2 / n)) * 100 END"
    )


def _mean(sign: str) -> str:
    return (
        f"CASE WHEN n > 1 THEN total / n {sign} {Z} * sqrt(greatest(0.0, "
        "(squares - total * total / n) / (n - 1)) / n) END"
    )


def _net(sign: str) -> str:
    """Promoters − detractors from one multinomial sample: Var = (p₊ + p₋ − (p₊ − p₋)²) / n."""
    diff = "((pos - neg)::DOUBLE / n)"
    bound = "greatest(-1.0, " if sign == "-" else "least(1.0, "
    return (
        f"CASE WHEN n > 0 THEN {bound}{diff} {sign} {Z} * sqrt(greatest(0.0, "
        f"(pos + neg)::DOUBLE / n - {diff} ^ 2) / n)) * 100 END"
    )


MACROS = [
    f"CREATE OR REPLACE MACRO wilson_low(s0, n) AS {_wilson('-')}",
    f"CREATE OR REPLACE MACRO wilson_high(s0, n) AS {_wilson('+')}",
    f"CREATE OR REPLACE MACRO mean_low(total, squares, n) AS {_mean('-')}",
    f"CREATE OR REPLACE MACRO mean_high(total, squares, n) AS {_mean('+')}",
    f"CREATE OR REPLACE MACRO net_low(pos, neg, n) AS {_net('-')}",
    f"CREATE OR REPLACE MACRO net_high(pos, neg, n) AS {_net('+')}",
]

# Where a KPI does not exist (catalogue.Kpi.scopes), as (kpi, scope) rows of table "disallowed".
DISALLOWED = [f"{code}:{scope}" for code, kpi in KPIS.items() for scope in ALL_SCOPES if scope not in kpi.scopes]


def setup(con) -> None:
    for macro in MACROS:
        con.execute(macro)
    con.execute(
        "CREATE OR REPLACE TABLE disallowed AS SELECT split_part(x, ':', 1) AS kpi, "
        "split_part(x, ':', 2) AS scope FROM unnest(?::VARCHAR[]) t(x)",
        [DISALLOWED],
    )


def value(kpi, num, den, n=None, *, pct=True, interval="none", squares=None) -> str:
    """num / den (× 100 when pct) as one struct (kpi, value, num, den, n, lo, hi); n is 0 (no
    row) when the denominator is 0: no data is not a zero."""
    n = f"CASE WHEN ({den}) > 0 THEN {n or den} ELSE 0 END"
    val = f"({num})::DOUBLE / NULLIF({den}, 0){' * 100' if pct else ''}"
    if interval == "wilson":
        lo, hi = f"wilson_low({num}, {den})", f"wilson_high({num}, {den})"
    elif interval == "mean":
        lo, hi = f"mean_low({num}, {squares}, {n})", f"mean_high({num}, {squares}, {n})"
    else:
        lo = hi = "NULL"
    return struct(kpi, val, f"({num})::DOUBLE", f"({den})::DOUBLE", n, lo, hi)


def plain(kpi, val, n, num=None) -> str:
    """A count or a max: the value is its own numerator, no denominator, no interval."""
    return struct(kpi, val, num or val, "NULL", n, "NULL", "NULL")


def struct(kpi, val, num, den, n, lo, hi) -> str:
    return (
        f"{{kpi: '{kpi}', value: ({val})::DOUBLE, num: ({num})::DOUBLE, den: ({den})::DOUBLE, "
        f"n: ({n})::BIGINT, lo: ({lo})::DOUBLE, hi: ({hi})::DOUBLE}}"
    )


def grouping(scopes: dict[str, str], *, tenant: bool = True, extra: tuple[str, ...] = ()) -> tuple[str, str]:
    """(select list, GROUP BY) of scope, key, period, period_start over GROUPING SETS of every
    scope × day/week/month of rows with day, week and month columns; ``extra``: more columns
    grouped in every set."""
    tail = "".join(f", {e}" for e in extra)
    sets = [f"({c}, {p}{tail})" for c in scopes.values() for p in PERIODS]
    sets += [f"({p}{tail})" for p in PERIODS] if tenant else []
    scope = " ".join(f"WHEN GROUPING({c}) = 0 THEN '{s}'" for s, c in scopes.items())
    key = " ".join(f"WHEN GROUPING({c}) = 0 THEN {c}::VARCHAR" for c in scopes.values())
    select = (
        f"CASE {scope} ELSE 'tenant' END AS scope, CASE {key} ELSE 'all' END AS key, "
        "CASE WHEN GROUPING(day) = 0 THEN 'day' WHEN GROUPING(week) = 0 THEN 'week' "
        f"ELSE 'month' END AS period, COALESCE(day, week, month) AS period_start{tail}"
    )
    return select, "GROUP BY GROUPING SETS (" + ", ".join(sets) + ")"


def unpivot(table: str, groups: str, values: list[str]) -> str:
    """Snapshot-shaped rows (kpi, scope, key, period, period_start, value, numerator,
    denominator, n, ci_low, ci_high) of every KPI of ``values`` over ``groups``."""
    return f"""
CREATE OR REPLACE TABLE {table} AS
SELECT scope, key, period, period_start, v.kpi, v.value, v.num AS numerator, v.den AS denominator,
       v.n, v.lo AS ci_low, v.hi AS ci_high
  FROM (SELECT g.scope, g.key, g.period, g.period_start, unnest([{", ".join(values)}]) AS v
          FROM ({groups}) g) x
  ANTI JOIN disallowed d ON d.kpi = x.v.kpi AND d.scope = x.scope
 WHERE key IS NOT NULL AND v.n > 0"""


def local(column: str, tz: str) -> str:
    """A TIMESTAMPTZ column as the tenant's wall-clock TIMESTAMP."""
    return f"timezone('{tz}', {column})"


def periods_of(day: str) -> str:
    """day, week (Monday) and month columns of a local DATE expression."""
    return f"{day} AS day, date_trunc('week', {day})::DATE AS week, date_trunc('month', {day})::DATE AS month"
