"""Follow-on work without upward imports: a lower app says what happened, the top decides.

Apps are layered (tests/test_import_graph.py holds the order): an import in ``interactions``
must not import the KPI engine, surveys or QA to set them in motion, and the engine must not
import coaching to refresh its signals. So a lower app *announces* one of the events below,
and ``pipeline/`` (the top app) registers the one handler of each event, which owns the order
of what follows (pipeline/followups.py)::

    announce(Event.IMPORT_COMMITTED, started_at=run.started_at, mode="async")

An event nobody handles is an error, never a silent no-op: without ``pipeline`` installed an
import would land and no KPI, survey or QA check would ever follow.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Event(enum.StrEnum):
    # New or changed contacts committed by an import. Facts: started_at (the run's start,
    # our clock), mode ("sync", "async" or "none": how the KPI recompute runs).
    IMPORT_COMMITTED = "import committed"
    # The KPI engine wrote the snapshots of since..until (local dates), inside its transaction.
    KPIS_RECOMPUTED = "kpis recomputed"
    # An agent changed team or a team its name: every past contact counts elsewhere now.
    # Facts: reason (in words, kept with the recompute it asks for).
    TEAM_HISTORY_CHANGED = "team history changed"
    # A batch of live events was applied to the live state. Facts: accepted (new events in it).
    LIVE_EVENTS_APPLIED = "live events applied"


Handler = Callable[..., Any]
_handlers: dict[Event, Handler] = {}


def handles(event: Event) -> Callable[[Handler], Handler]:
    """Register the one handler of ``event`` (a decorator, used by pipeline/followups.py)."""

    def register(handler: Handler) -> Handler:
        current = _handlers.get(event)
        if current is not None and current is not handler:
            raise ImproperlyConfigured(f"{event!s} is already handled by {current.__qualname__}")
        _handlers[event] = handler
        return handler

    return register


def announce(event: Event, **facts: Any) -> Any:
    """Run what follows ``event``, in the caller's transaction, and return what the handler returns."""
    try:
        handler = _handlers[event]
    except KeyError:
        raise ImproperlyConfigured(f"nothing handles {event!s}: is 'pipeline' in INSTALLED_APPS?") from None
    return handler(**facts)
