from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from hub.audience import DIMENSIONS
from hub.models import Audience, Product, Region, Role


class AudiencePageForm(WagtailAdminPageForm):
    """Refuses an audience wider than the page's section, naming the dimension."""

    def clean(self):
        from knowledge.services import audience_narrowing_errors

        cleaned = super().clean()
        own = Audience(
            **{
                dim: frozenset(t.pk for t in (cleaned.get(f"audience_{dim}") or ()))
                for dim in DIMENSIONS
            }
        )
        parent = self.parent_page
        for field, error in audience_narrowing_errors(parent=parent, own=own).items():
            self.add_error(field, error)
        return cleaned


class ViewAsForm(forms.Form):
    """An editor's "view as": the product, region and role of an imagined customer."""

    product = forms.ModelChoiceField(
        queryset=Product.objects.order_by("name"),
        required=False,
        label=_("Product"),
        empty_label=_("(no product)"),
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        required=False,
        label=_("Region"),
        empty_label=_("(no region)"),
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.order_by("name"),
        required=False,
        label=_("Role"),
        empty_label=_("(no role)"),
    )

    def reach(self):
        from hub import audience

        data = self.cleaned_data
        return audience.reach_for_terms(
            products=[data["product"].pk] if data.get("product") else [],
            regions=[data["region"].pk] if data.get("region") else [],
            roles=[data["role"].pk] if data.get("role") else [],
        )

    def label(self) -> str:
        data = self.cleaned_data
        parts = [str(data[name]) for name in ("product", "region", "role") if data.get(name)]
        return " · ".join(parts) if parts else str(_("a customer with no product, region or role"))
