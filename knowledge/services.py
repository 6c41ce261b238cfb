from django.db import transaction
from wagtail.models import Page, Site

from knowledge.models import KnowledgeIndexPage


@transaction.atomic
def knowledge_root() -> KnowledgeIndexPage:
    """The knowledge root, created (as the default site's root) when missing. A migration
    creates it on install; this also restores it after a database flush (tests, resets)."""
    root = KnowledgeIndexPage.objects.first()
    if root is not None:
        return root
    tree_root = Page.get_first_root_node()
    root = tree_root.add_child(
        instance=KnowledgeIndexPage(
            title="Knowledge",
            slug="knowledge",
            intro="Help articles, guides and news for your products.",
        )
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=root, is_default_site=True, site_name="Kumppani"
        )
    else:
        site.root_page = root
        site.save(update_fields=["root_page"])
    return root
