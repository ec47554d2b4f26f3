"""REST API v1 of a tenant host. Documentation is generated from these views."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.apis import AgentListApi, TeamListApi
from common.access import PUBLIC
from interactions.apis import (
    ImportCreateApi,
    ImportRunDetailApi,
    ImportRunListApi,
    InteractionDetailApi,
    InteractionListApi,
)
from live.apis import LiveEventsApi
from scorecards.apis import KpiListApi


class PublicSchemaView(SpectacularAPIView):
    # The API's description is not a secret; the data behind it is.
    allowed_roles = frozenset({PUBLIC})
    permission_classes = []
    authentication_classes = []
    urlconf = "config.urls_tenants"


class PublicSwaggerView(SpectacularSwaggerSplitView):
    # The split view serves Swagger UI's start-up script at ?script, not inline: no CSP exception.
    allowed_roles = frozenset({PUBLIC})
    permission_classes = []
    authentication_classes = []
    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("schema/", PublicSchemaView.as_view(), name="api_schema"),
    path("docs/", PublicSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("imports/runs/", ImportRunListApi.as_view(), name="api_import_runs"),
    path("imports/runs/<int:pk>/", ImportRunDetailApi.as_view(), name="api_import_run"),
    path("imports/<str:kind>/", ImportCreateApi.as_view(), name="api_import_create"),
    path("interactions/", InteractionListApi.as_view(), name="api_interactions"),
    path("interactions/<str:external_id>/", InteractionDetailApi.as_view(), name="api_interaction"),
    path("kpis/", KpiListApi.as_view(), name="api_kpis"),
    path("events/", LiveEventsApi.as_view(), name="api_live_events"),
    path("", include("surveys.urls_api")),
    path("agents/", AgentListApi.as_view(), name="api_agents"),
    path("teams/", TeamListApi.as_view(), name="api_teams"),
]
