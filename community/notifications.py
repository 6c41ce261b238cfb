"""The kinds of notification the forum sends (notifications.registry)."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import register_kind

register_kind("community.topic", _("New topics in categories you watch"))
register_kind("community.reply", _("Replies in topics you watch"))
register_kind("community.accepted", _("Accepted answers in topics you watch or answered"))
register_kind("community.mention", _("Mentions of you in the community"))
