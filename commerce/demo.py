# Demo rows read best one per line.
# ruff: noqa: E501
"""Demo orders and invoices for Aurora Oy and Berg Technik (idempotent: upserts by external
id, dates relative to today so that the overdue invoice stays overdue). Written through the
same services as the CRM/ERP integration, so no webhooks leave."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation
from commerce import services
from commerce.pdf import invoice_pdf
from commerce.validators import finnish_reference

# organisation, external id, number, status, days ago, lines (code, description, qty, price)
ORDERS = [
    ("Aurora Oy", "DEMO-SO-1001", "SO-1001", "delivered", 60, [("R100", "Router R100", 4, "289.00"), ("CBL-5", "Patch cable 5 m", 10, "6.50")]),
    ("Aurora Oy", "DEMO-SO-1002", "SO-1002", "shipped", 12, [("R200", "Router R200", 2, "489.00")]),
    ("Aurora Oy", "DEMO-SO-1003", "SO-1003", "confirmed", 2, [("SUP-1Y", "Support contract, 1 year", 1, "1200.00")]),
    ("Berg Technik GmbH", "DEMO-SO-2001", "SO-2001", "delivered", 40, [("S10", "Switch S10", 6, "349.00")]),
]  # fmt: skip
# organisation, external id, number, order, state, issued days ago, lines, payment link, stored PDF
INVOICES = [
    ("Aurora Oy", "DEMO-INV-5001", "5001", "DEMO-SO-1001", "paid", 58, True),
    ("Aurora Oy", "DEMO-INV-5002", "5002", None, "overdue", 45, False),
    ("Aurora Oy", "DEMO-INV-5003", "5003", "DEMO-SO-1002", "unpaid", 10, False),
    ("Berg Technik GmbH", "DEMO-INV-6001", "6001", "DEMO-SO-2001", "paid", 38, False),
    ("Berg Technik GmbH", "DEMO-INV-6002", "6002", None, "credited", 20, False),
]
SERVICE_LINES = [("SRV-H", "On-site service, hours", 3, "95.00")]
TAX = Decimal("25.5")  # Finnish VAT; Berg's lines use 19 %


def _lines(rows, tax):
    lines, net = [], Decimal(0)
    for code, description, qty, price in rows:
        amount = Decimal(price) * qty
        net += amount
        lines.append({"product_code": code, "description": description, "quantity": Decimal(qty),
                      "unit": "pcs", "unit_price": Decimal(price), "tax_rate": tax,
                      "net_amount": amount})  # fmt: skip
    tax_total = (net * tax / 100).quantize(Decimal("0.01"))
    return lines, {"net_total": net, "tax_total": tax_total, "gross_total": net + tax_total}


def seed(*, stdout) -> None:
    today = timezone.localdate()
    orgs = {
        o.name: o for o in Organisation.objects.filter(name__in=["Aurora Oy", "Berg Technik GmbH"])
    }
    rows = {}
    for org_name, external_id, number, status, days, items in ORDERS:
        if org_name not in orgs:
            continue
        tax = TAX if org_name == "Aurora Oy" else Decimal(19)
        lines, totals = _lines(items, tax)
        rows[external_id] = (items, tax)
        services.order_upsert(
            external_id=external_id,
            organisation=orgs[org_name],
            data={"number": number, "status": status, "ordered_on": today - timedelta(days=days),
                  "delivered_on": today - timedelta(days=days - 5) if status == "delivered" else None,
                  "customer_reference": "PO-" + number[-4:], **totals},
            lines=lines,
        )  # fmt: skip
    for org_name, external_id, number, order, state, days, stored in INVOICES:
        if org_name not in orgs:
            continue
        items, tax = rows.get(
            order, (SERVICE_LINES, TAX if org_name == "Aurora Oy" else Decimal(19))
        )
        lines, totals = _lines(items, tax)
        issued = today - timedelta(days=days)
        data = {
            "number": number,
            "reference": finnish_reference(number + "0"),
            "issued_on": issued,
            "due_on": issued + timedelta(days=14 if state != "unpaid" else 21),
            "status": "unpaid" if state == "overdue" else state,
            "paid_at": timezone.now() - timedelta(days=days - 10) if state == "paid" else None,
            "payment_url": f"https://pay.kumppani.example/invoice/{number}"
            if state == "unpaid"
            else "",
            **totals,
        }
        invoice, _created = services.invoice_upsert(
            external_id=external_id, organisation=orgs[org_name], data=data, lines=lines,
            order_external_id=order,
        )  # fmt: skip
        if stored and not invoice.pdf:
            # As if the ERP had sent its own PDF: stored, and served instead of a generated one.
            services.invoice_upsert(
                external_id=external_id, organisation=orgs[org_name], data=data, lines=lines,
                order_external_id=order, pdf=invoice_pdf(invoice, portal_name="Kumppani ERP"),
            )  # fmt: skip
    stdout.write(
        "Orders and invoices: Aurora Oy and Berg Technik (one overdue, one payable online)."
    )
