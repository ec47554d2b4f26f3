"""``POST /api/v1/events/``: live contact-center events, in batches, from an integration."""

from __future__ import annotations

import zoneinfo

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from common.access import INTEGRATION
from common.api import TenantAPIView
from interactions.ingestion.rows import ACTIVITY_STATES, CHANNELS
from tenants.current import current_tenant

from .canonical import TYPES
from .services import BatchTooLarge, events_parse, live_events_ingest


class LiveEventSerializer(serializers.Serializer):
    """One canonical event. Which fields a type needs: contact.enqueued (external_id; queue,
    channel, customer_id), contact.answered and contact.missed (external_id, agent),
    contact.transferred and contact.abandoned (external_id), contact.ended (external_id; agent,
    talk_seconds, hold_seconds, acw_seconds), agent.state (agent, state; reason). An Amazon
    Connect agent event stream record (an object with EventType) is accepted in its place."""

    id = serializers.CharField(
        required=False, max_length=200, help_text="Unique per event: a replay with the same id changes nothing."
    )
    type = serializers.ChoiceField(choices=TYPES)
    at = serializers.DateTimeField(help_text="ISO 8601; without an offset it is the center's local time.")
    external_id = serializers.CharField(required=False, max_length=200)
    queue = serializers.CharField(required=False, max_length=200)
    channel = serializers.ChoiceField(choices=CHANNELS, required=False)
    agent = serializers.CharField(required=False, max_length=200, help_text="The agent's ACD login.")
    customer_id = serializers.CharField(required=False, max_length=200)
    talk_seconds = serializers.IntegerField(required=False, min_value=0)
    hold_seconds = serializers.IntegerField(required=False, min_value=0)
    acw_seconds = serializers.IntegerField(required=False, min_value=0)
    state = serializers.ChoiceField(choices=ACTIVITY_STATES, required=False)
    reason = serializers.CharField(required=False, max_length=200)


class LiveIssueSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1-based position of the event in the batch.")
    field = serializers.CharField()
    message = serializers.CharField()


BATCH = inline_serializer("LiveEventBatch", {"events": LiveEventSerializer(many=True)})
SUMMARY = inline_serializer(
    "LiveEventSummary",
    {
        "accepted": serializers.IntegerField(help_text="Events applied now."),
        "duplicates": serializers.IntegerField(help_text="Events applied before (same id or natural key)."),
        "rejected": serializers.IntegerField(help_text="Events that could not land; each is in errors."),
        "contacts_written": serializers.IntegerField(help_text="Finished contacts sent to the contact records."),
        "intervals_written": serializers.IntegerField(help_text="Finished agent-state intervals sent to the activity."),
        "errors": LiveIssueSerializer(many=True),
        "warnings": LiveIssueSerializer(many=True),
    },
)
DETAIL = inline_serializer("LiveEventsRefused", {"detail": serializers.CharField()})


class LiveEventsApi(TenantAPIView):
    """Send live events: contacts entering a queue, answered, ended, abandoned, and agents'
    state changes. They update the wallboard within seconds, and finished contacts and agent
    intervals land in the same records as a batch import (which later replaces them). Send
    about a second's events per request: a request costs much the same for one event as for a
    few hundred."""

    allowed_roles = frozenset({INTEGRATION})
    parser_classes = [JSONParser]

    @extend_schema(
        request=BATCH,
        responses={200: SUMMARY, 400: OpenApiResponse(DETAIL, description="Not a batch of events, or too many.")},
        examples=[
            OpenApiExample(
                "A call",
                value={
                    "events": [
                        {
                            "type": "contact.enqueued",
                            "at": "2026-12-01T09:00:00Z",
                            "external_id": "c-1",
                            "queue": "Billing",
                        },
                        {
                            "type": "contact.answered",
                            "at": "2026-12-01T09:00:12Z",
                            "external_id": "c-1",
                            "agent": "ana",
                        },
                        {"type": "agent.state", "at": "2026-12-01T09:00:12Z", "agent": "ana", "state": "on_contact"},
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        body = request.data
        items = body.get("events") if isinstance(body, dict) else body
        if not isinstance(items, list):
            return Response(
                {"detail": 'Send {"events": [...]} or a JSON list of events.'}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            parsed = events_parse(items, tz=zoneinfo.ZoneInfo(current_tenant().timezone))
        except BatchTooLarge as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        summary = live_events_ingest(events=parsed, source="api")
        return Response(summary.as_dict())
