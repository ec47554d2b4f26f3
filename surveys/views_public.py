"""The customer's response page at /s/<token>/: no login, one answer per invitation.

Unknown tokens are a 404 and expired ones a 410, both as friendly pages; another tenant's
token is unknown here because invitations live in the tenant's schema.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from common.access import public_view
from tenants.current import current_tenant

from . import views_public_ratelimit as ratelimit
from .forms import AnswerForm, language_name
from .models import SCORE_RANGES
from .selectors import invitation_for_token
from .services import response_submit

END_LABELS = {
    "csat": (_("Very dissatisfied"), _("Very satisfied")),
    "nps": (_("Not at all likely"), _("Extremely likely")),
    "ces": (_("Strongly disagree"), _("Strongly agree")),
}
UI_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _ui_language(wanted: list[str]) -> str:
    """The first of the customer's languages the page's fixed texts exist in ("de-AT" takes
    "de"); English when none is."""
    for code in wanted:
        base = code.lower().split("-")[0]
        if base in UI_LANGUAGES:
            return base
    return settings.LANGUAGE_CODE


def _page(request, template: str, context: dict | None = None, status: int = 200, *, wanted: list[str] | None = None):
    """Render in the customer's language: the survey's (wanted) if given, else their browser's."""
    language = _ui_language(wanted if wanted is not None else _accepted(request.headers.get("Accept-Language", "")))
    tenant_name = current_tenant().name
    if template in SAME_FOR_EVERY_CUSTOMER:
        html = _same_for_every_customer(template, language, tenant_name)
    else:
        context = {"tenant_name": tenant_name, **(context or {}), "ui_language": language}
        html = _render(template, language, context)
    response = HttpResponse(html, status=status)
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    # The token is in the URL: never send it on as a Referer, never keep the page in caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _render(template: str, language: str, context: dict) -> str:
    # No request, so no context processors: nothing of a signed-in user's session (navigation,
    # messages) belongs on a customer's page, and the busiest page skips their work.
    with translation.override(language):
        return render_to_string(f"surveys/{template}", context)


# The pages after an answer say the same to every customer of a contact center in a language:
# rendered once per process (templates and catalogues are fixed for its life, as the cached
# template loader has them), not on each of hundreds of answers a second (bench/surveys.py).
SAME_FOR_EVERY_CUSTOMER = frozenset({"public_thanks.html", "public_already.html"})


@functools.lru_cache(maxsize=512)
def _same_for_every_customer(template: str, language: str, tenant_name: str) -> str:
    return _render(template, language, {"tenant_name": tenant_name, "ui_language": language})


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
    context = {"tenant_name": current_tenant().name, "survey": survey}
    offered = survey.offered_languages
    language = _language(request, offered)
    if invitation.answered:
        return _page(request, "public_already.html", context, wanted=[language])
    if expired:
        return _page(request, "public_expired.html", context, status=410, wanted=[language])
    wording = survey.wording(language)
    form = AnswerForm(request.POST if request.method == "POST" else None, kind=survey.kind)
    if request.method == "POST" and form.is_valid():
        created = response_submit(
            invitation=invitation,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"] if wording["follow_up_question"] else "",
            language=language,
        )
        return _page(
            request, "public_already.html" if created is None else "public_thanks.html", context, wanted=[language]
        )
    low, high = SCORE_RANGES[survey.kind]
    # The question and follow-up question are the admins' wording in the customer's language; the
    # page's fixed texts (heading, scale ends, button, errors) are in that language when the UI has
    # it, else in English, marked with their own lang (ui_language).
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
    return _page(request, "public_respond.html", context, status=400 if form.errors else 200, wanted=[language])
