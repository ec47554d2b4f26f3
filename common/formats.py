"""Numbers formatted in Python (messages, emails, CSV-free text) the way the active language
writes them: templates localise by themselves, f"{x:.1f} %" does not ("12.5 %" is wrong in
German, which writes "12,5 %").

    percent(12.345, 1)  -> "12.3%" (en), "12,3 %" (de, es)
    number(1234.5, 1)   -> "1,234.5" (en), "1.234,5" (de)
    date(some_date)     -> "Dec. 2, 2026" (en), "2. Dezember 2026" (de)
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _


def number(value: float | int, digits: int = 0) -> str:
    return formats.number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)


def percent(value: float | int, digits: int = 1) -> str:
    """A value already in percent (12.5 means 12.5 %)."""
    # Translators: a percentage; German and Spanish put a (non-breaking) space before the sign.
    return _("%(number)s%%") % {"number": number(value, digits)}


def date(value: dt.date | dt.datetime, format_name: str = "DATE_FORMAT") -> str:
    """A date (or the date of a datetime, which the caller has put in the right timezone)."""
    return formats.date_format(value, format_name, use_l10n=True)


def datetime(value: dt.datetime, format_name: str = "DATETIME_FORMAT") -> str:
    return formats.date_format(value, format_name, use_l10n=True)
