"""Finds English left on a page rendered in German (or Spanish).

A text of the page (an element's text, or a title / aria-label / placeholder attribute) is
"untranslated" when it equals a msgid of our catalogue whose translation differs, i.e. the
English source string is on the page although the catalogue has a German one. msgids with
placeholders match as patterns ("Import of %(name)s" catches "Import of calls.csv"), unless
the text also reads as a translation (the German "Import von calls.csv" is fine). Data
(names, numbers) never equals a msgid, so it is ignored by construction.

    from tests.i18n_scan import untranslated_on
    assert untranslated_on(client, "/settings/users/", language="de") == []

Only the page's <main> and <title> are scanned by default: templates/base.html's header is
the navigation's own business (scope="document" scans everything).
"""

from __future__ import annotations

import gettext
import html as html_lib
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIP = {"script", "style", "template"}
ATTRIBUTES = ("title", "aria-label", "placeholder")
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdfi]|\{\w+\}")
TAG = re.compile(r"<[^>]+>")


def _normal(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _pattern(text: str) -> re.Pattern | None:
    """A msgid with placeholders as a regex, if its literal words say enough to match on."""
    literal = PLACEHOLDER.sub(" ", text)
    if not re.search(r"[^\W\d_]{3,}", literal):
        return None
    parts = PLACEHOLDER.split(text)
    return re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$", re.S)


class Catalogue:
    def __init__(self, language: str):
        path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.mo"
        with path.open("rb") as mo:
            catalog = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
        self.english: dict[str, str] = {}  # normalised English text -> msgid
        self.english_patterns: list[tuple[re.Pattern, str]] = []
        self.translated: set[str] = set()
        self.translated_patterns: list[re.Pattern] = []
        for key, msgstr in catalog.items():
            # plural forms are keyed (singular msgid, form index); the English plural is not stored
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid or not msgstr:
                continue
            source = _normal(html_lib.unescape(TAG.sub("", msgid)))
            target = _normal(html_lib.unescape(TAG.sub("", msgstr.replace("%%", "%"))))
            source = source.replace("%%", "%")
            if not source or source == target:
                continue
            self.translated.add(target)
            if pattern := _pattern(target):
                self.translated_patterns.append(pattern)
            if PLACEHOLDER.search(source):
                if pattern := _pattern(source):
                    self.english_patterns.append((pattern, msgid))
            else:
                self.english[source] = msgid

    def reads_translated(self, text: str) -> bool:
        return text in self.translated or any(p.match(text) for p in self.translated_patterns)

    def english_source(self, text: str) -> str | None:
        if text in self.english and text not in self.translated:
            return self.english[text]
        if self.reads_translated(text):
            return None
        for pattern, msgid in self.english_patterns:
            if pattern.match(text):
                return msgid
        return None


@cache
def catalogue(language: str) -> Catalogue:
    return Catalogue(language)


class _Texts(HTMLParser):
    """Every element's whole text (its descendants' included) and the scanned attributes."""

    def __init__(self, scope: str):
        super().__init__(convert_charrefs=True)
        self.scope = scope
        self.depth_in_scope = 0 if scope == "main" else 1
        self.stack: list[tuple[str, list[str]]] = []
        self.skipping = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main" and self.scope == "main":
            self.depth_in_scope += 1
        if tag == "title":
            self.depth_in_scope += 1
        if self.depth_in_scope:
            for name, value in attrs:
                if name in ATTRIBUTES and value:
                    self.texts.append(value)
        if tag in SKIP:
            self.skipping += 1
        if tag not in VOID:
            self.stack.append((tag, []))

    def handle_endtag(self, tag):
        if tag in SKIP and self.skipping:
            self.skipping -= 1
        while self.stack:
            name, parts = self.stack.pop()
            if self.depth_in_scope:
                self.texts.append("".join(parts))
            if self.stack:
                self.stack[-1][1].extend(parts)
            if name == tag:
                break
        if (tag == "main" and self.scope == "main") or tag == "title":
            self.depth_in_scope -= 1

    def handle_data(self, data):
        if self.stack and not self.skipping:
            self.stack[-1][1].append(data)


def untranslated(html: str, *, language: str = "de", scope: str = "main") -> list[str]:
    """The English source strings found on the page, each once, in page order."""
    parser = _Texts(scope)
    parser.feed(html)
    parser.close()
    found: list[str] = []
    cat = catalogue(language)
    for raw in parser.texts:
        text = _normal(raw)
        for candidate in [text, *(_normal(part) for part in text.split(" · "))]:
            if candidate and (msgid := cat.english_source(candidate)) and msgid not in found:
                found.append(msgid)
    return found


def untranslated_on(client, url: str, *, language: str = "de", scope: str = "main") -> list[str]:
    """Fetches url with the client (whose user's language, or Accept-Language, is ``language``)."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert response["Content-Language"] == language, f"{url} came out in {response['Content-Language']}"
    return untranslated(response.content.decode(), language=language, scope=scope)
