"""Orders pages for `manage.py bench` (timed as the demo customer, whose profile shows orders):
the list of an organisation with 2,000 orders, first page and one far down, filtered, and an
order with 200 lines."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from hub import bench

ORDERS = 2000
LINES = 200


@bench.pages
def commerce_pages(ctx: bench.Context) -> dict[str, str]:
    from accounts.selectors import access_for
    from commerce.models import Order, OrderLine

    organisation = access_for(ctx.user).organisation
    if organisation is None:
        return {}
    start = date(2020, 1, 1)
    with transaction.atomic():
        orders = Order.objects.bulk_create(
            Order(
                organisation=organisation,
                external_id=f"BENCH-{i}",
                number=f"B-{i}",
                status=ctx.rng.choice(Order.Status.values),
                ordered_on=start + timedelta(days=i % 1500),
                net_total=Decimal(100),
                tax_total=Decimal("25.50"),
                gross_total=Decimal("125.50"),
            )
            for i in range(ORDERS)
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=orders[0], position=n, description=f"Item {n}", net_amount=1)
            for n in range(LINES)
        )
    ctx.stdout.write(f"commerce: {ORDERS} orders, one with {LINES} lines")
    return {
        "orders (2,000)": "/account/orders/",
        "orders, page 50": "/account/orders/?page=50",
        "orders, filtered": "/account/orders/?status=shipped&date_from=2021-01-01",
        f"order ({LINES} lines)": f"/account/orders/{orders[0].pk}/",
    }
