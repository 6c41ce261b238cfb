"""People, the organisations they belong to, and invitations (the only way in)."""

import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from accounts.modules import EDITABLE_FIELDS, MODULES, edit_flag, module_flag
from accounts.storage import private_export_storage
from hub.models import Product, Region, Role


class UserManager(DjangoUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. The e-mail address is the username."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    # Set when "forget me" has run: the personal data is gone, the row stays for what the
    # person wrote (forum posts, support requests), shown as a former member.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How the person is shown beside what they wrote (forum, support): the name, else the
        e-mail address; "Former member" once the account is anonymised."""
        if self.anonymised_at is not None:
            return str(_("Former member"))
        return self.get_full_name() or self.email


class Organisation(models.Model):
    class MembershipClass(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        KEY_CUSTOMER = "key_customer", _("Key customer")
        PARTNER = "partner", _("Partner")

    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(_("business id"), max_length=40, blank=True)
    membership_class = models.CharField(
        _("membership class"),
        max_length=20,
        choices=MembershipClass.choices,
        default=MembershipClass.CUSTOMER,
    )
    billing_street = models.CharField(_("billing street"), max_length=200, blank=True)
    billing_postal_code = models.CharField(_("billing postal code"), max_length=20, blank=True)
    billing_city = models.CharField(_("billing city"), max_length=100, blank=True)
    billing_country = models.CharField(_("billing country"), max_length=2, blank=True)
    visiting_street = models.CharField(_("visiting street"), max_length=200, blank=True)
    visiting_postal_code = models.CharField(_("visiting postal code"), max_length=20, blank=True)
    visiting_city = models.CharField(_("visiting city"), max_length=100, blank=True)
    visiting_country = models.CharField(_("visiting country"), max_length=2, blank=True)
    products = models.ManyToManyField(
        Product, blank=True, related_name="organisations", verbose_name=_("products")
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="organisations", verbose_name=_("regions")
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The organisation's id in the CRM/ERP."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class PortalProfile(models.Model):
    """Which account modules a person sees and which fields of "my details" and "company"
    they may edit. A membership without a profile behaves as an unsaved `PortalProfile()`:
    every module shown, own details editable, company read-only (the field defaults)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    show_details = models.BooleanField(_("show my details"), default=True)
    show_company = models.BooleanField(_("show company"), default=True)
    show_offices = models.BooleanField(_("show offices"), default=True)
    show_colleagues = models.BooleanField(_("show colleagues"), default=True)
    show_orders = models.BooleanField(_("show orders"), default=True)
    show_invoices = models.BooleanField(_("show invoices"), default=True)
    show_support = models.BooleanField(_("show support requests"), default=True)
    show_registrations = models.BooleanField(_("show registrations"), default=True)

    edit_details_name = models.BooleanField(_("may edit own name"), default=True)
    edit_details_phone = models.BooleanField(_("may edit own phone"), default=True)
    edit_details_title = models.BooleanField(_("may edit own job title"), default=True)
    edit_details_language = models.BooleanField(_("may edit own language"), default=True)
    edit_company_name = models.BooleanField(_("may edit company name"), default=False)
    edit_company_business_id = models.BooleanField(_("may edit business id"), default=False)
    edit_company_billing = models.BooleanField(_("may edit billing address"), default=False)
    edit_company_visiting = models.BooleanField(_("may edit visiting address"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("portal profile")
        verbose_name_plural = _("portal profiles")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def flag_names(cls) -> list[str]:
        """Every switch of a profile; "above" another profile = on where the other is off."""
        return [module_flag(m) for m in MODULES] + [
            edit_flag(module, group)
            for module, groups in EDITABLE_FIELDS.items()
            for group in groups
        ]

    def flags(self) -> frozenset[str]:
        return frozenset(name for name in self.flag_names() if getattr(self, name))


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="memberships")
    is_admin_contact = models.BooleanField(
        _("admin contact"),
        default=False,
        help_text=_("May invite and manage colleagues of this organisation."),
    )
    portal_profile = models.ForeignKey(
        PortalProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        verbose_name=_("portal profile"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """A single-use, expiring invitation. The row is its own outbox: `sent_at` stays empty
    until the e-mail has gone, and a periodic task retries the ones that have not."""

    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    roles = models.ManyToManyField(Role, blank=True, verbose_name=_("roles"))
    is_admin_contact = models.BooleanField(_("admin contact"), default=False)
    portal_profile = models.ForeignKey(
        PortalProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("portal profile"),
        help_text=_("The profile the new membership gets; empty = the default profile."),
    )
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    # Part of the signed token: rotating it (on revoke) kills every link sent before.
    nonce = models.CharField(max_length=40, default=_new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "accepted_at"], name="invitation_outbox")]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


@register_setting(icon="cog")
class PortalSettings(BaseSiteSetting):
    """The portal's name and support contact, and which account modules are switched on.
    Read through `accounts.selectors.portal_settings()` (cached; saved = cache dropped)."""

    portal_name = models.CharField(_("portal name"), max_length=100, blank=True)
    support_name = models.CharField(_("support name"), max_length=100, blank=True)
    support_email = models.EmailField(_("support e-mail"), blank=True)
    support_phone = models.CharField(_("support phone"), max_length=40, blank=True)

    module_details = models.BooleanField(_("my details module"), default=True)
    module_company = models.BooleanField(_("company module"), default=True)
    module_offices = models.BooleanField(_("offices module"), default=True)
    module_colleagues = models.BooleanField(_("colleagues module"), default=True)
    module_orders = models.BooleanField(_("orders module"), default=True)
    module_invoices = models.BooleanField(_("invoices module"), default=True)
    module_support = models.BooleanField(_("support requests module"), default=True)
    module_registrations = models.BooleanField(_("registrations module"), default=True)

    offices_may_add = models.BooleanField(_("customers may add offices"), default=True)
    offices_may_edit = models.BooleanField(_("customers may edit offices"), default=True)
    offices_may_delete = models.BooleanField(_("customers may delete offices"), default=True)
    colleagues_may_add = models.BooleanField(
        _("admin contacts may invite colleagues"), default=True
    )
    colleagues_may_edit = models.BooleanField(
        _("admin contacts may set colleagues' profiles"), default=True
    )
    colleagues_may_delete = models.BooleanField(
        _("admin contacts may deactivate colleagues"), default=True
    )

    class Meta:
        verbose_name = _("portal settings")

    def module_on(self, module: str) -> bool:
        return getattr(self, f"module_{module}")


PORTAL_SETTINGS_CACHE_KEY = "accounts:portal-settings"


@receiver(post_save, sender=PortalSettings)
def _forget_portal_settings(**kwargs) -> None:
    cache.delete(PORTAL_SETTINGS_CACHE_KEY)


class Consent(models.Model):
    """One given or withdrawn communication consent. Rows are only added, never changed: the
    newest row per kind is the current state, the rest is the history."""

    class Kind(models.TextChoices):
        NEWSLETTER = "newsletter", _("Newsletter")
        PRODUCT_NEWS = "product_news", _("Product news")
        EVENT_INVITATIONS = "event_invitations", _("Event invitations")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=30, choices=Kind.choices)
    given = models.BooleanField(_("given"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "at"], name="consent_latest")]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.given}"


