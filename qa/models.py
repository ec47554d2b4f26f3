"""Quality assurance: evaluation forms (versioned), evaluations and their answers, disputes,
calibration, fair sampling plans, and automated checks with their results.

Their tables keep the names they had when QA lived in scorecards (``Meta.db_table``): the
move to this app was a state-only migration, so no data moved. A form in use is never edited in
place: a change makes a new QaFormVersion, so past evaluations keep the questions they were
scored on. Scores are computed by qa.scoring (pure) and stored on the evaluation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from interactions.models import Interaction


class QaForm(models.Model):
    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)
    # An evaluation at or above it counts towards an agent's QA streak (recognition.milestones).
    passing_pct = models.FloatField(default=80, db_default=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "scorecards_qaform"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QaFormVersion(models.Model):
    form = models.ForeignKey(QaForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "scorecards_qaformversion"
        ordering = ["form", "-number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="qa_form_version_key")]


class QaSection(models.Model):
    version = models.ForeignKey(QaFormVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "scorecards_qasection"
        ordering = ["position", "pk"]


class QaScale(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    ONE_TO_FIVE = "one_to_five", "1–5"
    POINTS = "points", _("Points (0 to the question's points)")


class QaCompliance(models.TextChoices):
    NONE = "", _("Not a compliance item")
    AUTO_FAIL = "auto_fail", _("Fails the whole evaluation")
    SECTION_FAIL = "section_fail", _("Fails its section")


class QaQuestion(models.Model):
    section = models.ForeignKey(QaSection, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    scale = models.CharField(max_length=12, choices=QaScale.choices, default=QaScale.YES_NO)
    points = models.PositiveIntegerField(default=1, help_text=_("The question's weight: points when fully met."))
    allow_na = models.BooleanField(default=False)
    compliance = models.CharField(max_length=12, choices=QaCompliance.choices, blank=True, default="")

    class Meta:
        db_table = "scorecards_qaquestion"
        ordering = ["position", "pk"]


class QaCalibration(models.Model):
    """Several reviewers score the same contact; the agreed answers are the reference."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(QaFormVersion, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    agreed = models.OneToOneField("QaEvaluation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "scorecards_qacalibration"


class QaEvaluation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DISPUTED = "disputed", _("Disputed")

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="qa_evaluations")
    version = models.ForeignKey(QaFormVersion, on_delete=models.PROTECT, related_name="evaluations")
    reviewer = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Calibration scores stay out of the KPIs: they measure reviewers, not agents.
    calibration = models.ForeignKey(
        QaCalibration, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluations"
    )
    score_pct = models.FloatField(null=True, blank=True)
    compliance_failed = models.BooleanField(default=False)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "scorecards_qaevaluation"
        ordering = ["-created_at"]


class QaAnswer(models.Model):
    evaluation = models.ForeignKey(QaEvaluation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QaQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)  # yes_no 1/0, 1–5, or points
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True, default="")

    class Meta:
        db_table = "scorecards_qaanswer"
        constraints = [models.UniqueConstraint(fields=["evaluation", "question"], name="qa_answer_key")]


class QaDispute(models.Model):
    """An agent disputes one answer with a reason; another reviewer decides."""

    class Decision(models.TextChoices):
        PENDING = "", _("Pending")
        UPHELD = "upheld", _("Upheld: the answer is changed")
        REJECTED = "rejected", _("Rejected: the answer stands")

    answer = models.ForeignKey(QaAnswer, on_delete=models.CASCADE, related_name="disputes")
    raised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    new_value = models.SmallIntegerField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "scorecards_qadispute"


class QaSamplingPlan(models.Model):
    """Fair sampling for one team: this many contacts per agent per week, spread over
    interaction types, picked at random."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="qa_plan")
    form = models.ForeignKey(QaForm, on_delete=models.PROTECT, related_name="+")
    per_agent_per_week = models.PositiveIntegerField(default=4)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "scorecards_qasamplingplan"


class QaCheckRule(models.Model):
    class Kind(models.TextChoices):
        REQUIRED_PHRASE = "required_phrase", _("Required phrase")
        FORBIDDEN_PHRASE = "forbidden_phrase", _("Forbidden phrase")
        HOLD_WITHOUT_NOTICE = "hold_notice", _("Hold longer than N seconds without a hold notice")
        TRANSFER_WITHOUT_REASON = "transfer_reason", _("Transfer without a stated reason")

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    phrase = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text=_("The phrase (case-insensitive); for hold and transfer rules, the notice or reason."),
    )
    threshold_seconds = models.PositiveIntegerField(null=True, blank=True)
    channels = models.CharField(max_length=60, blank=True, default="", help_text=_("Comma-separated; empty: all."))
    # the human question this rule mirrors, for agreement and Cohen's kappa
    question = models.ForeignKey(QaQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "scorecards_qacheckrule"


class QaCheckResult(models.Model):
    rule = models.ForeignKey(QaCheckRule, on_delete=models.CASCADE, related_name="results")
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="qa_check_results")
    passed = models.BooleanField()
    matched = models.CharField(max_length=300, blank=True, default="")
    position = models.IntegerField(null=True, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        db_table = "scorecards_qacheckresult"
        constraints = [models.UniqueConstraint(fields=["rule", "interaction"], name="qa_check_result_key")]
