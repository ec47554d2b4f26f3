"""A report as files: the email (text and HTML), the CSV and the PDF, from report_content.

The PDF is WeasyPrint's rendering of an HTML print template (templates/reports/report_pdf.html);
it may fetch nothing (no URL, no file): everything it shows is in the template.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML, URLFetcher

from accounts.models import User
from common.csv_export import csv_line_writer, text_cell

from .content import report_content

CSV_COLUMNS = (
    "group",
    "scope",
    "key",
    "agent",
    "kpi",
    "label",
    "value",
    "value_text",
    "n",
    "ci_low",
    "ci_high",
    "insufficient_data",
    "target",
    "band",
)


def report_language(user: User) -> str:
    """The recipient's language (accounts.User.language where it exists), else the site's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _csv_row(writer, group: str, scope: str, key: str, agent: str, card: dict) -> str:
    snapshot = card["snapshot"]
    numbers = (
        [snapshot.value, snapshot.n, snapshot.ci_low, snapshot.ci_high, snapshot.insufficient_data]
        if snapshot is not None
        else ["", "", "", "", ""]
    )
    return writer.writerow(
        [
            text_cell(group),
            scope,
            text_cell(key),
            text_cell(agent),
            card["code"],
            text_cell(card["label"]),
            numbers[0] if numbers[0] is not None else "",
            text_cell(card["value"] if snapshot is not None else ""),
            *["" if v is None else v for v in numbers[1:]],
            text_cell(card["target"]),
            card["band"] or "",
        ]
    )


def report_csv(context: dict) -> str:
    """One line per value: the groups' KPIs, then their agents' (values as the snapshots hold them)."""
    writer = csv_line_writer()
    lines = [writer.writerow(CSV_COLUMNS)]
    for section in context["sections"]:
        for card in section.north_star + section.others:
            lines.append(_csv_row(writer, section.title, section.scope, section.key, "", card))
        for row in section.agents:
            for card in row.cards:
                if card["snapshot"] is not None:
                    lines.append(_csv_row(writer, section.title, "agent", row.login, row.name, card))
    return "".join(lines)


PDF_CSS = Path(__file__).with_name("report_pdf.css")


def report_pdf(context: dict) -> bytes:
    html = render_to_string("reports/report_pdf.html", context)
    # allowed_protocols=(): the template needs nothing from outside, so nothing may be fetched
    no_fetch = URLFetcher(allowed_protocols=())
    style = CSS(string=PDF_CSS.read_text(), url_fetcher=no_fetch)
    return HTML(string=html, url_fetcher=no_fetch).write_pdf(stylesheets=[style])


def report_message(*, recipient: User, cadence: str, start: dt.date) -> EmailMultiAlternatives:
    """The email of one recipient's report for one period, in the recipient's language."""
    with translation.override(report_language(recipient)):
        context = report_content(recipient=recipient, cadence=cadence, start=start)
        subject = render_to_string("emails/report-subject.txt", context).strip()
        text = render_to_string("emails/report-body.txt", context)
        html = render_to_string("emails/report-body.html", context)
        csv_text = report_csv(context)
        pdf = report_pdf(context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    name = f"scorecard-{cadence}-{start.isoformat()}"
    message.attach(f"{name}.csv", csv_text, "text/csv")
    message.attach(f"{name}.pdf", pdf, "application/pdf")
    return message
