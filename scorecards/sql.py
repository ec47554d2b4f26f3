"""Typed pieces of the KPI engine's SQL, so that nothing has to read SQL back to learn what it
is: a KPI's row of an unpivot knows its code, a temp table knows its name.

The engine (scorecards/engine.py) creates each ``TempTable`` it is handed, analyses it, counts
its rows and drops it when the run ends; the statements of the families (queries*.py) are
plain SQL strings or temp tables, in the order they run.
"""

from __future__ import annotations

from dataclasses import dataclass

NULL = "NULL::float8"


@dataclass(frozen=True)
class KpiValues:
    """One KPI's row in an unpivot's VALUES list, each field an SQL expression over the group
    row ``g``: the snapshot's value, numerator, denominator, n and interval."""

    code: str
    value: str
    numerator: str
    denominator: str
    n: str
    ci_low: str = NULL
    ci_high: str = NULL

    def sql(self) -> str:
        return (
            f"('{self.code}', {self.value}, {self.numerator}, {self.denominator}, {self.n}, "
            f"{self.ci_low}, {self.ci_high})"
        )


@dataclass(frozen=True)
class TempTable:
    """A temp table of one engine run: the rows of ``query``, or (``columns`` given) an empty
    table that later statements fill."""

    name: str
    query: str = ""
    columns: str = ""

    def __post_init__(self) -> None:
        if bool(self.query) == bool(self.columns):
            raise ValueError(f"temp table {self.name}: give either a query or columns")

    @property
    def filled_later(self) -> bool:
        return bool(self.columns)

    def create_sql(self) -> str:
        # ON COMMIT DROP as well: a run that fails leaves nothing behind in the session
        if self.columns:
            return f"CREATE TEMP TABLE {self.name} ({self.columns}) ON COMMIT DROP"
        return f"CREATE TEMP TABLE {self.name} ON COMMIT DROP AS {self.query}"


# What the engine runs, in order.
Statement = str | TempTable
