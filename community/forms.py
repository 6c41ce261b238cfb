from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import TopicKind
from community.services import MAX_BODY_LENGTH, MAX_TITLE_LENGTH
from hub.models import Product

BODY_HELP = _("Markdown: **bold**, *italic*, `code`, lists, > quotes, [links](https://…).")


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        # The service checks the length and says so clearly; the browser must not cut the text.
        super().__init__(
            label=kwargs.pop("label", _("Text")),
            strip=False,
            required=False,
            help_text=BODY_HELP,
            widget=forms.Textarea(attrs={"rows": 10, "data-maxlength": MAX_BODY_LENGTH}),
            **kwargs,
        )


class TopicForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=TopicKind.choices, initial=TopicKind.QUESTION)
    title = forms.CharField(
        label=_("Title"), max_length=MAX_TITLE_LENGTH, required=False, strip=False
    )
    body = BodyField(label=_("Your question or message"))
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("name"), required=False
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separate tags with commas."),
    )

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class PostForm(forms.Form):
    body = BodyField(label=_("Your reply"))


class EditPostForm(forms.Form):
    body = BodyField(label=_("Text"))
