"""QA forms, evaluations and disputes, under /kpis/qa/ (scorecards/urls.py)."""

from django.urls import path

from . import views, views_forms

urlpatterns = [
    path("", views.evaluation_list, name="qa_evaluations"),
    path("evaluate/", views.evaluate, name="qa_evaluate"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="qa_evaluation"),
    path("evaluations/<int:pk>/acknowledge/", views.evaluation_acknowledge, name="qa_evaluation_acknowledge"),
    path("evaluations/<int:pk>/dispute/", views.dispute_raise, name="qa_dispute_raise"),
    path("mine/", views.my_evaluations, name="my_qa"),
    path("disputes/", views.dispute_list, name="qa_disputes"),
    path("disputes/<int:pk>/decide/", views.dispute_decide, name="qa_dispute_decide"),
    path("forms/", views_forms.form_list, name="qa_forms"),
    path("forms/<int:pk>/", views_forms.form_detail, name="qa_form"),
]
