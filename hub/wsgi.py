import gc
import os

from django.core.wsgi import get_wsgi_application

from hub.release import release_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
application = get_wsgi_application()
release_id()  # the digest of the code (hub/release.py) now, not in the first request
# What is loaded by now lives as long as the worker: keep it out of the collector's scans, which
# otherwise walk all of Django and Wagtail in the middle of requests (`manage.py bench` and
# `search_bench` measure the same way).
gc.collect()
gc.freeze()
