"""Streaming CSV exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# Spreadsheets run cells that start like a formula; exported labels come from people and files.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """csv.writer writes into this and hands each line straight to the response."""

    def write(self, value: str) -> str:
        return value


def csv_line_writer():
    """A csv.writer whose writerow returns the line, for a StreamingHttpResponse's generator."""
    return csv.writer(_Echo())


def text_cell(value) -> str:
    """A cell as text, with a leading quote when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_download(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A CSV file to save, streamed line by line as ``lines`` yields them (never all held)."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
