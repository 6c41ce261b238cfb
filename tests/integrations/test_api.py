"""The CRM/ERP integration API: keys and scopes, idempotent upserts, deletes, bulk, errors."""

import base64

import pytest
from allauth.usersessions.models import UserSession
from django.utils import timezone

from accounts.models import Membership, Organisation, User, WebhookEvent
from commerce.models import Invoice, Order
from hub.models import Product
from integrations.models import ApiKey, PersonLink
from integrations.services import api_key_revoke
from tests.accounts.conftest import make_profile
from tests.factories import make_role, make_user
from tests.integrations.conftest import ORG, Api, invoice_payload, order_payload

pytestmark = pytest.mark.django_db


# --- Keys and scopes ------------------------------------------------------------------------


def test_key_is_stored_hashed_and_shown_once(make_key):
    api_key, plain = make_key("read")
    assert plain.startswith(f"kmp_{api_key.prefix}_")
    row = ApiKey.objects.get()
    assert plain not in (row.secret_hash, row.prefix) and len(row.secret_hash) == 64


def test_missing_bad_and_revoked_keys_are_401(client, make_key):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    api_key, plain = make_key("read")
    assert Api(client, plain[:-1] + "x").get("/organisations").status_code == 401
    assert Api(client, "kmp_nope").get("/organisations").status_code == 401
    assert Api(client, plain).get("/organisations").status_code == 200
    assert ApiKey.objects.get().last_used_at is not None
    api_key_revoke(api_key=api_key)
    assert Api(client, plain).get("/organisations").status_code == 401


def test_missing_scope_is_403(client, make_key):
    api = Api(client, make_key("read")[1])
    response = api.put("/organisations/CRM-1", ORG)
    assert response.status_code == 403
    assert "organisations:write" in response.json()["detail"]
    assert not Organisation.objects.exists()
    assert Api(client, make_key("orders:write")[1]).get("/orders").status_code == 403


def test_api_is_not_behind_the_login_page_but_docs_are(client, api):
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/openapi.json").status_code == 302
    schema = client.get("/api/openapi.json", headers={"Authorization": f"Bearer {api.key}"})
    assert (
        schema.status_code == 200
        and "/api/v1/organisations/{external_id}" in schema.json()["paths"]
    )


def test_docs_page_for_staff(client):
    client.force_login(make_user(is_staff=True))
    html = client.get("/api/docs").content.decode()
    assert "/api/v1/invoices/{external_id}" in html and "invoices:write" in html
    assert "<script" not in html.split("</header>", 1)[-1].split("<footer", 1)[0]
    client.force_login(make_user())
    assert client.get("/api/docs").status_code == 403


# --- Organisations --------------------------------------------------------------------------


def test_organisation_upsert_is_idempotent(api):
    Product.objects.create(name="Router", slug="router-r")
    response = api.put("/organisations/CRM-1", {**ORG, "products": ["router-r"]})
    assert response.status_code == 201, response.json()
    assert response.json()["products"] == ["router-r"]
    response = api.put("/organisations/CRM-1", {**ORG, "name": "Cobalt Oyj"})
    assert response.status_code == 200
    assert response.json()["products"] == ["router-r"]  # omitted = kept
    assert Organisation.objects.get().name == "Cobalt Oyj"
    assert api.get("/organisations/CRM-1").json()["billing_city"] == "Oulu"
    assert api.get("/organisations/CRM-404").status_code == 404


