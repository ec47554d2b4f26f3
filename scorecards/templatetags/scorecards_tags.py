"""Template filters of the scorecard pages: ``{{ row.wait|seconds }}``."""

from django import template

from scorecards.formatting import format_seconds

register = template.Library()


@register.filter
def seconds(value) -> str:
    """A duration in seconds as "42 s" or "4:05"; "—" when there is none."""
    if value is None or value == "":
        return "—"
    return format_seconds(float(value))
