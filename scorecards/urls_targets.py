"""Pages: see scorecards/urls.py. KPI targets and KPI settings, for admins."""

from django.urls import path

from . import views_targets

urlpatterns: list = [
    path("targets/", views_targets.target_list, name="target_list"),
    path("targets/realism/", views_targets.target_realism, name="target_realism"),
    path("targets/<int:pk>/", views_targets.target_edit, name="target_edit"),
    path("settings/", views_targets.kpi_settings, name="kpi_settings"),
]
