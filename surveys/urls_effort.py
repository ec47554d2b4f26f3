"""The agent effort pulse, mounted at /surveys/effort/ (see surveys/urls.py)."""

from django.urls import path

from . import views_effort

urlpatterns = [
    path("", views_effort.effort_pulse, name="effort_pulse"),
    path("history/", views_effort.effort_history, name="effort_history"),
    path("results/", views_effort.effort_results, name="effort_results"),
    path("gap/", views_effort.effort_gap, name="effort_gap"),
    path("settings/", views_effort.effort_settings, name="effort_settings"),
]
