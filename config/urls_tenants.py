"""Every URL of one contact center's host (<slug>.localhost)."""

from django.urls import include, path

urlpatterns = [
    path("", include("home.urls")),
    path("", include("accounts.urls")),
    path("", include("audit.urls")),
    path("settings/webhooks/", include("webhooks.urls")),
    path("settings/reports/", include("reports.urls")),
    path("", include("alerts.urls")),
    path("imports/", include("interactions.urls")),
    path("kpis/", include("scorecards.urls")),
    # QA kept the URLs it had under the scorecards
    path("kpis/qa/", include("qa.urls")),
    path("kpis/qa/checks/", include("qa.urls_checks")),
    path("surveys/", include("surveys.urls")),
    path("coaching/", include("coaching.urls")),
    path("recognition/", include("recognition.urls")),
    path("", include("live.urls")),
    path("s/", include("surveys.urls_public")),
    path("api/v1/", include("config.urls_api")),
]

# API clients get JSON for a URL that matches no route, as for the API's own 404s
handler404 = "common.errors.page_not_found"
