from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hub.search"
    label = "search_core"
    verbose_name = _("Search")

    def ready(self) -> None:
        from hub.search import registry

        registry.connect_signals()
