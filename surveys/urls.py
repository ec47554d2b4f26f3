"""Survey pages of a tenant host: customer surveys (definitions, results, follow-ups) and the
agent effort pulse. The public response page lives at /s/<token>/ (surveys/urls_public.py)."""

from django.urls import include, path

urlpatterns = [
    path("", include("surveys.urls_customer")),
    path("effort/", include("surveys.urls_effort")),
]
