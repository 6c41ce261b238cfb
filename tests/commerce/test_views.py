"""The orders and invoices modules as customers use them: lists with filters and pages, detail
pages, PDF downloads — and nothing of them for a profile that hides the module or for another
organisation."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.conftest import make_profile
from tests.commerce.conftest import make_invoice, make_order

pytestmark = pytest.mark.django_db


def test_invoice_list_filters_and_links(client, aki, aurora, berg):
    past = date.today() - timedelta(days=40)
    make_invoice(aurora, 1, issued_on=past, due_on=past + timedelta(days=14))  # overdue
    make_invoice(aurora, 2, status="paid", paid_at="2026-01-10T10:00:00+00:00")
    make_invoice(berg, 3)
    client.force_login(aki)
    html = client.get("/account/invoices/").content.decode()
    assert f"INV-{aurora.pk}-1" in html and f"INV-{aurora.pk}-2" in html
    assert f"INV-{berg.pk}-3" not in html
    assert "Overdue" in html
    html = client.get("/account/invoices/?status=overdue").content.decode()
    assert f"INV-{aurora.pk}-1" in html and f"INV-{aurora.pk}-2" not in html
    html = client.get("/account/invoices/?status=paid&date_from=2026-01-01").content.decode()
    assert f"INV-{aurora.pk}-2" in html and f"INV-{aurora.pk}-1" not in html
    html = client.get("/account/invoices/?status=credited").content.decode()
    assert "No invoices match these filters." in html


def test_invalid_filter_shows_an_error_and_keeps_the_list(client, aki, aurora):
    make_invoice(aurora, 1)
    client.force_login(aki)
    html = client.get("/account/invoices/?date_from=2026-02-01&date_to=2026-01-01").content
    assert b"The end date is before the start date." in html


def test_pagination_keeps_the_filters(client, aki, aurora):
    for n in range(25):
        make_order(aurora, n, status="shipped")
    client.force_login(aki)
    html = client.get("/account/orders/?status=shipped").content.decode()
    assert "status=shipped&amp;page=2" in html
    assert html.count("/account/orders/") >= 20


def test_detail_pages_show_lines_and_totals(client, aki, aurora):
    order = make_order(aurora, 1, lines=2)
    invoice = make_invoice(aurora, 1, payment_url="https://pay.example/inv-1")
    client.force_login(aki)
    html = client.get(f"/account/orders/{order.pk}/").content.decode()
    assert html.count("Router R100") == 2 and "251.00" in html
    html = client.get(f"/account/invoices/{invoice.pk}/").content.decode()
    assert "1232" in html and 'href="https://pay.example/inv-1"' in html
    assert f"/account/invoices/{invoice.pk}/pdf/" in html


def test_generated_pdf(client, aki, aurora):
    invoice = make_invoice(aurora, 1)
    client.force_login(aki)
    response = client.get(f"/account/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    for text in (invoice.number.encode(), b"1232", b"Router R100", b"251.00"):
        assert text in body


def test_stored_pdf_is_served(client, aki, aurora):
    invoice = make_invoice(aurora, 1, pdf=b"%PDF-1.4 stored copy %%EOF")
    client.force_login(aki)
    response = client.get(f"/account/invoices/{invoice.pk}/pdf/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 stored copy %%EOF"


def test_hidden_invoices_are_unreachable(client, anna, aurora):
    invoice = make_invoice(aurora, 1)
    anna.memberships.update(portal_profile=make_profile("basic", show_invoices=False))
    client.force_login(anna)
    for url in ("/account/invoices/", f"/account/invoices/{invoice.pk}/",
                f"/account/invoices/{invoice.pk}/pdf/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert b"/account/invoices/" not in client.get("/account/").content
    assert client.get("/account/orders/").status_code == 200


def test_another_organisations_documents_do_not_exist(client, aki, berg):
    invoice = make_invoice(berg, 1)
    order = make_order(berg, 1)
    client.force_login(aki)
    for url in (f"/account/invoices/{invoice.pk}/", f"/account/invoices/{invoice.pk}/pdf/",
                f"/account/orders/{order.pk}/"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_people_without_an_organisation_see_no_orders(client):
    from tests.factories import make_user

    client.force_login(make_user())
    assert client.get("/account/orders/").status_code == 404


MAX_QUERIES = {"orders": 9, "invoices": 9, "order": 9, "invoice": 9, "invoice_pdf": 8}


@pytest.mark.parametrize("page", list(MAX_QUERIES))
def test_fixed_query_counts(client, aki, aurora, page, django_assert_max_num_queries):
    client.force_login(aki)
    counts = []
    for size in (1, 6):
        for n in range(size):
            order = make_order(aurora, n, lines=size)
            invoice = make_invoice(aurora, n)
        url = {
            "orders": "/account/orders/",
            "invoices": "/account/invoices/?status=open",
            "order": f"/account/orders/{order.pk}/",
            "invoice": f"/account/invoices/{invoice.pk}/",
            "invoice_pdf": f"/account/invoices/{invoice.pk}/pdf/",
        }[page]
        client.get(url)  # warm the cache (portal settings)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        client.get(url)
