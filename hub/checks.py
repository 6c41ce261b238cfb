"""System checks that refuse settings that cannot work together."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def cache_is_real(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("DummyCache"):
        return [
            Error(
                "The dummy cache disables allauth's rate limits.",
                hint="Use local memory (the default) or set REDIS_URL.",
                id="kumppani.E001",
            )
        ]
    return []


@register(Tags.security)
def celery_broker_when_not_eager(app_configs, **kwargs):
    if not settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL == "memory://":
        return [
            Error(
                "Celery tasks are not eager and there is no broker: queued work would vanish.",
                hint="Set REDIS_URL, or leave CELERY_TASK_ALWAYS_EAGER on.",
                id="kumppani.E002",
            )
        ]
    return []
