"""Import an old help centre into a knowledge section (the work is in knowledge/importer.py).

    manage.py import_articles DIR --section SLUG [--product SLUG …] [--region SLUG …]
                              [--role SLUG …] [--language en|fi|de] [--publish]
                              [--max-size-mb 5]

Sub-folders become sub-sections, .md/.html/.htm files articles written in --language (default
en). Run it again and the pages it made are updated (drafts, or published with --publish);
nothing is duplicated. With --publish the followers of the section get one summary
notification of the whole import, not one per page.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.models import Audience, Product, Region, Role
from knowledge.importer import AudienceChoice, Importer
from knowledge.models import SectionPage
from knowledge.services import audience_narrowing_errors

REPORT_LINES = 200


def _slugs(values: list[str] | None) -> list[str]:
    return [s.strip() for v in values or [] for s in v.split(",") if s.strip()]


def _terms(model, values, option: str):
    wanted = _slugs(values)
    found = list(model.objects.filter(slug__in=wanted))
    missing = sorted(set(wanted) - {t.slug for t in found})
    if missing:
        valid = ", ".join(model.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(
            f"Unknown {option} {', '.join(missing)}. Valid {option}s: {valid or '(none yet)'}."
        )
    return tuple(found)


def _section(value: str) -> SectionPage:
    """A section by slug, or by slug path ("routers/wifi") when a slug is not unique."""
    parts = [p for p in value.strip("/").split("/") if p]
    if not parts:
        raise CommandError("--section needs a section slug.")
    matches = [
        s
        for s in SectionPage.objects.filter(slug=parts[-1])
        if s.url_path.rstrip("/").endswith("/" + "/".join(parts))
    ]
    if not matches:
        known = ", ".join(
            sorted(SectionPage.objects.filter(depth__lte=4).values_list("slug", flat=True))
        )
        raise CommandError(
            f"No section with the slug {value!r}. Create it in Wagtail first. "
            f"Sections: {known or '(none yet)'}."
        )
    if len(matches) > 1:
        paths = ", ".join(m.url_path.strip("/").split("/", 1)[-1] for m in matches)
        raise CommandError(f"More than one section is called {value!r}; give its path: {paths}.")
    return matches[0]


class Command(BaseCommand):
    help = "Import a folder of Markdown or HTML files as articles of a knowledge section."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder with .md, .markdown, .html or .htm files")
        parser.add_argument("--section", required=True, help="slug (or slug path) of a section")
        for name in ("product", "region", "role"):
            parser.add_argument(
                f"--{name}",
                action="append",
                metavar="SLUG",
                help=f"{name} of the audience (repeat or separate with commas)",
            )
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language the articles are written in (default en)",
        )
        parser.add_argument("--publish", action="store_true", help="publish what is imported")
        parser.add_argument(
            "--max-size-mb", type=float, default=5.0, help="skip larger files (default 5)"
        )

    def handle(
        self, *args, directory, section, product, region, role, language, publish, **options
    ):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        target = _section(section)
        choice = AudienceChoice(
            products=_terms(Product, product, "product"),
            regions=_terms(Region, region, "region"),
            roles=_terms(Role, role, "role"),
        )
        errors = audience_narrowing_errors(
            parent=target, own=Audience(*(frozenset(ids) for ids in choice.ids()))
        )
        if errors:
            raise CommandError(" ".join(str(e.message % e.params) for e in errors.values()))

        importer = Importer(
            section=target,
            audience=choice,
            publish=publish,
            language=language,
            max_bytes=int(options["max_size_mb"] * 1024 * 1024),
            stdout=self.stdout,
        )
        report = importer.run(root.resolve())
        self._print(report, target, publish)

    def _print(self, report, target, publish) -> None:
        state = "published" if publish else "as drafts"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.imported} files into {target.title!r} ({state}) in "
                f"{report.seconds:.1f} s ({report.pages_per_second:.1f} pages/s): "
                f"{report.created} created, {report.updated} updated, {report.unchanged} "
                f"unchanged; {report.sections_created} sections created, "
                f"{report.images_imported} images imported."
            )
        )
        if report.announced:
            self.stdout.write("Followers of the section get one notification of this import.")
        for heading, rows in (("Skipped", report.skipped), ("Warnings", report.warnings)):
            if not rows:
                continue
            self.stdout.write(f"{heading} ({len(rows)}):")
            for row in rows[:REPORT_LINES]:
                self.stdout.write(f"  {row.path}: {row.reason}")
            if len(rows) > REPORT_LINES:
                self.stdout.write(f"  … and {len(rows) - REPORT_LINES} more")
