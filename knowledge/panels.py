"""A read-only panel that shows editors the audience the page actually has."""

from wagtail.admin.panels import Panel

from hub import taxonomy
from hub.audience import DIMENSIONS
from hub.models import Product, Region, Role


class EffectiveAudiencePanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "knowledge/panels/effective_audience.html"

        def get_context_data(self, parent_context=None):
            from knowledge.services import parent_audience

            context = super().get_context_data(parent_context)
            page = self.instance
            if page.pk:
                effective = page.audience()
                inherited = parent_audience(page)
            else:
                parent = getattr(self.form, "parent_page", None)
                parent = parent.specific if parent is not None else None
                inherited = parent.audience() if hasattr(parent, "effective_products") else None
                effective = None
            trees = {"products": Product, "regions": Region, "roles": Role}
            rows = []
            for dim in DIMENSIONS:
                names = {pk: slug for pk, slug in taxonomy.tree(trees[dim]).slug.items()}
                rows.append(
                    {
                        "dimension": trees[dim]._meta.verbose_name_plural,
                        "effective": sorted(names.get(pk, "?") for pk in getattr(effective, dim))
                        if effective
                        else None,
                        "inherited": sorted(names.get(pk, "?") for pk in getattr(inherited, dim))
                        if inherited
                        else [],
                    }
                )
            context["rows"] = rows
            return context
