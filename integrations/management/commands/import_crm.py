"""manage.py import_crm FILE.json|FILE.csv — the initial load from the CRM/ERP.

The same validation and upserts as the integration API, one transaction per item; idempotent
(run it again and nothing is duplicated). Rejected items are listed with their reasons.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hub.progress import ProgressBar
from integrations import importer, services


class Command(BaseCommand):
    help = "Load organisations, people, orders and invoices from a CRM/ERP export (JSON or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind", choices=importer.KINDS, help="What a CSV file holds (default: its name)."
        )

    def handle(self, *args, file: Path, kind=None, **options):
        if not file.exists():
            raise CommandError(f"{file} does not exist.")
        try:
            items = importer.read(file, kind)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        counts = {"created": 0, "updated": 0}
        rejected = []
        with ProgressBar(len(items), label="Importing", stream=self.stdout) as bar:
            for item in items:
                data = importer.validate(item)
                if data is not None:
                    try:
                        _obj, created = services.PUTS[item.kind](data["external_id"], data)
                    except ValidationError as exc:
                        item.errors = services.errors_from(exc, root=())
                    else:
                        counts["created" if created else "updated"] += 1
                if item.errors:
                    rejected.append(item)
                bar.advance()
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{len(rejected)} rejected (of {len(items)})."
        )
        for item in rejected:
            ident = item.data.get("external_id") or "?"
            self.stdout.write(self.style.WARNING(f"Rejected {item.kind} {ident} ({item.where}):"))
            for error in item.errors:
                where = ".".join(str(p) for p in error["loc"]) or "item"
                self.stdout.write(f"  {where}: {error['msg']}")
