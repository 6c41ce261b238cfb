from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "hub.search"
    label = "search_core"
    verbose_name = "Search"

    def ready(self) -> None:
        from hub.search import registry

        registry.connect_signals()
