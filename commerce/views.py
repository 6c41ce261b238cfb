from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from accounts.permissions import can_view_module
from accounts.selectors import portal_settings
from commerce import permissions, selectors
from commerce.forms import InvoiceFilterForm, OrderFilterForm
from commerce.pdf import invoice_pdf as render_invoice_pdf

PER_PAGE = 20


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def order_list(request):
    organisation = permissions.check_view_orders(request.user)
    form = OrderFilterForm(request.GET or None)
    page = _page(request, selectors.orders_of(organisation, form.filters()))
    return render(
        request,
        "commerce/order_list.html",
        {"form": form, "page_obj": page, "extra_query": form.query(), "filtered": form.is_bound},
    )


def order_detail(request, pk: int):
    organisation = permissions.check_view_orders(request.user)
    order = selectors.order_with_lines(organisation, pk)
    if order is None:
        raise Http404
    permissions.check_view_order(request.user, order)
    return render(request, "commerce/order_detail.html", {"order": order})


def invoice_list(request):
    organisation = permissions.check_view_invoices(request.user)
    form = InvoiceFilterForm(request.GET or None)
    page = _page(request, selectors.invoices_of(organisation, form.filters()))
    return render(
        request,
        "commerce/invoice_list.html",
        {"form": form, "page_obj": page, "extra_query": form.query(), "filtered": form.is_bound},
    )


def _invoice(request, pk: int):
    organisation = permissions.check_view_invoices(request.user)
    invoice = selectors.invoice_with_lines(organisation, pk)
    if invoice is None:
        raise Http404
    permissions.check_view_invoice(request.user, invoice)
    return invoice


def invoice_detail(request, pk: int):
    return render(
        request,
        "commerce/invoice_detail.html",
        {
            "invoice": _invoice(request, pk),
            "can_view_orders": can_view_module(request.user, "orders"),
        },
    )


@never_cache
def invoice_pdf(request, pk: int):
    """The stored PDF when the ERP sent one, else a copy generated now; always a download."""
    invoice = _invoice(request, pk)
    filename = f"invoice-{invoice.number}.pdf"
    if invoice.pdf:
        try:
            return FileResponse(
                invoice.pdf.open("rb"),
                as_attachment=True,
                filename=filename,
                content_type="application/pdf",
            )
        except FileNotFoundError:
            pass  # the file went missing: the generated copy is better than an error
    portal_name = portal_settings().portal_name or settings.WAGTAIL_SITE_NAME
    response = HttpResponse(
        render_invoice_pdf(invoice, portal_name=portal_name), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
