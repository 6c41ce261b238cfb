"""Create the knowledge root and make it the default site's root (replacing Wagtail's welcome
page), so a fresh install serves /knowledge/ without any demo data."""

from django.db import migrations


def create_root(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    KnowledgeIndexPage = apps.get_model("knowledge", "KnowledgeIndexPage")

    if KnowledgeIndexPage.objects.exists():
        return
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").delete()
    content_type, _ = ContentType.objects.get_or_create(model="knowledgeindexpage", app_label="knowledge")
    locale = Locale.objects.first()
    siblings = Page.objects.filter(depth=2).order_by("-path").values_list("path", flat=True)
    last = siblings.first()
    step = int(last[4:8], 36) + 1 if last else 1
    path = root.path + _base36(step)
    page = KnowledgeIndexPage.objects.create(
        title="Knowledge",
        draft_title="Knowledge",
        slug="knowledge",
        content_type=content_type,
        path=path,
        depth=2,
        numchild=0,
        url_path="/knowledge/",
        locale=locale,
        live=True,
        intro="Help articles, guides and news for your products.",
    )
    Page.objects.filter(pk=root.pk).update(numchild=Page.objects.filter(depth=2).count())
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page_id=page.pk, is_default_site=True, site_name="Kumppani")
    else:
        site.root_page_id = page.pk
        site.save()


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(4, "0")


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_root, migrations.RunPython.noop)]
