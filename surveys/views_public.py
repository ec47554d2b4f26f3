"""The customer's response page at /s/<token>/: no login, one answer per invitation.

Unknown tokens are a 404 and expired ones a 410, both as friendly pages; another tenant's
token is unknown here because invitations live in the tenant's schema.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from common.access import public_view
from common.i18n import ui_language
from tenants.current import current_tenant

from . import views_public_ratelimit as ratelimit
from .forms import AnswerForm, language_name
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


def _accepted(header: str) -> list[str]:
    """The codes of an Accept-Language header, most wanted first (q=0 means "not this one")."""
    ranked = []
    for position, part in enumerate(header.split(",")[:32]):
        code, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        code = code.strip().lower()
        if code and code != "*" and weight > 0:
            ranked.append((-weight, position, code))
    return [code for _, _, code in sorted(ranked)]


def _language(request, offered: list[str]) -> str:
    """?lang= (or the form's lang on submit) when offered, else the best match of the
    browser's Accept-Language ("de-AT" takes "de", "fr" takes "fr-CA"), else the first."""
    by_code = {code.lower(): code for code in offered}
    asked = (request.POST.get("lang") or request.GET.get("lang") or "").strip().lower()
    if asked in by_code:
        return by_code[asked]
    for code in _accepted(request.headers.get("Accept-Language", "")):
        if code in by_code:
            return by_code[code]
        base = code.split("-")[0]
        for lang in offered:
            if lang.lower().split("-")[0] == base:
                return lang
    return offered[0] if offered else ""


# csrf_exempt: the page has no session and no ambient credentials to abuse; the token in
# the URL is the only secret, and whoever holds it may answer (once). Requiring a CSRF
# cookie would only break customers whose browsers drop third-party cookies.
@csrf_exempt
@public_view
def survey_respond(request, token: str):
    # The token is looked up first (one indexed read): the address's budget for unknown and
    # expired tokens throttles scanning, and must never turn a valid link away.
    invitation = invitation_for_token(token)
    expired = invitation is not None and not invitation.answered and invitation.expires_at <= timezone.now()
    if (invitation is None or expired) and not ratelimit.allow(request, "miss"):
        return _page(request, "public_limited.html", status=429)
    name = "answer" if request.method == "POST" else "view"
    if not ratelimit.allow(request, name, token):
        return _page(request, "public_limited.html", status=429)
    if invitation is None:
        return _page(request, "public_unknown.html", status=404)
    survey = invitation.survey
    offered = survey.offered_languages
    language = _language(request, offered)
    # The page's own texts (buttons, scale ends, errors, thanks) follow the customer's choice
    # when the UI speaks it; a logged-in user's language must not win here. LocaleMiddleware
    # activates a language on every request, so this does not leak into the next one.
    if page_language := ui_language(language):
        translation.activate(page_language)
    context = {"tenant_name": current_tenant().name, "survey": survey}
    if invitation.answered:
        return _page(request, "public_already.html", context)
    if expired:
        return _page(request, "public_expired.html", context, status=410)
    wording = survey.wording(language)
    form = AnswerForm(request.POST if request.method == "POST" else None, kind=survey.kind)
    if request.method == "POST" and form.is_valid():
        created = response_submit(
            invitation=invitation,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"] if wording["follow_up_question"] else "",
            language=language,
        )
        return _page(request, "public_already.html" if created is None else "public_thanks.html", context)
    low, high = SCORE_RANGES[survey.kind]
    # Only the question and follow-up question are translated; the page's fixed texts (heading,
    # scale ends, button, errors, and the thanks/expired pages) stay in English, marked lang="en".
    context.update(
        form=form,
        low=low,
        high=high,
        end_labels=END_LABELS[survey.kind],
        question=wording["question"],
        follow_up_question=wording["follow_up_question"],
        survey_language=language,
        language_links=[(code, language_name(code, local=True)) for code in offered] if len(offered) > 1 else [],
    )
    response = _page(request, "public_respond.html", context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["Accept-Language"])
    return response
