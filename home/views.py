"""The home page of a contact center's host: what needs the person asking today, by role. It
gathers what every app has for them, so it sits above them all (tests/test_import_graph.py)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from accounts.selectors import own_agent
from common.access import ADMIN, AGENT, MANAGER, role_required
from common.periods import local_date
from recognition.selectors import recognitions_for_home
from tenants.current import current_tenant

from .selectors_admin import digest_schedule, failed_lately, setup_checklist
from .selectors_agent import my_week
from .selectors_manager import needs_you_today


@role_required(ADMIN, MANAGER, AGENT)
def home(request):
    tz = current_tenant().tz
    now = timezone.now()
    today = local_date(now, tz)
    role = request.user.role
    if role == MANAGER:
        return render(
            request, "home/manager.html", {"needs": needs_you_today(manager=request.user, today=today, tz=tz)}
        )
    if role == AGENT:
        agent = own_agent(fetched_by=request.user)
        recognitions = recognitions_for_home(agent=agent, fetched_by=request.user) if agent else None
        return render(
            request,
            "home/agent.html",
            {"week": my_week(user=request.user, today=today, now=now), "recognitions": recognitions},
        )
    schedule = digest_schedule()
    return render(
        request,
        "home/admin.html",
        {
            "checklist": setup_checklist(),
            "failed": failed_lately(now=now),
            "digest_weekday": WEEKDAYS[schedule.weekday],
            "digest_hour": schedule.hour,
        },
    )
