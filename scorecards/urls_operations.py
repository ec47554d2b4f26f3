"""Pages: see scorecards/urls.py."""

urlpatterns: list = []
