from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support requests")

    def ready(self) -> None:
        from support import notifications  # noqa: F401 (registers the notification kinds)
