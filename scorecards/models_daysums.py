"""Tables the KPI engine keeps between runs (written only by scorecards.engine).

* one table of day-level sums per family (scorecards.families), so a recompute redoes only
  the changed days and rolls weeks and months up from the stored ones;
* one row per case (first and last contact), and per (scope, key, day) the changes to the
  open cases and the resolved cases of that day, so query age and resolution time follow a
  case's whole history without reading it again.

The day tables' columns are the aggregates of scorecards.families, in the same order (a test,
tests/scorecards/test_daysums.py, fails while the two disagree): change an aggregate there,
change its model here, run ``makemigrations`` and add ``DELETE FROM
scorecards_kpistoredstate`` to the migration, so that the next recompute is a full one.
"""

from django.db import models


def _sum() -> models.FloatField:
    # float8 like the engine's sums; NULL where a day has nothing to sum (sum() of no rows)
    return models.FloatField(null=True)


class DaySums(models.Model):
    """One group (scope, key) and local day of a family's sums."""

    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=200)
    day = models.DateField()

    class Meta:
        abstract = True


class KpiDayContacts(DaySums):
    """Contacts per group and day: the counts and seconds behind fcr, aht, service level... (families.CONTACTS)."""

    pk = models.CompositePrimaryKey("scope", "key", "day")
    contacts = _sum()
    handled = _sum()
    offered = _sum()
    short_abandons = _sum()
    blocked = _sum()
    callbacks = _sum()
    callback_requested = _sum()
    within_sl = _sum()
    with_customer = _sum()
    repeats = _sum()
    first_contacts = _sum()
    fcr = _sum()
    transferred = _sum()
    held = _sum()
    handle = _sum()
    handle_sq = _sum()
    talk = _sum()
    talk_sq = _sum()
    acw = _sum()
    acw_sq = _sum()
    hold = _sum()
    hold_sq = _sum()
    held_sq = _sum()
    frt = _sum()
    frt_sq = _sum()
    wait = _sum()
    wait_sq = _sum()
    longest_wait = _sum()
    waits = _sum()
    indexed_handle = _sum()
    expected = _sum()
    indexed = _sum()
    cost = _sum()
    costed = _sum()

    class Meta:
        db_table = "scorecards_kpiday_contacts"
        indexes = [models.Index(fields=["day"], name="kpiday_contacts_day")]


class KpiDaySurveys(DaySums):
    """Survey answers per group and day: csat, nps, ces (families.SURVEYS)."""

    pk = models.CompositePrimaryKey("scope", "key", "day")
    csat_n = _sum()
    csat_pos = _sum()
    nps_n = _sum()
    nps_pos = _sum()
    nps_neg = _sum()
    ces_n = _sum()
    ces_pos = _sum()
    ces_neg = _sum()
    ces_sum = _sum()
    ces_sq = _sum()

    class Meta:
        db_table = "scorecards_kpiday_surveys"
        indexes = [models.Index(fields=["day"], name="kpiday_surveys_day")]


class KpiDayPeakHour(DaySums):
    """Arrivals per group, day and local hour, for the peak hour (families.PEAK_HOUR)."""

    pk = models.CompositePrimaryKey("scope", "key", "day", "hour")
    hour = models.SmallIntegerField()
    arrivals = _sum()

    class Meta:
        db_table = "scorecards_kpiday_peak_hour"
        indexes = [models.Index(fields=["day"], name="kpiday_peak_hour_day")]


class KpiDayMissed(DaySums):
    """Contacts offered to and missed by agents, per group and day (families.MISSED)."""

    pk = models.CompositePrimaryKey("scope", "key", "day")
    missed = _sum()
    offered_to = _sum()

    class Meta:
        db_table = "scorecards_kpiday_missed"
        indexes = [models.Index(fields=["day"], name="kpiday_missed_day")]


class KpiDayPeople(DaySums):
    """Activity, schedule and handled contacts of agents, per group and day (families.PEOPLE)."""

    pk = models.CompositePrimaryKey("scope", "key", "day")
    busy = _sum()
    ready = _sum()
    logged_in = _sum()
    activity_pieces = _sum()
    scheduled = _sum()
    paid = _sum()
    adherent = _sum()
    schedule_pieces = _sum()
    handled = _sum()
    handle = _sum()
    cost = _sum()
    costed = _sum()

    class Meta:
        db_table = "scorecards_kpiday_people"
        indexes = [models.Index(fields=["day"], name="kpiday_people_day")]


class KpiDayResponses(DaySums):
    """Survey invitations sent and answered, per group and day (families.RESPONSES)."""

    pk = models.CompositePrimaryKey("scope", "key", "day")
    invited = _sum()
    answered = _sum()

    class Meta:
        db_table = "scorecards_kpiday_responses"
        indexes = [models.Index(fields=["day"], name="kpiday_responses_day")]


class KpiDayQa(DaySums):
    """Submitted QA evaluations per group and day (families.QA)."""

    pk = models.CompositePrimaryKey("scope", "key", "day")
    evaluations = _sum()
    score = _sum()
    score_sq = _sum()
    compliant = _sum()

    class Meta:
        db_table = "scorecards_kpiday_qa"
        indexes = [models.Index(fields=["day"], name="kpiday_qa_day")]


class KpiDayAgentTypes(DaySums):
    """Handled contacts and seconds per agent, day and interaction type (families.AGENT_TYPES)."""

    pk = models.CompositePrimaryKey("scope", "key", "day", "itype")
    itype = models.CharField(max_length=200)
    handled = _sum()
    handle = _sum()

    class Meta:
        db_table = "scorecards_kpiday_agent_types"
        indexes = [models.Index(fields=["day"], name="kpiday_agent_types_day")]


DAY_MODELS: dict[str, type[DaySums]] = {
    "contacts": KpiDayContacts,
    "surveys": KpiDaySurveys,
    "peak_hour": KpiDayPeakHour,
    "missed": KpiDayMissed,
    "people": KpiDayPeople,
    "responses": KpiDayResponses,
    "qa": KpiDayQa,
    "agent_types": KpiDayAgentTypes,
}


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
_UNLOGGED: tuple[type[models.Model], ...] = (*DAY_MODELS.values(), KpiCase, KpiCaseDay, KpiStoredState)
UNLOGGED_TABLES = [model._meta.db_table for model in _UNLOGGED]
