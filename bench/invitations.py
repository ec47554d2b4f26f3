"""Handled contacts with an open survey invitation each, for the survey benchmarks
(bench/surveys.py, bench/load.py). Call inside the tenant's schema."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from interactions.models import Interaction
from surveys.models import Survey, SurveyInvitation
from surveys.services import invitation_token


def invited_contacts(*, survey: Survey, n: int, prefix: str, spread_minutes: int) -> list[str]:
    """n answered contacts ended within the last ``spread_minutes``, external and customer ids
    ``<prefix>-<i>``; returns the tokens of their invitations."""
    now = timezone.now()
    contacts = Interaction.objects.bulk_create(
        [
            Interaction(
                external_id=f"{prefix}-{i}",
                offered_at=now - dt.timedelta(minutes=i % spread_minutes + 5),
                answered_at=now - dt.timedelta(minutes=i % spread_minutes + 4),
                ended_at=now - dt.timedelta(minutes=i % spread_minutes),
                talk_seconds=200,
                outcome="answered",
                customer_id=f"{prefix}-{i}",
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    invitations = SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(
                survey=survey,
                interaction=contact,
                token=invitation_token(),
                source="api",
                expires_at=now + dt.timedelta(days=7),
            )
            for contact in contacts
        ],
        batch_size=5000,
    )
    return [invitation.token for invitation in invitations]
