"""Mounted at /settings/reports/ (config/urls_tenants.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_subscriptions, name="report_subscriptions"),
    path("<int:pk>/remove/", views.report_subscription_remove, name="report_subscription_remove"),
]
