from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import WebhookEvent
from commerce import services
from commerce.models import Invoice, InvoiceLine, Order
from tests.commerce.conftest import LINE, make_invoice, make_order

pytestmark = pytest.mark.django_db


def test_upsert_is_idempotent_and_replaces_lines(aurora):
    make_order(aurora, 1, lines=3)
    order = make_order(aurora, 1, lines=1)
    assert Order.objects.count() == 1
    assert order.lines.count() == 1


def test_bad_invoice_lists_every_error_and_writes_nothing(aurora):
    with pytest.raises(ValidationError) as caught:
        services.invoice_upsert(
            external_id="X1",
            organisation=aurora,
            data={
                "number": "X1",
                "reference": "12345673",
                "issued_on": date(2026, 3, 1),
                "due_on": date(2026, 2, 1),
                "status": "paid",
                "payment_url": "http://pay.example/x",
                "net_total": Decimal(10),
                "tax_total": Decimal(2),
                "gross_total": Decimal(13),
            },
            lines=[{**LINE, "description": ""}],
            pdf=b"not a pdf",
        )
    assert set(caught.value.error_dict) == {
        "reference",
        "due_on",
        "paid_at",
        "payment_url",
        "gross_total",
        "pdf",
        "lines.0.description",
    }
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()


def test_overdue_is_computed_from_due_date_and_status(aurora):
    past = date.today() - timedelta(days=3)
    overdue = make_invoice(aurora, 1, due_on=past, issued_on=past - timedelta(days=14))
    paid = make_invoice(
        aurora, 2, status="paid", paid_at="2026-01-05T10:00:00+02:00", issued_on=past, due_on=past
    )
    assert overdue.is_overdue and overdue.display_state == "overdue"
    assert not paid.is_overdue and paid.display_state == "paid"


def test_stored_pdf_is_replaced_and_deleted_with_the_invoice(
    aurora, django_capture_on_commit_callbacks
):
    invoice = make_invoice(aurora, 1, pdf=b"%PDF-1.4 first")
    path = invoice.pdf.path
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(aurora, 1, pdf=b"%PDF-1.4 second")
    assert invoice.pdf.read() == b"%PDF-1.4 second"
    import os

    assert not os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_delete(invoice=invoice)
    assert not os.path.exists(invoice.pdf.path)


def test_no_webhook_events(aurora):
    make_order(aurora, 1)
    make_invoice(aurora, 1)
    assert not WebhookEvent.objects.exists()
