"""Writes for orders and invoices. Only the CRM/ERP link calls these (the integration API and
`manage.py import_crm`): customers read, never write. Nothing here emits a webhook event.

Each upsert runs in one transaction, locks the row it updates, replaces the lines, and raises
`ValidationError` keyed by field (`lines.2.quantity`) with nothing written."""

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from commerce.models import DEFAULT_SOURCE, Invoice, InvoiceLine, Order, OrderLine
from commerce.validators import normalise_reference

ORDER_FIELDS = (
    "number",
    "status",
    "ordered_on",
    "delivered_on",
    "customer_reference",
    "currency",
    "net_total",
    "tax_total",
    "gross_total",
)
INVOICE_FIELDS = (
    "number",
    "reference",
    "issued_on",
    "due_on",
    "status",
    "paid_at",
    "payment_url",
    "currency",
    "net_total",
    "tax_total",
    "gross_total",
)
LINE_FIELDS = (
    "position",
    "product_code",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "tax_rate",
    "net_amount",
)
PDF_MAX_BYTES = 10 * 1024 * 1024
_BLANK_TO_EMPTY = {"customer_reference", "reference", "payment_url", "product_code", "unit"}


def _set(obj, fields, data: dict) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, "" if value is None and name in _BLANK_TO_EMPTY else value)


def _check(obj, errors: dict, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if obj.currency and obj.currency != obj.currency.upper():
        obj.currency = obj.currency.upper()
    totals = (obj.net_total, obj.tax_total, obj.gross_total)
    if (
        None not in totals
        and not errors.keys() & {"net_total", "tax_total", "gross_total"}
        and Decimal(obj.net_total) + Decimal(obj.tax_total) != Decimal(obj.gross_total)
    ):
        errors["gross_total"] = [_("The total must be the net total plus tax.")]


def _lines(model, parent_field: str, lines: Sequence[dict], errors: dict) -> list:
    built = []
    for i, data in enumerate(lines):
        line = model()
        _set(line, LINE_FIELDS, {"position": i + 1, **data})
        try:
            line.full_clean(exclude=[parent_field])
        except ValidationError as exc:
            errors.update({f"lines.{i}.{name}": e for name, e in exc.error_dict.items()})
        built.append(line)
    return built


def _save_lines(parent, parent_field: str, related, model, lines: list) -> None:
    related.all().delete()
    for line in lines:
        setattr(line, parent_field, parent)
    model.objects.bulk_create(lines)


@transaction.atomic
def order_upsert(
    *,
    external_id: str,
    organisation: Organisation,
    data: dict,
    lines: Sequence[dict],
    source: str = DEFAULT_SOURCE,
) -> tuple[Order, bool]:
    """Create or update the order (source, external id) with exactly these lines."""
    order = Order.objects.select_for_update().filter(source=source, external_id=external_id).first()
    created = order is None
    if created:
        order = Order(source=source, external_id=external_id)
    order.organisation = organisation
    _set(order, ORDER_FIELDS, data)
    errors: dict = {}
    _check(order, errors)
    built = _lines(OrderLine, "order", lines, errors)
    if errors:
        raise ValidationError(errors)
    order.save()
    _save_lines(order, "order", order.lines, OrderLine, built)
    return order, created


@transaction.atomic
def invoice_upsert(
    *,
    external_id: str,
    organisation: Organisation,
    data: dict,
    lines: Sequence[dict],
    order_external_id: str | None = None,
    pdf: bytes | None = None,
    source: str = DEFAULT_SOURCE,
) -> tuple[Invoice, bool]:
    """Create or update the invoice (source, external id) with exactly these lines; `pdf`,
    when given, replaces the stored PDF (it must be one: `%PDF-`, at most 10 MB)."""
    invoice = (
        Invoice.objects.select_for_update().filter(source=source, external_id=external_id).first()
    )
    created = invoice is None
    if created:
        invoice = Invoice(source=source, external_id=external_id)
    invoice.organisation = organisation
    _set(invoice, INVOICE_FIELDS, data)
    invoice.reference = normalise_reference(invoice.reference)
    errors: dict = {}
    invoice.order = None
    if order_external_id:
        invoice.order = Order.objects.filter(
            source=source, external_id=order_external_id, organisation=organisation
        ).first()
        if invoice.order is None:
            errors["order"] = [_("Unknown order of this organisation.")]
    if invoice.status == Invoice.Status.PAID and invoice.paid_at is None:
        errors["paid_at"] = [_("A paid invoice needs the time it was paid.")]
    if invoice.issued_on and invoice.due_on and invoice.due_on < invoice.issued_on:
        errors["due_on"] = [_("The due date cannot be before the invoice date.")]
    if pdf is not None and (not pdf.startswith(b"%PDF-") or len(pdf) > PDF_MAX_BYTES):
        errors["pdf"] = [_("Not a PDF file of at most 10 MB.")]
    _check(invoice, errors, exclude=["pdf"])
    built = _lines(InvoiceLine, "invoice", lines, errors)
    if errors:
        raise ValidationError(errors)
    if pdf is not None:
        old = invoice.pdf.name if invoice.pdf else ""
        invoice.pdf.save(f"{external_id}.pdf".replace("/", "_"), ContentFile(pdf), save=False)
        if old:
            name = old
            transaction.on_commit(lambda: invoice.pdf.storage.delete(name))
    invoice.save()
    _save_lines(invoice, "invoice", invoice.lines, InvoiceLine, built)
    return invoice, created


@transaction.atomic
def order_delete(*, order: Order) -> None:
    order.delete()


@transaction.atomic
def invoice_delete(*, invoice: Invoice) -> None:
    """Delete the invoice; its stored PDF goes after commit."""
    if invoice.pdf:
        name, storage = invoice.pdf.name, invoice.pdf.storage
        transaction.on_commit(lambda: storage.delete(name))
    invoice.delete()
