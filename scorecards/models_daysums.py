"""Tables the KPI engine keeps between runs (written only by scorecards.engine).

* one table of day-level sums per family (scorecards.families), so a recompute redoes only
  the changed days and rolls weeks and months up from the stored ones;
* one row per case (first and last contact), and per (scope, key, day) the changes to the
  open cases and the resolved cases of that day, so query age and resolution time follow a
  case's whole history without reading it again.

The day tables' columns come from scorecards.families: change an aggregate there, run
``makemigrations`` (a test fails while the two disagree) and add ``DELETE FROM
scorecards_kpistoredstate`` to the migration, so that the next recompute is a full one.
"""

from django.db import models

from .families import DAY_FAMILIES, DayFamily

EXTRA_COLUMNS = {"hour": models.SmallIntegerField, "itype": lambda: models.CharField(max_length=200)}


def _day_model(family: DayFamily) -> type[models.Model]:
    name = "KpiDay" + "".join(part.title() for part in family.name.split("_"))
    attrs = {
        "__module__": __name__,
        "__doc__": f"Day-level sums of the {family.name} family (scorecards.families).",
        "pk": models.CompositePrimaryKey("scope", "key", "day", *family.extra),
        "scope": models.CharField(max_length=16),
        "key": models.CharField(max_length=200),
        "day": models.DateField(),
        **{column: EXTRA_COLUMNS[column]() for column in family.extra},
        **{column: models.FloatField(null=True) for column in family.aggregates},
        "Meta": type("Meta", (), {
            "db_table": family.table,
            # a recompute deletes and reads a range of days
            "indexes": [models.Index(fields=["day"], name=f"kpiday_{family.name}_day")],
        }),
    }
    return type(name, (models.Model,), attrs)


DAY_MODELS = {family.name: _day_model(family) for family in DAY_FAMILIES}
globals().update({model.__name__: model for model in DAY_MODELS.values()})


class KpiCase(models.Model):
    """A case as the KPIs see it: opened by its first contact, resolved (or not) by its last."""

    # "C": the engine compares case ids bytewise, and its index is built and probed faster
    case_id = models.CharField(max_length=200, primary_key=True, db_collation="C")
    opened_at = models.DateTimeField()
    opened_day = models.DateField()
    # the day it stops counting as open: resolved, or out of the query-age lookback
    closed_day = models.DateField()
    resolved_at = models.DateTimeField(null=True)
    resolved_day = models.DateField(null=True)
    first_team = models.TextField(null=True)
    first_queue = models.TextField(null=True)
    first_itype = models.TextField(null=True)
    first_channel = models.TextField(null=True)
    last_team = models.TextField(null=True)
    last_queue = models.TextField(null=True)
    last_itype = models.TextField(null=True)
    last_channel = models.TextField(null=True)


class KpiCaseDay(models.Model):
    """Per group and local day: cases opened minus cases closed (and the sum of their
    opening times, in epoch seconds), and the cases resolved with their durations. Numeric,
    so that adding and taking away a case's contribution is exact."""

    pk = models.CompositePrimaryKey("scope", "key", "day")
    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=200)
    day = models.DateField()
    open_delta = models.BigIntegerField()
    opened_sum = models.DecimalField(max_digits=40, decimal_places=6)
    resolved = models.BigIntegerField()
    seconds = models.DecimalField(max_digits=40, decimal_places=6)
    seconds_sq = models.DecimalField(max_digits=60, decimal_places=12)


class KpiStoredState(models.Model):
    """One row once a full run has built the stored sums. Every table of this module is
    UNLOGGED (no WAL: they are rebuilt from the interactions at will), which PostgreSQL empties
    after a crash; this row lives in one too, so that then the next run is a full one."""

    built_at = models.DateTimeField()


# ALTER TABLE ... SET UNLOGGED for the tables above, run by the migration that creates them.
UNLOGGED_TABLES = [model._meta.db_table for model in (*DAY_MODELS.values(), KpiCase, KpiCaseDay, KpiStoredState)]
