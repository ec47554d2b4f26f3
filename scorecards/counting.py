"""Which contacts count in the KPIs: one rule, declared once, given as an SQL condition to the
engine (scorecards/queries_facts.py, queries_cases.py) and the coaching signals, and as an ORM
filter to the drill-down (selectors_scorecards.drilldown), so a value and the list of contacts
behind it can never disagree about who counts.

A contact counts unless a rule leaves it out: today a manager's context exclusion, while it is
active (coaching.InteractionExclusion). Coaching builds on scorecards, so it registers its rule
when Django starts (CoachingConfig.ready), and scorecards never names the app above it.

Who is in which KPI's population (handled, offered...) is a separate matter: the engine's facts
and the drill-down's populations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Q


@dataclass(frozen=True)
class LeftOutWhileActive:
    """A contact does not count while a row of ``model`` names it (``contact``, its foreign key
    to the contact) and that row's ``ended`` is NULL. The table and column names of the SQL
    come from the model, so the two forms cannot drift apart."""

    model: type[models.Model]
    contact: str
    ended: str

    def sql(self, alias: str) -> str:
        if alias == "x":  # it would name the subquery's rows, and the rule would test nothing
            raise ValueError("scorecards.counting: give the contact an alias other than x")
        meta = self.model._meta
        return (
            f"NOT EXISTS (SELECT 1 FROM {meta.db_table} x "
            f"WHERE x.{self._column(self.contact)} = {alias}.id AND x.{self._column(self.ended)} IS NULL)"
        )

    def _column(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        if not isinstance(field, models.Field):  # a reverse relation has no column of this table
            raise TypeError(f"{self.model.__name__}.{name} is not a column")
        return field.column

    def exists(self) -> Exists:
        rows = self.model._default_manager.filter(**{self.contact: OuterRef("pk"), f"{self.ended}__isnull": True})
        return Exists(rows)


LEFT_OUT: list[LeftOutWhileActive] = []


def left_out_register(rule: LeftOutWhileActive) -> None:
    """Called by the app that holds the rows (at start-up, once per rule)."""
    if rule not in LEFT_OUT:
        LEFT_OUT.append(rule)


def counted_sql(alias: str = "i") -> str:
    """The rule as an SQL condition on ``alias``, a row of interactions_interaction."""
    return " AND ".join(rule.sql(alias) for rule in LEFT_OUT) or "TRUE"


def counted_filter() -> Q:
    """The rule as a filter on Interaction querysets: ``contacts.filter(counted_filter())``."""
    return Q(*(~rule.exists() for rule in LEFT_OUT))
