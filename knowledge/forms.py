from wagtail.admin.forms import WagtailAdminPageForm

from hub.audience import DIMENSIONS
from hub.models import Audience


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
