from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Kumppani"

    def ready(self) -> None:
        from hub import audience, checks, taxonomy  # noqa: F401 (checks, invalidation, read-ahead)
