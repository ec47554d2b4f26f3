"""Writes of the agent effort pulse (AES): an agent's answer and the pulse's settings.

Every path (the pulse page, tests, a future API) goes through these functions, so the
"one answer per period" rule and the 1–7 ranges hold everywhere, not only in the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Agent
from interactions.models import InteractionType

from .effort_selectors import SETTINGS_PK, effort_next_due, effort_pulse_settings
from .models import EffortPulseSettings, EffortResponse

SCALE_MIN, SCALE_MAX = 1, 7
COMMENT_MAX = 2000
EVERY_DAYS_MAX = 365


def _scale(name: str, value, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError({name: _("Choose a value from 1 to 7.")})
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: _("Choose a value from 1 to 7.")}) from None
    if not SCALE_MIN <= number <= SCALE_MAX or str(number) != str(value).strip():
        raise ValidationError({name: _("Choose a value from 1 to 7.")})
    return number


@transaction.atomic
def effort_response_submit(
    *,
    agent: Agent,
    effort,
    tools,
    knowledge_base,
    process,
    hardest_types: Iterable[InteractionType],
    comment: str = "",
    now: dt.datetime | None = None,
) -> EffortResponse:
    """Record one pulse answer; refuses a second one within ``every_days`` of the last.

    effort_response_submit(agent=alice, effort=5, tools=3, knowledge_base=None, process=6,
                           hardest_types=[billing], comment="")
    """
    now = now or timezone.now()
    values = {
        "effort": _scale("effort", effort, required=True),
        "tools": _scale("tools", tools, required=False),
        "knowledge_base": _scale("knowledge_base", knowledge_base, required=False),
        "process": _scale("process", process, required=False),
    }
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Keep the comment under %(maximum)d characters.") % {"maximum": COMMENT_MAX}}
        )
    settings = effort_pulse_settings()
    if not settings.is_active:
        raise ValidationError(_("The effort pulse is switched off for now."))
    # Lock the agent's row: two tabs submitting at once must not both pass the check below.
    # Its team, read under the lock, is the one the answer belongs to for good (kpis.md).
    locked = Agent.objects.select_for_update().filter(pk=agent.pk).values("team_id").first()
    team_id = locked["team_id"] if locked else agent.team_id
    next_due = effort_next_due(agent=agent, settings=settings)
    if next_due is not None and now < next_due:
        # Translators: a date format of Django's date filter (l: weekday, j: day, F: month, Y: year, H:i: time)
        opens = date_format(timezone.localtime(next_due), _("l j F Y, H:i"))
        raise ValidationError(
            _("You have already answered the effort pulse for this period. The next one opens on %(opens)s.")
            % {"opens": opens}
        )
    response = EffortResponse.objects.create(agent=agent, team_id=team_id, submitted_at=now, comment=comment, **values)
    response.hardest_types.set(list(hardest_types))
    return response


def effort_settings_update(*, every_days: int, is_active: bool) -> EffortPulseSettings:
    if not 1 <= int(every_days) <= EVERY_DAYS_MAX:
        raise ValidationError({"every_days": _("Ask every 1 to %(maximum)d days.") % {"maximum": EVERY_DAYS_MAX}})
    return EffortPulseSettings.objects.update_or_create(
        pk=SETTINGS_PK, defaults={"every_days": int(every_days), "is_active": bool(is_active)}
    )[0]
