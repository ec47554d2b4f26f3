"""Page-number pagination whose total comes with the page: one query, not two.

DRF's PageNumberPagination asks ``SELECT COUNT(*)`` and then the page. Here the page's rows
carry ``COUNT(*) OVER ()`` (the window is taken before LIMIT/OFFSET, so it is the count of the
whole result); the answer (``count``, ``next``, ``previous``, ``results``) is the same. Only a
page past the end, which has no row to carry it, asks COUNT(*) (to answer 404 like DRF).
"""

from __future__ import annotations

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Window
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

TOTAL = "_page_total"


class WindowCountPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        raw = request.query_params.get(self.page_query_param) or 1
        paginator = Paginator(queryset, page_size)
        try:
            number = int(raw)
            if number < 1:
                raise ValueError
        except (TypeError, ValueError):
            if raw not in self.last_page_strings:
                raise NotFound(self.invalid_page_message.format(page_number=raw, message="Invalid page.")) from None
            return super().paginate_queryset(queryset, request, view)  # "last" needs the count first
        offset = (number - 1) * page_size
        rows = list(queryset.annotate(**{TOTAL: Window(Count("*"))})[offset : offset + page_size])
        # Paginator.count is a cached_property: the window's total stands in for its query.
        paginator.count = getattr(rows[0], TOTAL) if rows else (queryset.count() if number > 1 else 0)
        try:
            paginator.validate_number(number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=str(exc))) from None
        self.page = Page(rows, number, paginator)
        self.request = request
        return rows
