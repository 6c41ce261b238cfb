import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
application = get_wsgi_application()
# What is loaded by now lives as long as the worker: keep it out of the collector's scans, which
# otherwise walk all of Django and Wagtail in the middle of requests (`manage.py bench` and
# `search_bench` measure the same way).
gc.collect()
gc.freeze()
