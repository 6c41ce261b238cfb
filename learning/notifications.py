from django.utils.translation import gettext_lazy as _

from notifications.registry import register_kind

register_kind("learning.promoted", _("A place at an event became yours (waiting list)"))
