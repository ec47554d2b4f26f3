"""Scorecard, operations, staffing, target and KPI-settings pages of a tenant host."""

from django.urls import include, path

urlpatterns = [
    path("", include("scorecards.urls_scorecards")),
    path("", include("scorecards.urls_operations")),
    path("", include("scorecards.urls_targets")),
]
