"""GET /api/v1/kpis/: the rows of ``manage.py kpi_report``, paginated and scoped to the caller."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from common.access import ADMIN, AGENT, INTEGRATION, MANAGER
from common.api import TenantAPIView
from common.pagination import WindowCountPagination

from .catalogue import KPIS, PERIODS
from .models import KpiSnapshot, Scope
from .selectors import REPORT_FIELDS, kpi_report


class KpiQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=Scope.values)
    period = serializers.ChoiceField(choices=PERIODS)
    start = serializers.DateField(help_text="Every period that overlaps start..end is returned.")
    end = serializers.DateField()
    kpi = serializers.CharField(
        required=False, allow_blank=True, help_text="Comma-separated KPI codes (default: every KPI)."
    )
    key = serializers.CharField(required=False, help_text="One group: an ACD login, team, queue, ...")

    def validate_kpi(self, value: str) -> list[str]:
        codes = [c.strip() for c in value.split(",") if c.strip()]
        unknown = [c for c in codes if c not in KPIS]
        if unknown:
            raise serializers.ValidationError(f"Unknown KPI(s): {', '.join(unknown)}.")
        return codes

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "end is before start."})
        return attrs


class KpiSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiSnapshot
        fields = list(REPORT_FIELDS)


class KpiListApi(TenantAPIView, ListAPIView):
    """KPI values with numerator, denominator, n and 95% interval, per group and period.

    Agents read their own rows; managers their teams, their agents and the impersonal groups.
    """

    allowed_roles = frozenset({ADMIN, MANAGER, AGENT, INTEGRATION})
    serializer_class = KpiSnapshotSerializer
    pagination_class = WindowCountPagination  # the page and its total in one query

    @extend_schema(parameters=[KpiQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = KpiQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        return kpi_report(
            fetched_by=self.request.user,
            scope=q["scope"],
            period=q["period"],
            start=q["start"],
            end=q["end"],
            kpis=q.get("kpi") or None,
            key=q.get("key"),
        )
