"""Orders and invoices for the account-module fixtures (tests/accounts/conftest.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from commerce import services
from tests.accounts.conftest import aki, anna, aurora, berg, clara, full_profile  # noqa: F401

LINE = {
    "product_code": "R100",
    "description": "Router R100",
    "quantity": Decimal(2),
    "unit": "pcs",
    "unit_price": Decimal("100.00"),
    "tax_rate": Decimal("25.5"),
    "net_amount": Decimal("200.00"),
}


def make_order(org, n: int, *, status="delivered", ordered_on=None, lines=1):
    order, _ = services.order_upsert(
        external_id=f"O-{org.pk}-{n}",
        organisation=org,
        data={
            "number": f"SO-{org.pk}-{n}",
            "status": status,
            "ordered_on": ordered_on or date(2026, 1, 1) + timedelta(days=n),
            "net_total": Decimal("200.00"),
            "tax_total": Decimal("51.00"),
            "gross_total": Decimal("251.00"),
        },
        lines=[LINE] * lines,
    )
    return order


def make_invoice(org, n: int, *, status="unpaid", due_on=None, pdf=None, **data):
    issued = date(2026, 1, 1) + timedelta(days=n)
    invoice, _ = services.invoice_upsert(
        external_id=f"I-{org.pk}-{n}",
        organisation=org,
        data={
            "number": f"INV-{org.pk}-{n}",
            "reference": "1232",
            "issued_on": issued,
            "due_on": due_on or issued + timedelta(days=14),
            "status": status,
            "paid_at": data.pop("paid_at", None),
            "net_total": Decimal("200.00"),
            "tax_total": Decimal("51.00"),
            "gross_total": Decimal("251.00"),
            **data,
        },
        lines=[LINE],
        pdf=pdf,
    )
    return invoice


@pytest.fixture(autouse=True)
def _invoice_files(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
