"""Which models are searchable, and the signals that put their changes in the outbox.

A searchable model is registered with `@searchable("article")` and implements
`search_document() -> dict | None` (None: must not be in the index) and, optionally, the
classmethod `search_queryset()` that reindexing iterates (with the prefetching it needs).
"""

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

_TYPES: dict[str, type[Model]] = {}
_LABELS: dict[str, str] = {}


def searchable(type_name: str):
    def register(model: type[Model]) -> type[Model]:
        if type_name in _TYPES and _TYPES[type_name] is not model:
            raise RuntimeError(f"search type {type_name!r} registered twice")
        _TYPES[type_name] = model
        _LABELS[model._meta.label_lower] = type_name
        return model

    return register


def types() -> dict[str, type[Model]]:
    return dict(_TYPES)


def type_of(obj_or_model) -> str | None:
    return _LABELS.get(obj_or_model._meta.concrete_model._meta.label_lower)


def model_for(label: str) -> type[Model]:
    return apps.get_model(label)


def doc_id(type_name: str, pk) -> str:
    # Meilisearch ids allow only letters, digits, "-" and "_": hence "article-12", not "article:12".
    return f"{type_name}-{pk}"


def queryset(model: type[Model]):
    return (
        model.search_queryset()
        if hasattr(model, "search_queryset")
        else model._default_manager.all()
    )


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    from hub.search.services import search_enqueue

    search_enqueue(instance)


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and type_of(instance):
        _changed(sender, instance)


def connect_signals() -> None:
    """Signals join apps that must not know each other: content apps do not import search."""
    post_save.connect(_on_save, dispatch_uid="search-outbox-save")
    post_delete.connect(_on_save, dispatch_uid="search-outbox-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="search-outbox-m2m")


def _on_save(sender, instance, **kwargs) -> None:
    if type_of(instance):
        _changed(sender, instance, **kwargs)
