from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Training and events")

    def ready(self):
        from learning import dashboard, notifications, signals  # noqa: F401 (they register)

        signals.connect()
