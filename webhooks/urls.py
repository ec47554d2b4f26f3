"""Outgoing webhooks, under /settings/webhooks/ (config/urls_tenants.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.webhook_list, name="webhook_list"),
    path("new/", views.webhook_create, name="webhook_create"),
    path("<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("<int:pk>/edit/", views.webhook_edit, name="webhook_edit"),
    path("<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path("<int:pk>/rotate-secret/", views.webhook_secret_rotate, name="webhook_secret_rotate"),
    path("<int:pk>/test/", views.webhook_test, name="webhook_test"),
]
