"""Pages: see scorecards/urls.py. Scorecards of teams and agents and the contacts behind a value."""

from django.urls import path

from . import views_scorecards, views_scorecards_drilldown

urlpatterns: list = [
    path("", views_scorecards.scorecard, name="scorecard"),
    path("agents/<int:pk>/", views_scorecards.agent_scorecard, name="agent_scorecard"),
    path("me/", views_scorecards.my_scorecard, name="my_scorecard"),
    path("drilldown/", views_scorecards_drilldown.kpi_drilldown, name="kpi_drilldown"),
]
