"""People, the organisations they belong to, and invitations (the only way in)."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
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
    """Which account modules a person sees (the modules arrive with the account issue)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("portal profile")
        verbose_name_plural = _("portal profiles")

    def __str__(self) -> str:
        return self.name


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
