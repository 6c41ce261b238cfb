"""Orders and invoices: read-only copies of the CRM/ERP's records, per organisation.

The ERP is the source: rows are written only by `commerce.services` (the integration API and
`manage.py import_crm`), never by customers. Invoice PDFs live in a storage without a URL and
leave only through the invoice PDF view, which checks the person's organisation and profile.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from commerce.validators import validate_https_url, validate_reference

DEFAULT_SOURCE = "crm"


@deconstructible
class PrivateInvoiceStorage(FileSystemStorage):
    """Stored invoice PDFs: `DOCUMENTS_ROOT/invoices`, outside MEDIA_ROOT and with no URL (read
    on each use so that tests and deployments can point it elsewhere)."""

    @property
    def base_location(self):
        return str(settings.DOCUMENTS_ROOT / "invoices")

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("invoice PDFs are served only through the invoice PDF view")


private_invoice_storage = PrivateInvoiceStorage()


def _money(verbose_name):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, default=0)


class Document(models.Model):
    """What orders and invoices share: whose, which record in which source, totals."""

    source = models.CharField(_("source"), max_length=30, default=DEFAULT_SOURCE)
    external_id = models.CharField(_("external id"), max_length=100)
    number = models.CharField(_("number"), max_length=60)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    net_total = _money(_("net total"))
    tax_total = _money(_("tax total"))
    gross_total = _money(_("total"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Order(Document):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONFIRMED = "confirmed", _("Confirmed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="orders",
        verbose_name=_("organisation"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    ordered_on = models.DateField(_("order date"))
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    customer_reference = models.CharField(_("your reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-ordered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="uniq_order_external")
        ]
        indexes = [models.Index(fields=["organisation", "-ordered_on"], name="order_list")]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number


class Invoice(Document):
    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        CREDITED = "credited", _("Credited")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invoices",
        verbose_name=_("organisation"),
    )  # fmt: skip
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices",
        verbose_name=_("order"),
    )  # fmt: skip
    reference = models.CharField(
        _("reference number"), max_length=35, blank=True, validators=[validate_reference],
        help_text=_("Finnish reference number or RF creditor reference."),
    )  # fmt: skip
    issued_on = models.DateField(_("invoice date"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNPAID
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment_url = models.URLField(
        _("payment link"), max_length=500, blank=True, validators=[validate_https_url]
    )
    pdf = models.FileField(
        _("PDF"), upload_to="%Y/%m/", storage=private_invoice_storage, blank=True,
        max_length=200,
    )  # fmt: skip

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="uniq_invoice_external")
        ]
        indexes = [models.Index(fields=["organisation", "-issued_on"], name="invoice_list")]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.UNPAID and self.due_on < timezone.localdate()

    @property
    def display_state(self) -> str:
        """paid, credited, overdue or unpaid: what the customer is told."""
        return "overdue" if self.is_overdue else self.status

    @property
    def display_state_label(self) -> str:
        return INVOICE_STATES[self.display_state]


INVOICE_STATES = {
    "unpaid": _("Unpaid"),
    "overdue": _("Overdue"),
    "paid": _("Paid"),
    "credited": _("Credited"),
}


class Line(models.Model):
    position = models.PositiveIntegerField(_("position"), default=0)
    product_code = models.CharField(_("product code"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = _money(_("unit price"))
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2, default=0)
    net_amount = _money(_("net amount"))

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class OrderLine(Line):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return self.description


class InvoiceLine(Line):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return self.description
