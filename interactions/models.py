"""Contacts, agent activity and schedules of one contact center (tenant schema).

Rows arrive only through ``interactions.services`` (bulk upserts keyed on the natural key
of each format), never through ``save()`` one at a time.
"""

from django.contrib.postgres.fields import ArrayField, DateTimeRangeField
from django.contrib.postgres.indexes import BrinIndex, GistIndex
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from accounts.models import Agent, User


class Channel(models.TextChoices):
    VOICE = "voice", _("Voice")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Email")
    SOCIAL = "social", _("Social")
    VIDEO = "video", _("Video")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned")
    BLOCKED = "blocked", _("Blocked")
    CALLBACK = "callback", _("Callback")
    DEFLECTED = "deflected", _("Deflected")


class Queue(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InteractionType(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # Configured by an admin; when empty the KPI engine uses the quarter's median.
    expected_handle_seconds = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Interaction(models.Model):
    external_id = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.VOICE)
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.PROTECT)
    interaction_type = models.ForeignKey(InteractionType, null=True, blank=True, on_delete=models.PROTECT)
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="interactions")
    customer_id = models.CharField(max_length=200, null=True, blank=True)
    case_id = models.CharField(max_length=200, null=True, blank=True)
    initiated_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(default=0)
    hold_seconds = models.PositiveIntegerField(default=0)
    acw_seconds = models.PositiveIntegerField(default=0)
    hold_count = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    transferred = models.BooleanField(default=False)
    resolved = models.BooleanField(null=True, blank=True)
    callback_requested = models.BooleanField(default=False)
    missed_by = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    cost = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    transcript = models.TextField(blank=True, default="")
    # Version of the record in its source system (Amazon Connect LastUpdateTimestamp).
    source_updated_at = models.DateTimeField(null=True, blank=True)
    # Written by the live feed: the day's batch import is the record and replaces it; a late
    # live event never overwrites an imported contact (interactions/upserts.py).
    live = models.BooleanField(default=False, db_default=False)
    # Set on every insert or real change: the KPI engine recomputes the periods it touches.
    updated_at = models.DateTimeField(db_default=Now())

    # Derived once, in the database, so every reader agrees (kpis.md "Per interaction").
    handle_seconds = models.GeneratedField(
        expression=models.F("talk_seconds") + models.F("hold_seconds") + models.F("acw_seconds"),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    wait_seconds = models.GeneratedField(
        expression=RawSQL(
            "CASE WHEN outcome = 'answered' THEN "
            "EXTRACT(EPOCH FROM (answered_at - offered_at))::double precision "
            "WHEN outcome = 'abandoned' THEN "
            "EXTRACT(EPOCH FROM (ended_at - offered_at))::double precision END",
            [],
        ),
        output_field=models.FloatField(null=True),
        db_persist=True,
    )

    class Meta:
        indexes = [
            models.Index(fields=["offered_at"]),
            models.Index(fields=["agent", "offered_at"]),
            models.Index(fields=["customer_id", "offered_at"]),
            models.Index(fields=["updated_at"]),
            # the KPI engine gathers every contact of a case (resolution time, query age)
            models.Index(
                fields=["case_id", "offered_at"], name="interaction_case_idx", condition=models.Q(case_id__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | models.Q(answered_at__gte=models.F("offered_at")),
                name="interaction_answered_after_offered",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="answered", answered_at__isnull=False)
                | (~models.Q(outcome="answered") & models.Q(answered_at__isnull=True)),
                name="interaction_outcome_matches_answered_at",
            ),
        ]

    def __str__(self) -> str:
        return self.external_id


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class ActivityState(models.TextChoices):
    READY = "ready"
    ON_CONTACT = "on_contact"
    ACW = "acw"
    NOT_READY = "not_ready"
    BREAK = "break"
    LUNCH = "lunch"
    TRAINING = "training"
    MEETING = "meeting"
    OFFLINE = "offline"


class AgentActivity(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="activities")
    state = models.CharField(max_length=12, choices=ActivityState.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True, default="")
    live = models.BooleanField(default=False, db_default=False)  # as Interaction.live
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        # The KPI engine reads the intervals overlapping a date range. After an import it asks
        # which rows the import wrote (updated_at, scorecards.services.kpi_changed_range):
        # rows are appended in about that order, so a BRIN index (a few pages, next to nothing
        # to maintain on import) finds them without reading the whole history.
        indexes = [
            GistIndex(TsTzRange("start", "end"), name="activity_period_gist"),
            BrinIndex(fields=["updated_at"], name="activity_updated_brin"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agent", "start"], name="activity_agent_start_key"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="activity_end_after_start"),
        ]


class ScheduleActivity(models.TextChoices):
    WORK = "work"
    BREAK = "break"
    LUNCH = "lunch"
    TRAINING = "training"
    MEETING = "meeting"
    OFF = "off"


class ScheduleEntry(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="schedule")
    activity = models.CharField(max_length=10, choices=ScheduleActivity.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [
            GistIndex(TsTzRange("start", "end"), name="schedule_period_gist"),
            BrinIndex(fields=["updated_at"], name="schedule_updated_brin"),  # as AgentActivity's
        ]
        constraints = [
            models.UniqueConstraint(fields=["agent", "start"], name="schedule_agent_start_key"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="schedule_end_after_start"),
        ]


class ImportKind(models.TextChoices):
    INTERACTIONS = "interactions", _("Interactions (canonical CSV)")
    ACTIVITY = "activity", _("Agent activity CSV")
    SCHEDULE = "schedule", _("Schedule CSV")
    SURVEY_RESPONSES = "survey_responses", _("Survey responses CSV")
    ASTERISK_QUEUE_LOG = "asterisk_queue_log", _("Asterisk queue_log")
    AMAZON_CONNECT_CTR = "amazon_connect_ctr", _("Amazon Connect contact records")


class ImportRun(models.Model):
    """Who imported what, when, and what came of it: the import history."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=24, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    file_size = models.BigIntegerField(default=0)
    stored_file = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_by_label = models.CharField(max_length=200, blank=True, default="")
    source = models.CharField(max_length=8, default="web")  # web, api, cli
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    bytes_processed = models.BigIntegerField(default=0)
    rows_processed = models.BigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True, default="")
    # While RUNNING: "host:pid" of the process running it and its last sign of life, so that a
    # run whose process died is found and ended (interactions/liveness.py, import_runs_reap).
    owner = models.CharField(max_length=200, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def progress_pct(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.file_size:
            return 0
        return min(99, int(self.bytes_processed * 100 / self.file_size))
