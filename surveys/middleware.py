"""Ask agents the effort pulse when they log in.

A middleware rather than a ``user_logged_in`` signal: the login view stays Django's own, no
business logic hides in a signal (CONVENTIONS.md), and the question "is the pulse due?" is
asked on the first page the agent actually opens, so she lands on the pulse with ``?next=``
pointing at where she was going. The check runs once per session (one or two queries) and
the session remembers it: after that first page, "Not now" or an answer, she is left alone
until she logs in again. Logging out flushes the session, so the next login asks again.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Agent, Role
from tenants.current import current_schema_name

from .effort_selectors import effort_pulse_due

CHECKED = "effort_pulse_checked"
SKIPPED = "effort_pulse_skipped"
# Never interrupted: the pulse itself, signing in and out, files, the API, customers' links.
EXEMPT_PREFIXES = ("/surveys/effort/", "/login/", "/logout/", "/password", "/static/", "/api/", "/s/")


def wants_html(request) -> bool:
    accept = request.headers.get("Accept", "")
    requested_with = request.headers.get("X-Requested-With", "")
    return requested_with != "XMLHttpRequest" and (not accept or "text/html" in accept or "*/*" in accept)


class EffortPulseMiddleware:
    """Runs in process_view, after the URL resolved: only a page the agent may open sends her
    to the pulse (a page she may not open keeps its 403, never a detour)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        allowed = getattr(view_func, "allowed_roles", frozenset())
        if Role.AGENT not in allowed:
            return None
        return self._pulse_redirect(request)

    def _pulse_redirect(self, request):
        if request.method != "GET" or current_schema_name() == "public":
            return None
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False) or user.role != Role.AGENT:
            return None
        if request.path.startswith(EXEMPT_PREFIXES) or not wants_html(request):
            return None
        session = request.session
        if session.get(CHECKED) or session.get(SKIPPED):
            return None
        session[CHECKED] = True
        agent = Agent.objects.filter(user=user).first()
        if agent is None or not effort_pulse_due(agent=agent):
            return None
        return redirect(f"{reverse('effort_pulse')}?{urlencode({'next': request.get_full_path()})}")
