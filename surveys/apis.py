"""POST /api/v1/survey-invitations/: the tenant's own systems ask for a survey link to send."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from common.access import ADMIN, INTEGRATION
from common.api import TenantAPIView
from interactions.models import Outcome
from interactions.selectors import interaction_by_external_id

from .models import SurveyInvitation
from .selectors import invitations_to_send, survey_for_code
from .services import invitation_get_or_create


# Validates into the survey and the contact to invite about; context["fetched_by"] is the caller.
# (A comment, not a docstring: drf-spectacular would publish a docstring in the API's schema.)
class InvitationRequestSerializer(serializers.Serializer):
    interaction = serializers.CharField(max_length=200, help_text="The contact's external_id.")
    survey = serializers.CharField(max_length=20, help_text="A kind (csat, nps, ces) or a survey id.")

    def validate(self, attrs: dict) -> dict:
        # As the endpoint has always answered: one error at a time, the survey's first.
        code = attrs["survey"]
        survey = survey_for_code(code)
        if survey is None:
            raise serializers.ValidationError(
                {"survey": [f"No active survey {code!r} (a kind: csat, nps, ces, or a survey id)."]}
            )
        external_id = attrs["interaction"]
        interaction = interaction_by_external_id(fetched_by=self.context["fetched_by"], external_id=external_id)
        if interaction is None:
            raise serializers.ValidationError({"interaction": [f"No contact with external_id {external_id!r}."]})
        if interaction.outcome != Outcome.ANSWERED:
            raise serializers.ValidationError(
                {
                    "interaction": [
                        f"Contact {external_id!r} was not handled by an agent ({interaction.outcome}): "
                        f"there is nobody to rate."
                    ]
                }
            )
        return {"survey": survey, "interaction": interaction}


@extend_schema_field(OpenApiTypes.URI)
class RespondUrlField(serializers.Field):
    """The customer's link of an invitation, on the host the caller used."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="token", read_only=True, **kwargs)

    def to_representation(self, value: str) -> str:
        return self.context["request"].build_absolute_uri(reverse("survey_respond", args=[value]))


# Times in UTC, as this endpoint has always given them: a DateTimeField would otherwise use the
# current timezone, which TenantTimezoneMiddleware sets to the tenant's.
def _datetime_in_utc() -> serializers.DateTimeField:
    return serializers.DateTimeField(default_timezone=dt.UTC)


@extend_schema_serializer(component_name="SurveyInvitation")
class InvitationSerializer(serializers.Serializer):
    url = RespondUrlField()
    token = serializers.CharField()
    expires_at = _datetime_in_utc()
    survey = serializers.IntegerField(source="survey_id")
    interaction = serializers.CharField(source="interaction.external_id")


class InvitationListItemSerializer(serializers.ModelSerializer):
    # A ModelSerializer, so that "source" comes from the model: declared on a plain Serializer, a
    # field of that name would shadow the attribute Field.source, which mypy refuses.
    url = RespondUrlField()
    expires_at = _datetime_in_utc()
    survey = serializers.IntegerField(source="survey_id")
    kind = serializers.CharField(source="survey.kind")
    interaction = serializers.CharField(source="interaction.external_id")
    created_at = _datetime_in_utc()

    class Meta:
        model = SurveyInvitation
        fields = ["url", "token", "expires_at", "survey", "kind", "interaction", "created_at", "source"]


class InvitationListQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="Only invitations created at or after this time.")
    answered = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: answered only; false: not yet answered."
    )


class SurveyInvitationCreateApi(TenantAPIView):
    """POST: create (or return) the invitation of one handled contact to one survey; 201 when
    it is new, 200 with the same token when it already existed.

    GET: the invitations to send, newest first (those the sampling after each import created
    too): the tenant's own systems know the customer's address, Callwell does not."""

    allowed_roles = frozenset({ADMIN, INTEGRATION})

    @extend_schema(
        parameters=[
            InvitationListQuery,
            OpenApiParameter("page", int, description="A page number within the paginated result set."),
        ],
        responses={
            200: inline_serializer(
                "SurveyInvitationPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": InvitationListItemSerializer(many=True),
                },
            )
        },
    )
    def get(self, request):
        query = InvitationListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        invitations = invitations_to_send(
            fetched_by=request.user,
            since=query.validated_data.get("since"),
            answered=query.validated_data.get("answered"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(invitations, request, view=self)
        return paginator.get_paginated_response(
            InvitationListItemSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        request=InvitationRequestSerializer, responses={200: InvitationSerializer, 201: InvitationSerializer}
    )
    def post(self, request):
        data = InvitationRequestSerializer(data=request.data, context={"fetched_by": request.user})
        data.is_valid(raise_exception=True)
        invitation, created = invitation_get_or_create(**data.validated_data, source="api")
        return Response(
            InvitationSerializer(invitation, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
