"""makemessages without fuzzy matching: gettext's guess copies the translation of a similar
entry ("My recognitions" for "All my recognitions") and marks it fuzzy, which gettext then
ignores at run time, so the page shows English while the catalogue looks translated. A new
entry stays empty instead, and tests/i18n's completeness check names it."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
