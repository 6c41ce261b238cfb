"""manage.py import_crm: the initial load, with the API's validation, idempotent."""

import io
import json

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organisation, User, WebhookEvent
from commerce.models import Invoice, Order
from tests.factories import make_role

pytestmark = pytest.mark.django_db


def _run(path, *args):
    out = io.StringIO()
    call_command("import_crm", str(path), *args, stdout=out)
    return out.getvalue()


def test_json_import_is_idempotent_and_reports_rejected_items(tmp_path):
    make_role("technician")
    document = {
        "organisations": [
            {"external_id": "CRM-1", "name": "Cobalt Oy", "billing_country": "FI"},
            {"external_id": "CRM-2", "name": ""},
        ],
        "people": [
            {"external_id": "P-1", "email": "pia@cobalt.example",
             "memberships": [{"organisation": "CRM-1", "roles": ["technician"]}]},
            {"external_id": "P-2", "email": "bo@cobalt.example",
             "memberships": [{"organisation": "CRM-404"}]},
        ],
        "orders": [
            {"external_id": "O-1", "organisation": "CRM-1", "number": "SO-1",
             "ordered_on": "2026-03-01", "net_total": "10", "tax_total": "2.55",
             "gross_total": "12.55", "lines": [{"description": "Cable", "net_amount": "10"}]},
        ],
        "invoices": [
            {"external_id": "I-1", "organisation": "CRM-1", "number": "INV-1",
             "reference": "1232", "issued_on": "2026-03-01", "due_on": "2026-03-15",
             "net_total": "10", "tax_total": "2.55", "gross_total": "12.55"},
        ],
    }  # fmt: skip
    path = tmp_path / "crm.json"
    path.write_text(json.dumps(document))
    output = _run(path)
    assert "4 created, 0 updated, 2 rejected (of 6)." in output
    assert "Rejected organisations CRM-2 (organisations item 2):" in output
    assert "name: String should have at least 1 character" in output
    assert "Rejected people P-2 (people item 2):" in output
    assert "memberships.0.organisation: Unknown organisation." in output
    output = _run(path)
    assert "0 created, 4 updated, 2 rejected" in output
    assert Organisation.objects.count() == 1 and Order.objects.count() == 1
    assert Invoice.objects.get().lines.count() == 0
    assert Membership.objects.get().roles.get().slug == "technician"
    assert not WebhookEvent.objects.exists()


def test_csv_imports_group_rows_into_items(tmp_path):
    (tmp_path / "organisations.csv").write_text(
        "external_id,name,billing_city,products\nCRM-1,Cobalt Oy,Oulu,\nCRM-2,Delta AB,,\n"
    )
    assert "2 created" in _run(tmp_path / "organisations.csv")
    (tmp_path / "people.csv").write_text(
        "external_id,email,first_name,organisation,admin_contact\n"
        "P-1,pia@cobalt.example,Pia,CRM-1,yes\n"
        "P-1,pia@cobalt.example,Pia,CRM-2,\n"
    )
    assert "1 created" in _run(tmp_path / "people.csv")
    user = User.objects.get(email="pia@cobalt.example")
    assert sorted(
        user.memberships.values_list("organisation__external_id", "is_admin_contact")
    ) == [("CRM-1", True), ("CRM-2", False)]
    (tmp_path / "export.csv").write_text(
        "external_id,organisation,number,ordered_on,net_total,tax_total,gross_total,"
        "line_description,line_quantity,line_net_amount\n"
        "O-1,CRM-1,SO-1,2026-03-01,30,0,30,Cable,1,10\n"
        "O-1,CRM-1,SO-1,2026-03-01,30,0,30,Switch,1,20\n"
        "O-2,CRM-1,SO-2,2026-13-01,30,0,31,Cable,1,10\n"
    )
    output = _run(tmp_path / "export.csv", "--kind", "orders")
    assert "1 created, 0 updated, 1 rejected" in output
    assert "Rejected orders O-2 (row 4):" in output and "ordered_on:" in output
    assert list(Order.objects.get().lines.values_list("description", flat=True)) == [
        "Cable",
        "Switch",
    ]
