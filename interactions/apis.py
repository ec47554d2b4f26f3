from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.models import Agent
from common.access import ADMIN, AGENT, INTEGRATION, MANAGER
from common.api import TenantAPIView
from common.uploads import UploadTooLarge

from .ingestion import PARSERS
from .models import ImportRun, Interaction, InteractionType, Queue
from .selectors import import_runs_visible_to, interactions_visible_to
from .services import import_submit


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "file_name",
            "file_size",
            "source",
            "created_by_label",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "rows_processed",
            "summary",
            "error_message",
        ]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportIssueSerializer(serializers.Serializer):
    """One rejected row (errors) or one row that landed with a value left out (warnings).
    Line 1 is the header, line 0 the whole file; field "*" is the whole line."""

    line = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


# Inline: a serializer class cannot have a field named "errors" (Serializer.errors).
IMPORT_SUMMARY = inline_serializer(
    "ImportSummary",
    {
        "import_id": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "rejected": serializers.IntegerField(help_text="Rows that could not land; each is in errors."),
        "errors": ImportIssueSerializer(many=True),
        "errors_omitted": serializers.IntegerField(required=False, help_text="Errors beyond the first 10,000."),
        "warnings": ImportIssueSerializer(
            many=True,
            help_text="Rows that landed without an inconsistent optional value, unknown columns, ignored events.",
        ),
        "warnings_omitted": serializers.IntegerField(required=False, help_text="Warnings beyond the first 10,000."),
    },
)
DETAIL = inline_serializer("ImportRefused", {"detail": serializers.CharField()})


class ImportCreateApi(TenantAPIView):
    """Import one file; the response is the import summary."""

    allowed_roles = frozenset({ADMIN, INTEGRATION})
    parser_classes = [MultiPartParser]
    upload_limit_setting = "IMPORT_MAX_UPLOAD_BYTES"  # common.uploads: 413 before the body is read

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(PARSERS)),
            OpenApiParameter(
                "async",
                bool,
                description=(
                    "Queue the import in the background and answer 202 with the import's id "
                    "(poll GET /api/v1/imports/runs/{id}/). Default: import now."
                ),
            ),
        ],
        responses={
            200: IMPORT_SUMMARY,
            202: ImportRunSerializer,
            413: OpenApiResponse(
                DETAIL, description="The file is over IMPORT_MAX_UPLOAD_BYTES (200 MB by default): split it."
            ),
        },
    )
    def post(self, request, kind: str):
        if kind not in PARSERS:
            return Response(
                {"detail": f"Unknown import kind {kind!r}. Expected one of: {', '.join(PARSERS)}."},
                status=status.HTTP_404_NOT_FOUND,
            )
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        run_async = request.query_params.get("async", "").lower() in ("1", "true", "yes")
        try:
            run = import_submit(
                kind=kind,
                upload=upload.validated_data["file"],
                created_by=request.user,
                created_by_label=str(request.user),
                source="api",
                run_async=run_async,
            )
        except UploadTooLarge as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        if run_async:
            return Response(ImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
        if run.status == ImportRun.Status.FAILED:
            return Response(
                {"import_id": run.pk, "detail": run.error_message, **run.summary}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"import_id": run.pk, **run.summary})


class ImportRunListApi(TenantAPIView, generics.ListAPIView):
    allowed_roles = frozenset({ADMIN, INTEGRATION})
    serializer_class = ImportRunSerializer

    def get_queryset(self):
        return import_runs_visible_to(fetched_by=self.request.user)


class ImportRunDetailApi(TenantAPIView, generics.RetrieveAPIView):
    allowed_roles = frozenset({ADMIN, INTEGRATION})
    serializer_class = ImportRunSerializer

    def get_object(self):
        return get_object_or_404(import_runs_visible_to(fetched_by=self.request.user), pk=self.kwargs["pk"])


class InteractionSerializer(serializers.ModelSerializer):
    queue: serializers.SlugRelatedField[Queue] = serializers.SlugRelatedField(slug_field="name", read_only=True)
    interaction_type: serializers.SlugRelatedField[InteractionType] = serializers.SlugRelatedField(
        slug_field="name", read_only=True
    )
    agent: serializers.SlugRelatedField[Agent] = serializers.SlugRelatedField(slug_field="acd_login", read_only=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "external_id",
            "channel",
            "queue",
            "interaction_type",
            "agent",
            "customer_id",
            "case_id",
            "initiated_at",
            "offered_at",
            "answered_at",
            "ended_at",
            "talk_seconds",
            "hold_seconds",
            "acw_seconds",
            "hold_count",
            "handle_seconds",
            "wait_seconds",
            "outcome",
            "transferred",
            "resolved",
            "callback_requested",
            "missed_by",
            "cost",
        ]


class InteractionListApi(TenantAPIView, generics.ListAPIView):
    """Contacts visible to the caller, newest first."""

    allowed_roles = frozenset({ADMIN, MANAGER, AGENT, INTEGRATION})
    serializer_class = InteractionSerializer

    def get_queryset(self):
        return interactions_visible_to(fetched_by=self.request.user).order_by("-offered_at", "-id")


class InteractionDetailApi(TenantAPIView, generics.RetrieveAPIView):
    allowed_roles = frozenset({ADMIN, MANAGER, AGENT, INTEGRATION})
    serializer_class = InteractionSerializer
    lookup_field = "external_id"

    def get_queryset(self):
        return interactions_visible_to(fetched_by=self.request.user)
