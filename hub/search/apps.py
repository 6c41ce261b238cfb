from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hub.search"
    label = "search_core"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from hub.models import Product, Region, Role
        from hub.search import registry, synonyms, vocabulary  # (vocabulary: read-ahead)

        registry.connect_signals()
        synonyms.connect_signals()
        for model in (Product, Region, Role):
            post_save.connect(vocabulary.invalidate, sender=model, dispatch_uid=f"vocab-{model}")
            post_delete.connect(
                vocabulary.invalidate, sender=model, dispatch_uid=f"vocab-d-{model}"
            )
