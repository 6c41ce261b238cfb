from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import TopicKind
from community.services import MAX_BODY_LENGTH, MAX_TITLE_LENGTH
from hub.models import Product

BODY_HELP = _("Markdown: **bold**, *italic*, `code`, lists, > quotes, [links](https://…).")


IMAGE_HELP = _("PNG, JPEG, WebP or GIF, up to 5 MB. It is added to the end of your text.")


def image_field():
    # Verified by services.post_image_upload (Pillow); a plain file field, so that the refusal
    # message is ours and the text stays.
    return forms.FileField(
        label=_("Add an image"),
        required=False,
        help_text=IMAGE_HELP,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )


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
    image = image_field()

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class PostForm(forms.Form):
    body = BodyField(label=_("Your reply"))
    image = image_field()


class EditPostForm(forms.Form):
    body = BodyField(label=_("Text"))
    image = image_field()


class PromoteForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=None,
        help_text=_("The draft article is created under this knowledge section."),
    )

    def __init__(self, *args, **kwargs):
        from knowledge.models import SectionPage

        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = SectionPage.objects.order_by("path")
