"""How the wallboard writes its figures. static/live/wallboard.js formats the streamed boards
the same way (keep the two in step: the page is rendered here first, then by the script)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

NONE = "–"

STATE_LABELS = {
    "ready": _("Ready"),
    "on_contact": _("On contact"),
    "acw": _("After-call work"),
    "not_ready": _("Not ready"),
    "break": _("Break"),
    "lunch": _("Lunch"),
    "training": _("Training"),
    "meeting": _("Meeting"),
    "offline": _("Offline"),
}


def _round(value: float) -> int:
    # half up, as the script's Math.round (Python's round() goes half to even)
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


@register.filter
def duration(seconds) -> str:
    """83 -> "1:23", 3725 -> "1:02:05"."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def pct(value) -> str:
    return NONE if value is None else f"{_round(value)}%"


@register.filter
def secs(value) -> str:
    return NONE if value is None else f"{_round(value)} s"


@register.filter
def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state.replace("_", " ").capitalize()))
