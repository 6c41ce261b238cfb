"""The notification kinds the knowledge hub sends (imported from KnowledgeConfig.ready)."""

from django.utils.translation import gettext_lazy as _

try:
    from notifications.registry import register_kind
except ImportError:  # pragma: no cover (the notifications app is part of the project)
    register_kind = None

if register_kind is not None:
    register_kind("knowledge.published", _("New articles in sections you follow"))
    register_kind("knowledge.updated", _("Updates to articles you follow"))
