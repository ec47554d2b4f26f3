"""Writes of customer surveys: definitions, invitations (sampling and API), responses from a
link, and closed-loop follow-ups. Agent effort writes live in surveys/effort*.py."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interactions.models import Interaction, Outcome
from scorecards.recompute_requests import PENDING_COVERS_DAY_SQL, pending_covers_day_params
from scorecards.services import kpi_recompute_enqueue
from tenants.current import current_tenant
from webhooks.links import tenant_link
from webhooks.models import Event as WebhookEvent
from webhooks.services import webhook_event_emit, webhook_event_subscribed

from .models import FollowUp, Survey, SurveyInvitation, SurveyResponse
from .scoring import needs_follow_up


def invitation_token() -> str:
    # 32 random bytes = 256 bits, 43 URL-safe characters: guessing one is hopeless, and the
    # unique index on token makes the lookup one probe.
    return secrets.token_urlsafe(32)


def survey_save(*, survey: Survey, translations: dict) -> Survey:
    """Create or change a survey definition: the admin's form has set its fields on the row and
    read the wording of every further language (``{"de": {"question": ..., "follow_up_question": ...}}``)."""
    survey.translations = translations
    survey.save()
    return survey


def survey_reactivate(*, survey: Survey) -> Survey:
    """Invite again, from the next import on."""
    survey.is_active = True
    survey.save(update_fields=["is_active"])
    return survey


def survey_deactivate(*, survey: Survey) -> Survey:
    """Stop inviting; existing links keep working until they expire, results stay."""
    survey.is_active = False
    survey.save(update_fields=["is_active"])
    return survey


def invitation_get_or_create(
    *, survey: Survey, interaction: Interaction, source: str = "api"
) -> tuple[SurveyInvitation, bool]:
    """The invitation of this interaction to this survey, created once (safe under races:
    the unique (survey, interaction) constraint decides)."""
    existing = SurveyInvitation.objects.filter(survey=survey, interaction=interaction).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return SurveyInvitation.objects.create(
                survey=survey,
                interaction=interaction,
                token=invitation_token(),
                source=source,
                expires_at=timezone.now() + dt.timedelta(days=survey.link_valid_days),
            ), True
    except IntegrityError:
        return SurveyInvitation.objects.get(survey=survey, interaction=interaction), False


def _sample_pct(survey: Survey, channel: str, queue: str | None) -> float:
    # The most specific rule wins: the queue, then the channel, then the survey's share.
    if queue and queue in survey.sample_pct_by_queue:
        return float(survey.sample_pct_by_queue[queue])
    if channel in survey.sample_pct_by_channel:
        return float(survey.sample_pct_by_channel[channel])
    return float(survey.sample_pct)


# A stable number 0..9999 per (contact, survey): the same contact is always in or out of the
# sample, so re-running after the same import creates nothing new.
_BUCKET_SQL = "('x' || substr(md5(i.external_id || ':' || %s::text), 1, 8))::bit(32)::bigint %% 10000"


def invitations_sample(*, since: dt.datetime) -> int:
    """Invite the sampled share of handled contacts with updated_at >= since, for every active
    survey, skipping customers invited (to any survey) within the survey's cooldown of the
    contact. Returns the number of invitations created. ``invitations_sample(since=started)``"""
    created = 0
    for survey in Survey.objects.filter(is_active=True).order_by("pk"):
        created += _sample_one(survey, since)
    return created


def _sample_one(survey: Survey, since: dt.datetime) -> int:
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT i.id, i.channel, q.name, i.customer_id, i.offered_at, {_BUCKET_SQL}
              FROM interactions_interaction i LEFT JOIN interactions_queue q ON q.id = i.queue_id
             WHERE i.updated_at >= %s AND i.outcome = %s
               -- only contacts recent enough to ask about: a back-fill of last year's
               -- contacts must not survey their customers now
               AND i.offered_at >= %s
               AND NOT EXISTS (SELECT 1 FROM surveys_surveyinvitation v
                                WHERE v.interaction_id = i.id AND v.survey_id = %s)
             ORDER BY i.offered_at, i.id""",
            [survey.pk, since, Outcome.ANSWERED, timezone.now() - dt.timedelta(days=survey.link_valid_days), survey.pk],
        )
        rows = [r for r in cur.fetchall() if r[5] < _sample_pct(survey, r[1], r[2]) * 100]
    if not rows:
        return 0
    cooldown = dt.timedelta(days=survey.cooldown_days)
    customers = {r[3] for r in rows if r[3]}
    invited: dict[str, list[dt.datetime]] = defaultdict(list)
    for customer, offered in SurveyInvitation.objects.filter(interaction__customer_id__in=customers).values_list(
        "interaction__customer_id", "interaction__offered_at"
    ):
        assert customer is not None, "customer_id__in matches no contact without a customer"
        invited[customer].append(offered)
    expires = timezone.now() + dt.timedelta(days=survey.link_valid_days)
    new = []
    for pk, _channel, _queue, customer, offered, _bucket in rows:
        # Contacts are visited in time order, so the first contact of a customer wins.
        if customer and any(abs(offered - other) < cooldown for other in invited[customer]):
            continue
        if customer:
            invited[customer].append(offered)
        new.append(
            SurveyInvitation(
                survey=survey, interaction_id=pk, token=invitation_token(), source="sampling", expires_at=expires
            )
        )
    # ignore_conflicts: a concurrent run may have invited the same contact; the constraint wins.
    made = SurveyInvitation.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(made)


