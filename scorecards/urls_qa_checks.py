"""See scorecards/urls.py."""

urlpatterns: list = []
