"""What a search may be narrowed by: the registered types and the taxonomy slugs, with their
labels. The taxonomy part is cached whole (one query on a miss, invalidated on change)."""

import functools

from django.conf import settings
from django.core.cache import cache
from django.db.models import Value
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hub import cache as hub_cache
from hub import taxonomy
from hub.models import Product, Region, Role
from hub.search import registry

_CACHE_KEY = "search:vocabulary:v1"
_TIMEOUT = 3600

FACET_LABELS = {
    "type": _("Type"),
    "product": _("Product"),
    "region": _("Region"),
    "role": _("Role"),
}


def facet_label(name: str) -> str:
    return str(FACET_LABELS.get(name, name))


def type_label(name: str, *, plural: bool = False) -> str:
    model = registry.types().get(name)
    if model is None:
        return name
    meta = model._meta
    return str(meta.verbose_name_plural if plural else meta.verbose_name).capitalize()


@functools.cache
def _search_paths(urlconf: str) -> tuple[str, ...]:
    try:
        return (reverse("search:search", urlconf), reverse("api:search", urlconf))
    except NoReverseMatch:  # a URL configuration without search
        return ()


@hub_cache.reads_ahead
def _search_keys_ahead(request, user) -> list[str]:
    """A search (the page, suggestions, the JSON endpoint) reads the vocabulary and the taxonomy
    trees its audience filter is written with: in the request's one read-ahead round trip."""
    paths = _search_paths(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    if not paths or not request.path_info.startswith(paths):
        return []
    return [_CACHE_KEY, *taxonomy.tree_keys(Product, Region, Role)]


def _taxonomy() -> dict[str, dict[str, str]]:
    terms = hub_cache.get_ahead(_CACHE_KEY)
    if terms is None:
        rows = (
            Product.objects.order_by()
            .values_list(Value("product"), "slug", "name")
            .union(
                Region.objects.order_by().values_list(Value("region"), "slug", "name"),
                Role.objects.order_by().values_list(Value("role"), "slug", "name"),
                all=True,
            )
        )
        terms = {"product": {}, "region": {}, "role": {}}
        for kind, slug, name in rows:
            terms[kind][slug] = name
        cache.set(_CACHE_KEY, terms, timeout=_TIMEOUT)
    return terms


@functools.cache
def _type_labels(language: str | None, types: tuple[str, ...]) -> dict[str, str]:
    # Model names are fixed once the apps have loaded: once per language and set of types.
    return {name: type_label(name) for name in types}


def get() -> dict[str, dict[str, str]]:
    """{"type": {name: label}, "product": {slug: name}, "region": ..., "role": ...}"""
    return {"type": _type_labels(get_language(), tuple(registry.types())), **_taxonomy()}


def invalidate(**kwargs) -> None:
    cache.delete(_CACHE_KEY)
