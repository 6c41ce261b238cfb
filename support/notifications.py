"""The notification kinds support sends to customers (labels shown in their settings)."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import register_kind

register_kind("support.reply", _("Replies to your support requests"))
register_kind("support.status", _("Status changes of your support requests"))
