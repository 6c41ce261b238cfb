"""Taxonomy (products, regions, roles) and the audience every piece of content carries."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class TreeTerm(models.Model):
    """A term in a small tree (Finland under Nordics). Trees are expanded in memory (taxonomy)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("parent")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("A term cannot be placed under itself.")})
            seen.add(node.pk)
            node = node.parent


class Product(TreeTerm):
    class Meta(TreeTerm.Meta):
        verbose_name = _("product")
        verbose_name_plural = _("products")


class Region(TreeTerm):
    class Meta(TreeTerm.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Role(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Audience:
    """The audience of one piece of content, as tagged (ids; empty = everyone)."""

    products: frozenset[int] = frozenset()
    regions: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()


class AudienceMixin(models.Model):
    """Content that carries an audience. The rule that reads it lives in hub/audience.py.

    `AUDIENCE_LIVE_FIELD` names the boolean field that says the content is published (Wagtail's
    `live`); None means the model has no drafts.
    """

    AUDIENCE_LIVE_FIELD: str | None = None
    # Which relations the rule reads: the tagged audience ("audience_"), or a model's own
    # derived copy of it (knowledge pages read "effective_", the audience narrowed by their
    # section, which they keep stored beside the tagged one).
    AUDIENCE_FIELD_PREFIX: str = "audience_"

    audience_products = ParentalManyToManyField(
        Product,
        blank=True,
        related_name="+",
        verbose_name=_("products"),
        help_text=_("Empty: for every product."),
    )
    audience_regions = ParentalManyToManyField(
        Region,
        blank=True,
        related_name="+",
        verbose_name=_("regions"),
        help_text=_("Empty: for every region."),
    )
    audience_roles = ParentalManyToManyField(
        Role,
        blank=True,
        related_name="+",
        verbose_name=_("roles"),
        help_text=_("Empty: for every role."),
    )

    audience_panels = [
        MultiFieldPanel(
            [
                FieldPanel("audience_products"),
                FieldPanel("audience_regions"),
                FieldPanel("audience_roles"),
            ],
            heading=_("Audience"),
        )
    ]

    class Meta:
        abstract = True

    @classmethod
    def audience_prefetch(cls) -> tuple[str, ...]:
        prefix = cls.AUDIENCE_FIELD_PREFIX
        return (f"{prefix}products", f"{prefix}regions", f"{prefix}roles")

    def audience(self) -> Audience:
        """The audience the rule reads; reads prefetched relations when they are there."""
        prefix = self.AUDIENCE_FIELD_PREFIX
        return Audience(
            **{
                dim: frozenset(t.pk for t in getattr(self, f"{prefix}{dim}").all())
                for dim in ("products", "regions", "roles")
            }
        )

    def audience_is_live(self) -> bool:
        return self.AUDIENCE_LIVE_FIELD is None or bool(getattr(self, self.AUDIENCE_LIVE_FIELD))
