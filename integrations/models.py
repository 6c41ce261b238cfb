"""API keys of the CRM/ERP integration, and the CRM's ids for people.

A key is `kmp_<prefix>_<secret>`. Only the prefix (to find the row) and the SHA-256 of the whole
key are stored; the key itself is shown once, when staff create it.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "kmp"
# Scope → what it allows. Reading (GET) needs "read"; each write (PUT, DELETE, bulk) needs the
# write scope of its resource.
SCOPES: dict[str, str] = {
    "read": _("Read organisations, people, orders and invoices"),
    "organisations:write": _("Create, change and delete organisations"),
    "people:write": _("Create, change and deactivate people and their memberships"),
    "orders:write": _("Create, change and delete orders"),
    "invoices:write": _("Create, change and delete invoices"),
}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def validate_scopes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValidationError(_("Scopes must be a list of names."))
    unknown = sorted(set(value) - set(SCOPES))
    if unknown:
        raise ValidationError(_("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)})


class ApiKey(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who uses the key, e.g. “ERP production”.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, validators=[validate_scopes])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("created by"), editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def issue(self) -> str:
        """Give this (unsaved) key a fresh prefix and secret; returns the key, the only time it
        exists in plain text."""
        self.prefix = secrets.token_hex(6)
        key = f"{KEY_PREFIX}_{self.prefix}_{secrets.token_urlsafe(32)}"
        self.secret_hash = hash_key(key)
        return key

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class PersonLink(models.Model):
    """The CRM's id of a person (people have no external id of their own in accounts)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crm_link"
    )
    external_id = models.CharField(_("external id"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("CRM person id")
        verbose_name_plural = _("CRM person ids")

    def __str__(self) -> str:
        return self.external_id