def test_every_field_error_is_listed_as_400(api):
    response = api.put(
        "/organisations/CRM-1",
        {"name": "", "billing_country": "Finland", "membership_class": "vip", "products": ["nope"]},
    )
    assert response.status_code == 400
    locs = {tuple(e["loc"][-1:]) for e in response.json()["errors"]}
    assert {("name",), ("billing_country",), ("membership_class",)} <= locs
    response = api.put("/organisations/CRM-1", {**ORG, "products": ["nope"]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"] == ["body", "products"]
    assert not Organisation.objects.exists()


def test_malformed_json_is_a_400(client, api):
    response = client.put(
        "/api/v1/organisations/CRM-1", "{nope", content_type="application/json",
        headers={"Authorization": f"Bearer {api.key}"},
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["errors"]


def test_list_is_paginated(api):
    for n in range(5):
        api.put(f"/organisations/CRM-{n}", ORG)
    page = api.get("/organisations", limit=2, offset=2).json()
    assert page["count"] == 5 and [o["external_id"] for o in page["items"]] == ["CRM-2", "CRM-3"]
    assert api.get("/organisations", limit=1000).status_code == 400


def test_organisation_delete_only_when_empty(api, anna, aurora):
    aurora.external_id = "CRM-A"
    aurora.save()
    assert api.delete("/organisations/CRM-A").status_code == 409
    Membership.objects.all().delete()
    assert api.delete("/organisations/CRM-A").status_code == 204
    assert api.delete("/organisations/CRM-A").status_code == 404


# --- People ---------------------------------------------------------------------------------


def test_person_with_memberships(api):
    api.put("/organisations/CRM-1", ORG)
    make_role("technician")
    make_profile("basic", show_invoices=False)
    person = {
        "email": "Pia@Cobalt.example",
        "first_name": "Pia",
        "memberships": [
            {"organisation": "CRM-1", "roles": ["technician"], "admin_contact": True,
             "profile": "basic"}
        ],
    }  # fmt: skip
    response = api.put("/people/P-1", person)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "pia@cobalt.example"
    assert body["memberships"] == [
        {
            "organisation": "CRM-1",
            "roles": ["technician"],
            "admin_contact": True,
            "profile": "basic",
        }
    ]
    user = User.objects.get(email="pia@cobalt.example")
    assert not user.has_usable_password() and user.emailaddress_set.get().verified
    assert api.put("/people/P-1", {**person, "memberships": []}).status_code == 200
    assert not Membership.objects.filter(user=user).exists()


def test_person_takes_over_an_unlinked_account_and_refuses_a_taken_address(api, anna):
    assert api.put("/people/P-anna", {"email": anna.email}).status_code == 201
    assert PersonLink.objects.get(external_id="P-anna").user == anna
    assert Membership.objects.filter(user=anna).exists()  # not a CRM organisation: kept
    api.put("/people/P-2", {"email": "other@example.test"})
    response = api.put("/people/P-2", {"email": anna.email})
    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"] == ["body", "email"]


def test_unknown_references_in_memberships(api):
    response = api.put(
        "/people/P-1",
        {"email": "x@example.test", "memberships": [{"organisation": "CRM-404", "roles": ["x"]}]},
    )
    assert response.status_code == 400
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "memberships", 0, "organisation"] in locs
    assert not User.objects.filter(email="x@example.test").exists()


def test_person_delete_deactivates_and_ends_sessions(api, client):
    api.put("/people/P-1", {"email": "pia@cobalt.example"})
    user = User.objects.get(email="pia@cobalt.example")
    UserSession.objects.create(
        user=user,
        ip="127.0.0.1",
        session_key="abc",
        created_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    assert api.delete("/people/P-1").status_code == 204
    user.refresh_from_db()
    assert not user.is_active and not UserSession.objects.filter(user=user).exists()
    assert api.get("/people/P-1").json()["active"] is False
    api.put("/people/P-1", {"email": "pia@cobalt.example", "active": True})
    user.refresh_from_db()
    assert user.is_active


# --- Orders and invoices --------------------------------------------------------------------


def test_order_and_invoice_upserts(api):
    api.put("/organisations/CRM-1", ORG)
    response = api.put("/orders/O-1", order_payload())
    assert response.status_code == 201, response.json()
    assert response.json()["lines"][0]["description"] == "Router R100"
    pdf = base64.b64encode(b"%PDF-1.4 test").decode()
    response = api.put("/invoices/I-1", invoice_payload(order="O-1", pdf_base64=pdf))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "RF18539007547034" and body["order"] == "O-1"
    assert body["has_pdf"] and body["overdue"] is True
    assert (
        api.put(
            "/invoices/I-1", invoice_payload(status="paid", paid_at="2026-03-10T12:00:00Z")
        ).status_code
        == 200
    )
    invoice = Invoice.objects.get()
    assert invoice.status == "paid" and invoice.pdf  # omitted PDF kept
    assert api.get("/invoices", status="paid").json()["count"] == 1
    assert api.get("/orders", organisation="CRM-1").json()["count"] == 1
    assert api.delete("/invoices/I-1").status_code == 204
    assert api.delete("/orders/O-1").status_code == 204
    assert not Order.objects.exists() and not Invoice.objects.exists()


def test_invoice_errors(api):
    api.put("/organisations/CRM-1", ORG)
    response = api.put(
        "/invoices/I-1",
        invoice_payload(reference="123", payment_url="http://pay.example", gross_total="1.00",
                        order="O-404", pdf_base64="!!"),
    )  # fmt: skip
    assert response.status_code == 400
    fields = {e["loc"][-1] for e in response.json()["errors"]}
    assert {"reference", "payment_url", "gross_total", "order", "pdf_base64"} <= fields
    response = api.put("/invoices/I-1", invoice_payload(org="CRM-404"))
    assert response.json()["errors"][0]["loc"] == ["body", "organisation"]


# --- Bulk and webhooks ----------------------------------------------------------------------


def test_bulk_reports_per_item(api):
    response = api.post(
        "/organisations/bulk",
        {
            "items": [
                {**ORG, "external_id": "CRM-1"},
                {**ORG, "external_id": "CRM-2", "products": ["nope"]},
            ]
        },
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error"]
    assert results[1]["errors"][0]["loc"] == ["products"]
    assert list(Organisation.objects.values_list("external_id", flat=True)) == ["CRM-1"]
    response = api.post(
        "/orders/bulk",
        {
            "items": [
                {**order_payload(), "external_id": "O-1"},
                {**order_payload(gross_total="1"), "external_id": "O-2"},
            ]
        },
    )
    assert [r["status"] for r in response.json()["results"]] == ["created", "error"]
    assert Order.objects.get().external_id == "O-1"


def test_api_changes_send_no_webhooks(api, anna):
    api.put("/organisations/CRM-1", ORG)
    api.put(
        "/people/P-1",
        {"email": anna.email, "first_name": "Anni", "memberships": [{"organisation": "CRM-1"}]},
    )
    api.put("/orders/O-1", order_payload())
    api.put("/invoices/I-1", invoice_payload())
    api.delete("/people/P-1")
    assert not WebhookEvent.objects.exists()
