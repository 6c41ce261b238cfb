"""Kept apart from forms.py: Wagtail's document forms import models, and models.py imports
forms.py."""

from wagtail.documents.forms import BaseDocumentForm

from hub.audience import DIMENSIONS


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form is a plain ModelForm: it hands the audience (parental m2m) to the
    document in memory only. Commit it with the rest of the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            # A form posted without it (a script, an older page) keeps the document's language.
            self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language or "en"

    def _save_m2m(self):
        super()._save_m2m()
        for dim in DIMENSIONS:
            getattr(self.instance, f"audience_{dim}").commit()
