"""Reads of orders and invoices for the account modules and the API."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation
from commerce.models import Invoice, Order


@dataclass(frozen=True)
class Filters:
    """The list filters a person chose (already validated by the filter form)."""

    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


def overdue_q(prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}status": Invoice.Status.UNPAID, f"{prefix}due_on__lt": timezone.localdate()}
    )


def orders_of(organisation: Organisation, filters: Filters = Filters()) -> QuerySet[Order]:
    qs = Order.objects.filter(organisation=organisation)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(ordered_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(ordered_on__lte=filters.date_to)
    return qs.order_by("-ordered_on", "-pk")


def invoices_of(organisation: Organisation, filters: Filters = Filters()) -> QuerySet[Invoice]:
    """`status` may also be "overdue" (unpaid and past the due date) or "open" (unpaid)."""
    qs = Invoice.objects.filter(organisation=organisation)
    if filters.status == "overdue":
        qs = qs.filter(overdue_q())
    elif filters.status == "open":
        qs = qs.filter(status=Invoice.Status.UNPAID)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(issued_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(issued_on__lte=filters.date_to)
    return qs.order_by("-issued_on", "-pk")


def order_with_lines(organisation: Organisation, pk: int) -> Order | None:
    return orders_of(organisation).prefetch_related("lines").filter(pk=pk).first()


def invoice_with_lines(organisation: Organisation, pk: int) -> Invoice | None:
    return (
        invoices_of(organisation)
        .select_related("order")
        .prefetch_related("lines")
        .filter(pk=pk)
        .first()
    )
