"""Words for a rule's condition and values: one place for the pages, the emails and the
webhook text."""

from __future__ import annotations

from django.utils.translation import gettext as _

from common.formats import percent

from .models import RATE_KINDS, Kind


def value_text(kind: str, value: float | None) -> str:
    if value is None:
        return _("not judged (too few contacts)")
    if kind in RATE_KINDS:
        return percent(value, 1)
    if kind == Kind.LONGEST_WAIT_ABOVE:
        return _("%(seconds)d s") % {"seconds": round(value)}
    return _("%(n)d waiting") % {"n": round(value)}


def scope_text(queue: str) -> str:
    return _("queue %(queue)s") % {"queue": queue} if queue else _("whole center")


def condition_text(*, kind: str, threshold: float | None, window_minutes: int, queue: str) -> str:
    """ "Service level of the last 15 minutes below 80.0% (queue Billing)"."""
    values = {"threshold": threshold, "window": window_minutes, "scope": scope_text(queue)}
    if kind in RATE_KINDS and threshold is not None:
        values["threshold"] = percent(threshold, 1)
    if kind == Kind.SERVICE_LEVEL_BELOW:
        text = _("Service level of the last %(window)d minutes below %(threshold)s (%(scope)s)")
    elif kind == Kind.ABANDONMENT_ABOVE:
        text = _("Abandonment of the last %(window)d minutes above %(threshold)s (%(scope)s)")
    elif kind == Kind.LONGEST_WAIT_ABOVE:
        text = _("Longest wait above %(threshold)d s (%(scope)s)")
    else:
        text = _("Calls waiting while no agent is ready (%(scope)s)")
    return text % values


def duration_text(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min %(s)02d s") % {"m": minutes, "s": secs}
    return _("%(s)d s") % {"s": secs}
