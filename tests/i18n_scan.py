"""Finds English left on a translated page: visible texts that are the source string of an entry
our catalogue translates differently (so the page forgot to translate it).

Only the page's <main> is read (the navigation is another page's business), its text nodes and
the attributes people read (aria-label, title, placeholder, alt). A text equal to its German
msgstr ("Team", "KPI", "Status") is not English left over. Our own catalogue only: Django's
words ("January") are Django's concern.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from html.parser import HTMLParser

from django.conf import settings

READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
SKIPPED_TAGS = ("script", "style")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


PLACEHOLDER = re.compile(r"%\(\w+\)[-+ 0-9.]*[sdfr]")


@cache
def translated_sources(language: str) -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The English texts our catalogue translates differently, as a page would show them: plain
    texts, and patterns of those with placeholders ("Scorecard: %(group_label)s" matches
    "Scorecard: team North"). A pattern needs a few words of its own, or "%(days)s d" would
    match half of any page; texts with markup never show as one text node."""
    path = settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.mo"
    with open(path, "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    texts, patterns = set(), []
    for key, translation in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or _normal(translation) == _normal(msgid) or "<" in msgid:
            continue  # the header, the same in both languages, or split by markup
        shown = _normal(msgid.replace("%%", "%"))
        if not PLACEHOLDER.search(msgid):
            texts.add(shown)
            continue
        parts = PLACEHOLDER.split(shown)
        if sum(len(re.sub(r"\W", "", part)) for part in parts) >= 8:
            patterns.append(re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$"))
    return frozenset(texts), tuple(patterns)


class _MainTexts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <main> when > 0
        self.skipping = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if self.depth and tag in SKIPPED_TAGS:
            self.skipping += 1
        if self.depth:
            self.texts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if self.depth and tag in SKIPPED_TAGS:
            self.skipping -= 1
        if tag == "main":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skipping:
            self.texts.append(data)


def main_texts(html: str) -> list[str]:
    parser = _MainTexts()
    parser.feed(html)
    return [text for text in (_normal(t) for t in parser.texts) if text]


def untranslated(html: str, language: str = "de") -> list[str]:
    """The visible texts of the page's <main> that are English source strings of our catalogue."""
    texts, patterns = translated_sources(language)
    return [text for text in main_texts(html) if text in texts or any(pattern.match(text) for pattern in patterns)]
