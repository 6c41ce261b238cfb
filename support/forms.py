from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hub.models import Product
from support.models import Status
from support.services import ALLOWED_TYPES, MAX_FILE_BYTES, MAX_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks count, size and type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(sorted(ALLOWED_TYPES))})
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Up to %(n)s files, at most %(mb)s MB each: %(types)s.")
            % {
                "n": MAX_FILES,
                "mb": MAX_FILE_BYTES // (1024 * 1024),
                "types": ", ".join(sorted(t.lstrip(".") for t in ALLOWED_TYPES)),
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class SupportRequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("Not about one product"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, what you expected, and what you have tried."),
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        # While the person types, htmx asks for matching articles and solved questions.
        self.fields["subject"].widget.attrs.update(
            {
                "hx-get": reverse("support:suggest"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#support-suggestions",
                "hx-sync": "this:replace",
                "autocomplete": "off",
                "aria-controls": "support-suggestions",
            }
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Attachments"))


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the customer"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    status = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[(Status.ANSWERED, Status.ANSWERED.label), (Status.WAITING, Status.WAITING.label),
                 (Status.CLOSED, Status.CLOSED.label)],
        initial=Status.ANSWERED,
    )  # fmt: skip
    attachments = MultipleFileField(label=_("Attachments"))


class StaffStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
