"""QA automated checks, fair sampling and calibration pages (mounted at /kpis/qa/checks/)."""

from django.urls import path

from . import views_checks as views

urlpatterns = [
    path("", views.check_rules, name="qa_checks"),
    path("rules/<int:pk>/", views.check_rule, name="qa_check_rule"),
    path("results/", views.check_results, name="qa_check_results"),
    path("sampling/", views.sampling, name="qa_sampling"),
    path("calibrations/", views.calibrations, name="qa_calibrations"),
    path("calibrations/<int:pk>/", views.calibration, name="qa_calibration"),
]