class OrganisationChange(models.Model):
    """One field of an organisation changed by a customer: who, when, old → new."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("time"), default=timezone.now)
    field = models.CharField(_("field"), max_length=60)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("organisation change")
        verbose_name_plural = _("organisation changes")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.field}"

    @property
    def field_label(self) -> str:
        return Organisation._meta.get_field(self.field).verbose_name


class Office(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offices",
        verbose_name=_("organisation"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


WEBHOOK_EVENT_TYPES = (
    "person.forgotten",
    "support.created",
    "details.updated",
    "consent.changed",
    "company.updated",
    "office.created",
    "office.updated",
    "office.deleted",
    "colleague.profile_changed",
    "colleague.deactivated",
    "colleague.reactivated",
    "colleague.removed",
)


class WebhookEndpoint(models.Model):
    """A receiver of customer-made changes (the CRM/ERP)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("secret"), max_length=200, default=_new_secret,
        help_text=_("Shared secret for the HMAC-SHA256 signature."),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    event_types = models.CharField(
        _("event types"), max_length=500, blank=True,
        help_text=_("Comma-separated event types to send; empty sends all."),
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from accounts.webhook_urls import WebhookURLRefused, check_url

        errors = {}
        unknown = set(self.event_type_list()) - set(WEBHOOK_EVENT_TYPES)
        if unknown:
            errors["event_types"] = _("Unknown event types: %(types)s") % {
                "types": ", ".join(sorted(unknown))
            }
        if self.url:
            try:
                check_url(self.url)
            except WebhookURLRefused as exc:
                errors["url"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def event_type_list(self) -> list[str]:
        return [t.strip() for t in self.event_types.split(",") if t.strip()]

    def wants(self, event_type: str) -> bool:
        wanted = self.event_type_list()
        return not wanted or event_type in wanted


class WebhookEvent(models.Model):
    """The webhook outbox: one customer-made change, written in the same transaction as the
    change. Delivered to every active endpoint in order; `idempotency_key` lets a receiver
    drop a repeat."""

    event_type = models.CharField(_("event type"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one endpoint."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    attempt = models.PositiveIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("time"), default=timezone.now)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    resend = models.BooleanField(_("re-send by staff"), default=False)

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["endpoint", "event", "succeeded"], name="webhook_delivery_state")
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} #{self.attempt}"


class DataExport(models.Model):
    """A person's "download my data": built by Celery into a private ZIP, linked by e-mail,
    downloadable only by that person until `expires_at`; a periodic task removes the file."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    file = models.FileField(
        storage=private_export_storage, upload_to="exports/", max_length=200, blank=True
    )
    size = models.PositiveIntegerField(default=0)
    # Part of the signed link: a new value (on expiry) kills the links sent before.
    nonce = models.CharField(max_length=40, default=_new_nonce, editable=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self) -> str:
        return f"{self.user_id} {self.requested_at:%Y-%m-%d}"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.state == self.State.READY
            and self.expires_at is not None
            and timezone.now() < self.expires_at
        )


class ForgetRequest(models.Model):
    """ "Forget me": asked for (after the password was entered again), cancellable until
    `due_at`; then a periodic task anonymises the account (accounts.services.user_anonymise)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forget_requests")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    due_at = models.DateTimeField(_("anonymised after"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["due_at"], name="forget_request_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(cancelled_at__isnull=True, completed_at__isnull=True),
                name="one_pending_forget_request",
            )
        ]
        verbose_name = _("forget-me request")
        verbose_name_plural = _("forget-me requests")

    def __str__(self) -> str:
        return f"{self.user_id} due {self.due_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.cancelled_at is None and self.completed_at is None
