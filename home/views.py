"""The home page of a contact center's host: it gathers what every app has for the person
asking, so it sits above them all (tests/test_import_graph.py)."""

from django.shortcuts import render

from accounts.selectors import teams_visible_to
from common.access import ADMIN, AGENT, MANAGER, role_required
from interactions.selectors import interactions_visible_to


@role_required(ADMIN, MANAGER, AGENT)
def home(request):
    recent = interactions_visible_to(fetched_by=request.user).order_by("-offered_at")[:10]
    return render(
        request,
        "home/home.html",
        {
            "recent_interactions": recent,
            "teams": teams_visible_to(fetched_by=request.user),
        },
    )
