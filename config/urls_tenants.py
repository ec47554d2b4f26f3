"""Every URL of one contact center's host (<slug>.localhost)."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("imports/", include("interactions.urls")),
    path("kpis/", include("scorecards.urls")),
    path("surveys/", include("surveys.urls")),
    path("coaching/", include("coaching.urls")),
    path("s/", include("surveys.urls_public")),
    path("api/v1/", include("config.urls_api")),
]
