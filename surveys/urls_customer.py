"""Customer survey pages (mounted at /surveys/): definitions (admins), the follow-up inbox
and results (admins and managers). See surveys/urls.py."""

from django.urls import path

from . import views_definitions, views_followups, views_results

urlpatterns = [
    path("", views_definitions.survey_list, name="survey_list"),
    path("<int:pk>/", views_definitions.survey_edit, name="survey_edit"),
    path("<int:pk>/active/", views_definitions.survey_active_toggle, name="survey_active_toggle"),
    path("follow-ups/", views_followups.follow_up_list, name="survey_follow_ups"),
    path("follow-ups/<int:pk>/done/", views_followups.follow_up_done, name="survey_follow_up_done"),
    path("results/", views_results.survey_results, name="survey_results"),
    path("results/comments/", views_results.survey_comments, name="survey_comments"),
    path("results/export.csv", views_results.survey_export, name="survey_export"),
]
