"""Pages created before the effective audience existed get it: per dimension their own terms,
or their parent section's when they have none (existing pages were within their sections)."""

from django.db import migrations

DIMENSIONS = ("products", "regions", "roles")


def backfill(apps, schema_editor):
    pages = []
    for name in ("SectionPage", "ArticlePage"):
        pages.extend(apps.get_model("knowledge", name).objects.all())
    pages.sort(key=lambda p: p.path)
    by_path = {}
    for page in pages:
        inherited = by_path.get(page.path[:-4], {dim: [] for dim in DIMENSIONS})
        effective = {}
        for dim in DIMENSIONS:
            own = list(getattr(page, f"audience_{dim}").values_list("pk", flat=True))
            effective[dim] = own or inherited[dim]
            getattr(page, f"effective_{dim}").set(effective[dim])
        by_path[page.path] = effective


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_knowledge_hub")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
