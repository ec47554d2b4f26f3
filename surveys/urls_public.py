"""The public response page (mounted at /s/ by config/urls_tenants.py)."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("<str:token>/", views_public.survey_respond, name="survey_respond"),
]
