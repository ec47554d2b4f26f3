"""REST API v1 of a tenant host. Documentation is generated from these views."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts.apis import AgentListApi, TeamListApi
from common.access import PUBLIC
from interactions.apis import (
    ImportCreateApi,
    ImportRunDetailApi,
    ImportRunListApi,
    InteractionDetailApi,
    InteractionListApi,
)
from scorecards.apis import KpiListApi


class PublicSchemaView(SpectacularAPIView):
    # The API's description is not a secret; the data behind it is.
    allowed_roles = frozenset({PUBLIC})
    permission_classes = []
    authentication_classes = []
    urlconf = "config.urls_tenants"


class PublicSwaggerView(SpectacularSwaggerView):
    allowed_roles = frozenset({PUBLIC})
    permission_classes = []
    authentication_classes = []


class PublicRedocView(SpectacularRedocView):
    allowed_roles = frozenset({PUBLIC})
    permission_classes = []
    authentication_classes = []


urlpatterns = [
    path("schema/", PublicSchemaView.as_view(), name="api_schema"),
    path("docs/", PublicSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", PublicRedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("imports/runs/", ImportRunListApi.as_view(), name="api_import_runs"),
    path("imports/runs/<int:pk>/", ImportRunDetailApi.as_view(), name="api_import_run"),
    path("imports/<str:kind>/", ImportCreateApi.as_view(), name="api_import_create"),
    path("interactions/", InteractionListApi.as_view(), name="api_interactions"),
    path("interactions/<str:external_id>/", InteractionDetailApi.as_view(), name="api_interaction"),
    path("kpis/", KpiListApi.as_view(), name="api_kpis"),
    path("", include("surveys.urls_api")),
    path("agents/", AgentListApi.as_view(), name="api_agents"),
    path("teams/", TeamListApi.as_view(), name="api_teams"),
]
