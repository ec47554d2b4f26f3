from rest_framework import generics, serializers

from common.access import ADMIN, AGENT, INTEGRATION, MANAGER
from common.api import TenantAPIView

from .models import Agent, Team
from .selectors import agents_visible_to, teams_visible_to


class AgentSerializer(serializers.ModelSerializer):
    team: serializers.SlugRelatedField[Team] = serializers.SlugRelatedField(slug_field="name", read_only=True)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Agent
        fields = ["id", "acd_login", "display_name", "team", "has_login"]

    def get_has_login(self, agent) -> bool:
        return agent.user_id is not None


class AgentListApi(TenantAPIView, generics.ListAPIView):
    allowed_roles = frozenset({ADMIN, MANAGER, AGENT, INTEGRATION})
    serializer_class = AgentSerializer

    def get_queryset(self):
        return agents_visible_to(fetched_by=self.request.user)


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class TeamListApi(TenantAPIView, generics.ListAPIView):
    allowed_roles = frozenset({ADMIN, MANAGER, AGENT, INTEGRATION})
    serializer_class = TeamSerializer

    def get_queryset(self):
        return teams_visible_to(fetched_by=self.request.user)
