"""QA forms, evaluations and disputes, under /kpis/qa/ (scorecards/urls.py)."""

from django.urls import path

from . import views_qa, views_qa_forms

urlpatterns = [
    path("", views_qa.evaluation_list, name="qa_evaluations"),
    path("evaluate/", views_qa.evaluate, name="qa_evaluate"),
    path("evaluations/<int:pk>/", views_qa.evaluation_detail, name="qa_evaluation"),
    path("evaluations/<int:pk>/acknowledge/", views_qa.evaluation_acknowledge, name="qa_evaluation_acknowledge"),
    path("evaluations/<int:pk>/dispute/", views_qa.dispute_raise, name="qa_dispute_raise"),
    path("mine/", views_qa.my_evaluations, name="my_qa"),
    path("disputes/", views_qa.dispute_list, name="qa_disputes"),
    path("disputes/<int:pk>/decide/", views_qa.dispute_decide, name="qa_dispute_decide"),
    path("forms/", views_qa_forms.form_list, name="qa_forms"),
    path("forms/<int:pk>/", views_qa_forms.form_detail, name="qa_form"),
]
