"""Kept apart from forms.py: Wagtail's document forms import models, and models.py imports
forms.py."""

from wagtail.documents.forms import BaseDocumentForm

from hub.audience import DIMENSIONS


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form is a plain ModelForm: it hands the audience (parental m2m) to the
    document in memory only. Commit it with the rest of the form."""

    def _save_m2m(self):
        super()._save_m2m()
        for dim in DIMENSIONS:
            getattr(self.instance, f"audience_{dim}").commit()
