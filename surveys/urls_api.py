"""Survey endpoints of the API (included by config/urls_api.py)."""

from django.urls import path

from .apis import SurveyInvitationCreateApi

urlpatterns = [
    path("survey-invitations/", SurveyInvitationCreateApi.as_view(), name="api_survey_invitations"),
]
