"""The load benchmark's server: the production settings, plus one bare view (bench/load_urls.py).

bench/load.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench.load_settings. Nothing else
names these modules, so the bare view is never part of a deployment (config.settings.production
serves config.urls_tenants).
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
