"""The language a page or an email comes out in.

Pages: accounts.middleware.UserLanguageMiddleware activates the user's own choice (or the
browser's). Emails have no browser: whoever sends one to a user renders it inside
``recipient_language(user)``, so a German agent gets German mail even when an English admin's
click sent it, e.g.::

    with recipient_language(user):
        subject = render_to_string("emails/invitation-subject.txt", context)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


def ui_language(code: str | None) -> str | None:
    """The UI language (settings.LANGUAGES) matching a language code ("de-AT" -> "de"), or None."""
    if not code:
        return None
    supported = {language for language, _ in settings.LANGUAGES}
    code = code.strip().lower()
    if code in supported:
        return code
    base = code.split("-")[0]
    return base if base in supported else None


def language_of(user) -> str:
    """The language to write to this user in: their choice, else the site's default (an email
    has no Accept-Language to fall back on)."""
    return ui_language(getattr(user, "language", "")) or settings.LANGUAGE_CODE


@contextmanager
def recipient_language(user) -> Iterator[str]:
    """Renders what happens inside in the user's language (dates and numbers included)."""
    language = language_of(user)
    with translation.override(language):
        yield language