def follow_ups_create_missing(*, response_ids: list[int] | None = None, since: dt.datetime | None = None) -> int:
    """Open a follow-up for every CSAT 1–2 and NPS 0–6 response that has none (imported or
    answered through a link), in one statement. Returns how many were opened."""
    where = ""
    params: list[list[int] | dt.datetime] = []
    if response_ids is not None:
        where += " AND r.id = ANY(%s)"
        params.append(list(response_ids))
    if since is not None:
        where += " AND r.updated_at >= %s"
        params.append(since)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO surveys_followup (response_id, status, note, created_at)
            SELECT r.id, 'open', '', statement_timestamp() FROM surveys_surveyresponse r
             WHERE ((r.survey = 'csat' AND r.score <= 2) OR (r.survey = 'nps' AND r.score <= 6)) {where}
               AND NOT EXISTS (SELECT 1 FROM surveys_followup f WHERE f.response_id = r.id)
            ON CONFLICT (response_id) DO NOTHING
            RETURNING response_id""",
            params,
        )
        opened = [row[0] for row in cur.fetchall()]
        detractors_announce(response_ids=opened, answered_since=timezone.now() - DETRACTOR_NEWS_MAX_AGE)
    return len(opened)


# An imported detractor answer older than this is history, not news: the first import of a
# year of responses must not post hundreds of messages to the center's channel.
DETRACTOR_NEWS_MAX_AGE = dt.timedelta(hours=48)


def detractors_announce(*, response_ids: list[int], answered_since: dt.datetime | None = None) -> list[int]:
    """A survey.detractor webhook per response (in the caller's transaction). Its data say what
    a team lead needs to act and no more: the score, the contact's id and queue, a link; not the
    customer's comment or identity."""
    if not response_ids or not webhook_event_subscribed(WebhookEvent.SURVEY_DETRACTOR):
        return []
    responses = SurveyResponse.objects.filter(pk__in=response_ids).order_by("pk")
    if answered_since is not None:
        responses = responses.filter(responded_at__gte=answered_since)
    link = tenant_link("survey_follow_ups")
    sent = []
    for pk, kind, score, external_id, queue in responses.values_list(
        "pk", "survey", "score", "interaction__external_id", "interaction__queue__name"
    ):
        data = {"response_id": pk, "survey": kind, "score": score, "external_id": external_id, "queue": queue}
        words = {"kind": kind.upper(), "score": score, "contact": external_id, "queue": queue or _("no queue")}
        text = _("%(kind)s detractor: score %(score)s for contact %(contact)s (%(queue)s).") % words
        sent += webhook_event_emit(
            event=WebhookEvent.SURVEY_DETRACTOR, data={**data, "follow_ups_url": link}, text=f"{text} {link}"
        )
    return sent


def follow_up_close(*, follow_up: FollowUp, by, note: str) -> FollowUp:
    follow_up.status = FollowUp.Status.DONE
    follow_up.note = note
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = by
    follow_up.save(update_fields=["status", "note", "closed_at", "closed_by"])
    return follow_up


# One statement: the unique constraints (one response per invitation, one per contact and
# kind) decide, so two simultaneous submits cannot both write and no row lock is needed; the
# follow-up of a low score is written by the same statement, and it asks whether the tenant's
# pending KPI recompute already covers the contact's day (it does for all but the first answer
# of a burst: then no further statement is needed). At hundreds of answers a second every
# round trip counts (bench/surveys.py).
_ANSWER_SQL = f"""
    WITH answer AS (
        INSERT INTO surveys_surveyresponse (interaction_id, survey, score, responded_at, comment, source,
                                            invitation_id, language, updated_at)
        VALUES (%(interaction)s, %(kind)s, %(score)s, statement_timestamp(), %(comment)s, 'link',
                %(invitation)s, %(language)s, statement_timestamp())
        ON CONFLICT DO NOTHING RETURNING id
    ), follow_up AS (
        INSERT INTO surveys_followup (response_id, status, note, created_at)
        SELECT id, 'open', '', statement_timestamp() FROM answer WHERE %(follow_up)s
    ), recompute_pending AS ({PENDING_COVERS_DAY_SQL}
    )
    SELECT id, EXISTS (SELECT FROM recompute_pending) FROM answer"""
# Answers of the next minute share one KPI recompute.
RECOMPUTE_DEBOUNCE_SECONDS = 60


def response_submit(*, invitation: SurveyInvitation, score: int, comment: str = "", language: str = "") -> int | None:
    """Record the one answer of an invitation (caller checked it is not expired) and return
    its id, or None when the invitation (or its contact, for this kind) already has an answer:
    a second submit changes nothing. Then asks for the KPIs of the contact's day, unless the
    pending recompute covers it already.
    ``response_submit(invitation=inv, score=5, comment="Quick", language="en")``"""
    kind = invitation.survey.kind
    detractor = needs_follow_up(kind, score)
    # The answer belongs to the period of the contact it rates (local time).
    day = timezone.localtime(invitation.interaction.offered_at, current_tenant().tz).date()
    # No atomic block for most answers: one statement is atomic by itself, and outside a
    # transaction on_commit runs at once (inside a caller's transaction it still waits for the
    # commit). A detractor's answer commits with its webhook deliveries, so it takes one.
    with transaction.atomic() if detractor else nullcontext(), connection.cursor() as cur:
        cur.execute(
            _ANSWER_SQL,
            {
                "interaction": invitation.interaction_id,
                "kind": kind,
                "score": score,
                "comment": comment,
                "invitation": invitation.pk,
                "language": language,
                "follow_up": detractor,
                **pending_covers_day_params(day=day, reason="survey", delay_seconds=RECOMPUTE_DEBOUNCE_SECONDS),
            },
        )
        row = cur.fetchone()
        if row is None:
            return None
        response_id, recompute_pending = row
        if detractor:
            detractors_announce(response_ids=[response_id])
        if not recompute_pending:
            kpi_recompute_enqueue(since=day, until=day, reason="survey", debounce_seconds=RECOMPUTE_DEBOUNCE_SECONDS)
    return response_id
