from django import forms
from django.utils.translation import gettext_lazy as _

from commerce.models import INVOICE_STATES, Order
from commerce.selectors import Filters


class _DateInput(forms.DateInput):
    input_type = "date"


class _FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=_DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=_DateInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> Filters:
        """The valid part of the filters (an invalid field filters nothing and shows its
        error)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            status=data.get("status") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def query(self) -> str:
        """The chosen filters as a query string, for the pagination links."""
        from urllib.parse import urlencode

        if not self.is_bound:
            return ""
        filters = self.filters()
        params = {
            "status": filters.status,
            "date_from": filters.date_from.isoformat() if filters.date_from else "",
            "date_to": filters.date_to.isoformat() if filters.date_to else "",
        }
        return urlencode({k: v for k, v in params.items() if v})


class OrderFilterForm(_FilterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Order.Status.choices]


class InvoiceFilterForm(_FilterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("All")),
            ("open", _("Open (unpaid)")),
            *INVOICE_STATES.items(),
        ]
