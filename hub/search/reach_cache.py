"""The person's Meilisearch filter, cached briefly so that a search page needs no SQL beyond
the session and the user (the reach itself takes four queries to compute).

Any change that can alter a reach (memberships, their roles, an organisation's products or
regions, the taxonomy trees, a user's staff/active flags) bumps one version number, which
invalidates every cached filter at once; the short timeout bounds what a change made behind
the ORM's back (a raw `.update()`) could leave stale.
"""

from django.core.cache import cache

from hub import audience

_VERSION_KEY = "search:reach:version"
_TIMEOUT = 120


def _version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, timeout=None)
        version = cache.get(_VERSION_KEY) or 1
    return version


def meili_filter(user) -> str:
    if user is None or not user.is_authenticated or user.is_staff or not user.is_active:
        return audience.meili_filter(user)  # no SQL for these
    key = f"search:reach:{_version()}:{user.pk}"
    cached = cache.get(key)
    if cached is None:
        cached = audience.meili_filter(user)
        cache.set(key, cached, timeout=_TIMEOUT)
    return cached


def invalidate(**kwargs) -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from accounts.models import Membership, Organisation
    from hub.models import Product, Region, Role

    for model in (Membership, Organisation, Product, Region, Role, get_user_model()):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"search-reach-{model}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"search-reach-d-{model}")
    for through in (
        Organisation.products.through,
        Organisation.regions.through,
        Membership.roles.through,
    ):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"search-reach-{through}")
