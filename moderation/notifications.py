from django.utils.translation import gettext_lazy as _

try:
    from notifications.registry import register_kind
except ImportError:  # the notifications app is not there yet
    register_kind = None

if register_kind is not None:
    register_kind("moderation.action", _("Moderation decisions about your posts and account"))
