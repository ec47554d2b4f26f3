"""Signals and context exclusions (managers and admins), mounted at /coaching/signals/."""

from django.urls import path

from . import views_signals

urlpatterns = [
    path("", views_signals.signal_list, name="signals"),
    path("<int:pk>/", views_signals.signal_detail, name="signal"),
    path("exclusions/", views_signals.exclusion_list, name="exclusions"),
    path("exclusions/new/", views_signals.exclusion_add_view, name="exclusion_add"),
    path("exclusions/<int:pk>/remove/", views_signals.exclusion_remove_view, name="exclusion_remove"),
]
