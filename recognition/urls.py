from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_recognitions, name="my_recognitions"),
    path("give/", views.give_kudos, name="give_kudos"),
    path("team/", views.team_feed_view, name="team_recognitions"),
    path("milestones/<int:pk>/privacy/", views.milestone_privacy, name="milestone_privacy"),
    path("milestones/privacy/", views.milestones_preference, name="milestones_preference"),
]
