"""Reading `manage.py import_crm` files into the API's items (formats in the README).

JSON: {"organisations": [...], "people": [...], "orders": [...], "invoices": [...]}, each item
exactly as the API's bulk endpoints take it (with "external_id"). CSV: one kind per file, one
row per item — people with several memberships, orders and invoices with several lines take
one row per membership or line, the item's columns repeated.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError as PydanticValidationError

from integrations import schemas

KINDS = ("organisations", "people", "orders", "invoices")
SCHEMAS = {
    "organisations": schemas.OrganisationItem,
    "people": schemas.PersonItem,
    "orders": schemas.OrderItem,
    "invoices": schemas.InvoiceItem,
}
LIST_COLUMNS = {"products", "regions", "roles"}  # space-separated slugs
MEMBERSHIP_COLUMNS = ("organisation", "roles", "admin_contact", "profile")
TRUE = {"1", "true", "yes", "y", "x"}


@dataclass
class Item:
    kind: str
    data: dict
    where: str  # "rows 3-4" / "item 2", for the report
    errors: list[dict] = field(default_factory=list)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            yield number, {k.strip(): (v or "").strip() for k, v in row.items() if k}


def _value(column: str, raw: str):
    if column in LIST_COLUMNS:
        return raw.split()
    if column in ("active", "admin_contact"):
        return raw.lower() in TRUE
    return raw


def _group(kind: str, rows: list[tuple[int, dict]]) -> Iterator[Item]:
    """Rows of one item (same external id, consecutive) → one item."""
    current: Item | None = None
    first = 0
    for number, row in rows:
        external_id = row.get("external_id", "")
        if current is None or current.data.get("external_id") != external_id:
            if current is not None:
                yield current
            first = number
            current = Item(kind, {"external_id": external_id}, f"row {number}")
            if kind in ("orders", "invoices"):
                current.data["lines"] = []
            if kind == "people":
                current.data["memberships"] = []
        else:
            current.where = f"rows {first}-{number}"
        line, membership = {}, {}
        for column, raw in row.items():
            if raw == "":
                continue
            if column.startswith("line_"):
                line[column.removeprefix("line_")] = raw
            elif kind == "people" and column in MEMBERSHIP_COLUMNS:
                membership[column] = _value(column, raw)
            else:
                current.data[column] = _value(column, raw)
        if line:
            current.data["lines"].append(line)
        if membership:
            current.data["memberships"].append(membership)
    if current is not None:
        yield current


def read(path: Path, kind: str | None = None) -> list[Item]:
    """The file's items in load order (organisations, people, orders, invoices)."""
    if path.suffix.lower() == ".json":
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError("A JSON import file is an object with lists per kind.")
        unknown = set(document) - set(KINDS)
        if unknown:
            raise ValueError(f"Unknown kinds: {', '.join(sorted(unknown))}")
        return [
            Item(k, item if isinstance(item, dict) else {"_": item}, f"{k} item {i + 1}")
            for k in KINDS
            for i, item in enumerate(document.get(k) or [])
        ]
    if path.suffix.lower() == ".csv":
        kind = kind or next((k for k in KINDS if path.stem.lower().startswith(k)), None)
        if kind not in KINDS:
            raise ValueError("Name the CSV file's kind with --kind (or start its name with it).")
        return list(_group(kind, list(_csv_rows(path))))
    raise ValueError("Import files are .json or .csv.")


def validate(item: Item) -> dict | None:
    """The item's data as the API would accept it, or None with `item.errors` filled."""
    try:
        return SCHEMAS[item.kind].model_validate(item.data).model_dump()
    except PydanticValidationError as exc:
        item.errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return None
