"""The survey benchmark's server: the base settings (DEBUG off, Redis as cache and broker, as
deployed) with one bare DRF view as the reference (bench/surveys_urls.py).

bench/surveys.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench.surveys_settings. Nothing
else names these modules, so the bare view is never part of a deployment.
"""

from config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.surveys_urls"
# static files from the apps' folders: no collectstatic needed (nor a warning per worker)
WHITENOISE_USE_FINDERS = True
