"""POST /api/v1/survey-invitations/: the tenant's own systems ask for a survey link to send."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from common.access import ADMIN, INTEGRATION
from common.api import TenantAPIView
from interactions.models import Interaction, Outcome

from .models import SurveyInvitation
from .selectors import survey_for_code
from .services import invitation_get_or_create


class InvitationRequestSerializer(serializers.Serializer):
    interaction = serializers.CharField(max_length=200, help_text="The contact's external_id.")
    survey = serializers.CharField(max_length=20, help_text="A kind (csat, nps, ces) or a survey id.")


InvitationSerializer = inline_serializer("SurveyInvitation", {
    "url": serializers.URLField(), "token": serializers.CharField(),
    "expires_at": serializers.DateTimeField(), "survey": serializers.IntegerField(),
    "interaction": serializers.CharField()})


class InvitationListQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="Only invitations created at or after this time.")
    answered = serializers.BooleanField(required=False, allow_null=True, default=None,
                                        help_text="true: answered only; false: not yet answered.")


class SurveyInvitationCreateApi(TenantAPIView):
    """POST: create (or return) the invitation of one handled contact to one survey; 201 when
    it is new, 200 with the same token when it already existed.

    GET: the invitations to send, newest first (those the sampling after each import created
    too): the tenant's own systems know the customer's address, Callwell does not."""

    allowed_roles = frozenset({ADMIN, INTEGRATION})

    @extend_schema(parameters=[InvitationListQuery], responses={200: inline_serializer(
        "SurveyInvitationPage", {"count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
                                 "previous": serializers.URLField(allow_null=True),
                                 "results": serializers.ListField(child=serializers.DictField())})})
    def get(self, request):
        query = InvitationListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        invitations = (SurveyInvitation.objects.select_related("interaction", "survey")
                       .order_by("-created_at", "-pk"))
        if query.validated_data.get("since"):
            invitations = invitations.filter(created_at__gte=query.validated_data["since"])
        answered = query.validated_data.get("answered")
        if answered is not None:
            invitations = invitations.filter(response__isnull=not answered)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(invitations, request, view=self)
        return paginator.get_paginated_response([{
            "url": request.build_absolute_uri(reverse("survey_respond", args=[invitation.token])),
            "token": invitation.token, "expires_at": invitation.expires_at,
            "survey": invitation.survey_id, "kind": invitation.survey.kind,
            "interaction": invitation.interaction.external_id, "created_at": invitation.created_at,
            "source": invitation.source,
        } for invitation in page])

    @extend_schema(request=InvitationRequestSerializer, responses={200: InvitationSerializer,
                                                                   201: InvitationSerializer})
    def post(self, request):
        data = InvitationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["survey"]
        survey = survey_for_code(code)
        if survey is None:
            return Response({"survey": [f"No active survey {code!r} (a kind: csat, nps, ces, or a survey id)."]},
                            status=status.HTTP_400_BAD_REQUEST)
        external_id = data.validated_data["interaction"]
        interaction = Interaction.objects.filter(external_id=external_id).first()
        if interaction is None:
            return Response({"interaction": [f"No contact with external_id {external_id!r}."]},
                            status=status.HTTP_400_BAD_REQUEST)
        if interaction.outcome != Outcome.ANSWERED:
            return Response({"interaction": [f"Contact {external_id!r} was not handled by an agent "
                                             f"({interaction.outcome}): there is nobody to rate."]},
                            status=status.HTTP_400_BAD_REQUEST)
        invitation, created = invitation_get_or_create(survey=survey, interaction=interaction, source="api")
        return Response({
            "url": request.build_absolute_uri(reverse("survey_respond", args=[invitation.token])),
            "token": invitation.token, "expires_at": invitation.expires_at,
            "survey": survey.pk, "interaction": external_id,
        }, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
