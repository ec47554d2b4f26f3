"""Coaching sessions, mounted at /coaching/ (see coaching/urls.py)."""

from django.urls import path

from . import views_sessions as views

urlpatterns = [
    path("", views.session_list, name="coaching_sessions"),
    path("new/", views.session_create, name="coaching_session_create"),
    path("<int:pk>/", views.session_detail, name="coaching_session"),
    path("<int:pk>/transition/", views.session_transition, name="coaching_session_transition"),
    path("<int:pk>/notes/", views.session_notes, name="coaching_session_notes"),
    path("<int:pk>/evidence/", views.evidence_add, name="coaching_evidence_add"),
    path("<int:pk>/action-items/", views.action_item_add, name="coaching_action_item_add"),
    path("action-items/<int:pk>/done/", views.action_item_done, name="coaching_action_item_done"),
    path("mine/", views.my_coaching, name="my_coaching"),
    path("request/", views.coaching_request, name="coaching_request"),
]
