"""The customer's response page at /s/<token>/: no login, one answer per invitation.

Unknown tokens are a 404 and expired ones a 410, both as friendly pages; another tenant's
token is unknown here because invitations live in the tenant's schema.
"""

from __future__ import annotations

from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from common.access import public_view

from . import views_public_ratelimit as ratelimit
from .forms import AnswerForm
from .models import SCORE_RANGES
from .selectors import invitation_for_token
from .services import response_submit

END_LABELS = {
    "csat": ("Very dissatisfied", "Very satisfied"),
    "nps": ("Not at all likely", "Extremely likely"),
    "ces": ("Strongly disagree", "Strongly agree"),
}


def _page(request, template: str, context: dict | None = None, status: int = 200):
    response = render(request, f"surveys/{template}", context or {}, status=status)
    # The token is in the URL: never send it on as a Referer, never keep the page in caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _language(request, languages: str) -> str:
    offered = [code.strip() for code in languages.split(",") if code.strip()]
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()
        for lang in offered:
            if code == lang.lower() or code.split("-")[0] == lang.lower():
                return lang
    return offered[0] if offered else ""


# csrf_exempt: the page has no session and no ambient credentials to abuse; the token in
# the URL is the only secret, and whoever holds it may answer (once). Requiring a CSRF
# cookie would only break customers whose browsers drop third-party cookies.
@csrf_exempt
@public_view
def survey_respond(request, token: str):
    if ratelimit.over(request, "miss"):
        return _page(request, "public_limited.html", status=429)
    name = "answer" if request.method == "POST" else "view"
    if not ratelimit.allow(request, name, token):
        return _page(request, "public_limited.html", status=429)
    invitation = invitation_for_token(token)
    if invitation is None:
        ratelimit.allow(request, "miss")
        return _page(request, "public_unknown.html", status=404)
    survey = invitation.survey
    context = {"tenant_name": connection.tenant.name, "survey": survey}
    if invitation.answered:
        return _page(request, "public_already.html", context)
    if invitation.expires_at <= timezone.now():
        ratelimit.allow(request, "miss")
        return _page(request, "public_expired.html", context, status=410)
    form = AnswerForm(request.POST if request.method == "POST" else None, kind=survey.kind)
    if request.method == "POST" and form.is_valid():
        created = response_submit(invitation=invitation, score=form.cleaned_data["score"],
                                  comment=form.cleaned_data["comment"] if survey.follow_up_question else "",
                                  language=_language(request, survey.languages))
        return _page(request, "public_already.html" if created is None else "public_thanks.html", context)
    low, high = SCORE_RANGES[survey.kind]
    context.update(form=form, low=low, high=high, end_labels=END_LABELS[survey.kind])
    return _page(request, "public_respond.html", context, status=400 if form.errors else 200)

