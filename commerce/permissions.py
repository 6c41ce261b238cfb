"""Who may see orders and invoices: the members of the organisation, when their portal profile
shows the module. Anything else does not exist for them (404), including the PDF."""

from django.http import Http404

from accounts.permissions import check_view_module
from accounts.selectors import access_for


def check_view_orders(user):
    """The organisation whose orders this person sees (404 when the module is hidden)."""
    check_view_module(user, "orders")
    return access_for(user).organisation


def check_view_invoices(user):
    """The organisation whose invoices this person sees (404 when the module is hidden)."""
    check_view_module(user, "invoices")
    return access_for(user).organisation


def check_view_invoice(user, invoice) -> None:
    """A single invoice (detail page, PDF): the module visible and the invoice theirs."""
    organisation = check_view_invoices(user)
    if organisation is None or invoice.organisation_id != organisation.pk:
        raise Http404


def check_view_order(user, order) -> None:
    organisation = check_view_orders(user)
    if organisation is None or order.organisation_id != organisation.pk:
        raise Http404
