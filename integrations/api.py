"""The CRM/ERP integration API: /api/v1/organisations, /people, /orders, /invoices.

Every operation takes an API key (integrations/auth.py) with a scope: GET needs "read", writes
need "<resource>:write". PUT is an idempotent upsert by external id (201 created, 200 updated);
bulk endpoints apply each item in its own transaction and report per item. Bad input is a 400
listing every error (`{"errors": [{"loc": [...], "msg": "..."}]}`). Nothing here emits the
outbound customer-change webhooks: the CRM is the source of these changes.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from accounts import sync
from accounts.models import Membership, Organisation, User
from commerce import services as commerce_services
from commerce.models import Invoice, Order
from integrations import schemas as s
from integrations import services
from integrations.auth import READ, write

ERRORS = {400: s.ErrorsOut, 401: s.DetailOut, 403: s.DetailOut, 404: s.DetailOut}
ExternalIdPath = Path(..., pattern=s.EXTERNAL_ID_PATTERN, description="The CRM's id.")


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=10_000_000)


class DocumentFilters(Schema):
    organisation: str | None = Field(
        None, pattern=s.EXTERNAL_ID_PATTERN, description="Only this organisation's."
    )


def _upsert(put, external_id: str, payload: Schema):
    try:
        obj, created = put(external_id, payload.model_dump())
    except ValidationError as exc:
        raise ApiValidationError(services.errors_from(exc)) from None
    return (201 if created else 200), obj


class ApiValidationError(Exception):
    """A 400 with this error list (hub/api.py renders it)."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


# --- Organisations ---------------------------------------------------------------------------

organisations = Router(tags=["organisations"])


def _organisations():
    return (
        Organisation.objects.filter(external_id__isnull=False)
        .prefetch_related("products", "regions")
        .order_by("external_id")
    )


class OrganisationOut(s.OrganisationOut):
    @staticmethod
    def resolve_products(obj) -> list[str]:
        return [p.slug for p in obj.products.all()]

    @staticmethod
    def resolve_regions(obj) -> list[str]:
        return [r.slug for r in obj.regions.all()]


@organisations.get("", response=list[OrganisationOut], auth=READ, summary="List organisations")
@paginate(Pagination)
def organisation_list(request):
    return _organisations()


@organisations.post(
    "/bulk", response={200: s.BulkOut, **ERRORS}, auth=write("organisations"),
    summary="Create or update many organisations",
)  # fmt: skip
def organisation_bulk(request, payload: s.OrganisationsBulkIn):
    return {"results": services.bulk_put("organisations", [i.model_dump() for i in payload.items])}


@organisations.get(
    "/{external_id}", response={200: OrganisationOut, **ERRORS}, auth=READ,
    summary="Get an organisation",
)  # fmt: skip
def organisation_get(request, external_id: str = ExternalIdPath):
    return get_object_or_404(_organisations(), external_id=external_id)


@organisations.put(
    "/{external_id}", response={200: OrganisationOut, 201: OrganisationOut, **ERRORS},
    auth=write("organisations"), summary="Create or update an organisation",
)  # fmt: skip
def organisation_put(request, payload: s.OrganisationIn, external_id: str = ExternalIdPath):
    status, _obj = _upsert(services.organisation_put, external_id, payload)
    return Status(status, get_object_or_404(_organisations(), external_id=external_id))


@organisations.delete(
    "/{external_id}", response={204: None, 409: s.DetailOut, **ERRORS},
    auth=write("organisations"), summary="Delete an organisation",
    description="Only an organisation without people, orders and invoices can be deleted "
    "(409 otherwise): deactivate or move its people and delete its documents first.",
)  # fmt: skip
def organisation_delete(request, external_id: str = ExternalIdPath):
    organisation = get_object_or_404(Organisation, external_id=external_id)
    try:
        sync.organisation_delete(organisation=organisation)
    except ValidationError as exc:
        raise HttpError(409, " ".join(exc.messages)) from None
    return Status(204, None)


# --- People ----------------------------------------------------------------------------------

people = Router(tags=["people"])


def _people():
    return (
        User.objects.filter(crm_link__isnull=False)
        .select_related("crm_link")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organisation", "portal_profile")
                .prefetch_related("roles")
                .order_by("organisation__name", "pk"),
            )
        )
        .order_by("crm_link__external_id")
    )


class PersonOut(s.PersonOut):
    @staticmethod
    def resolve_external_id(obj) -> str:
        return obj.crm_link.external_id

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active

    @staticmethod
    def resolve_memberships(obj) -> list[dict]:
        return [
            {
                "organisation": m.organisation.external_id,
                "roles": [r.slug for r in m.roles.all()],
                "admin_contact": m.is_admin_contact,
                "profile": m.portal_profile.slug if m.portal_profile else None,
            }
            for m in obj.memberships.all()
        ]


@people.get("", response=list[PersonOut], auth=READ, summary="List people")
@paginate(Pagination)
def person_list(request):
    return _people()


@people.post(
    "/bulk", response={200: s.BulkOut, **ERRORS}, auth=write("people"),
    summary="Create or update many people",
)  # fmt: skip
def person_bulk(request, payload: s.PeopleBulkIn):
    return {"results": services.bulk_put("people", [i.model_dump() for i in payload.items])}


@people.get(
    "/{external_id}", response={200: PersonOut, **ERRORS}, auth=READ, summary="Get a person"
)
def person_get(request, external_id: str = ExternalIdPath):
    return get_object_or_404(_people(), crm_link__external_id=external_id)


@people.put(
    "/{external_id}", response={200: PersonOut, 201: PersonOut, **ERRORS},
    auth=write("people"), summary="Create or update a person and their memberships",
    description="A new person can sign in after setting a password with “forgot password” "
    "(their e-mail address counts as verified). An existing account with the same e-mail "
    "address and no external id is taken over. \"active\": false deactivates the person and "
    "ends their sessions.",
)  # fmt: skip
def person_put(request, payload: s.PersonIn, external_id: str = ExternalIdPath):
    status, _obj = _upsert(services.person_put, external_id, payload)
    return Status(status, get_object_or_404(_people(), crm_link__external_id=external_id))


@people.delete(
    "/{external_id}", response={204: None, **ERRORS}, auth=write("people"),
    summary="Deactivate a person",
    description="The person is deactivated and signed out everywhere; their account, "
    "memberships and forum posts stay (PUT with \"active\": true reactivates).",
)  # fmt: skip
def person_delete(request, external_id: str = ExternalIdPath):
    user = get_object_or_404(User, crm_link__external_id=external_id)
    services.person_deactivate(user)
    return Status(204, None)


# --- Orders ----------------------------------------------------------------------------------

orders = Router(tags=["orders"])


def _orders():
    return (
        Order.objects.select_related("organisation")
        .prefetch_related("lines")
        .order_by("external_id")
    )


class OrderOut(s.OrderOut):
    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return obj.organisation.external_id

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


@orders.get("", response=list[OrderOut], auth=READ, summary="List orders")
@paginate(Pagination)
def order_list(request, filters: Query[DocumentFilters]):
    qs = _orders()
    if filters.organisation:
        qs = qs.filter(organisation__external_id=filters.organisation)
    return qs


@orders.post(
    "/bulk", response={200: s.BulkOut, **ERRORS}, auth=write("orders"),
    summary="Create or update many orders",
)  # fmt: skip
def order_bulk(request, payload: s.OrdersBulkIn):
    return {"results": services.bulk_put("orders", [i.model_dump() for i in payload.items])}


@orders.get("/{external_id}", response={200: OrderOut, **ERRORS}, auth=READ, summary="Get an order")
def order_get(request, external_id: str = ExternalIdPath):
    return get_object_or_404(_orders(), external_id=external_id)


@orders.put(
    "/{external_id}", response={200: OrderOut, 201: OrderOut, **ERRORS},
    auth=write("orders"), summary="Create or update an order with its lines",
    description="The lines replace the order's lines.",
)  # fmt: skip
def order_put(request, payload: s.OrderIn, external_id: str = ExternalIdPath):
    status, _obj = _upsert(services.order_put, external_id, payload)
    return Status(status, get_object_or_404(_orders(), external_id=external_id))


@orders.delete(
    "/{external_id}", response={204: None, **ERRORS}, auth=write("orders"),
    summary="Delete an order",
)  # fmt: skip
def order_delete(request, external_id: str = ExternalIdPath):
    commerce_services.order_delete(order=get_object_or_404(Order, external_id=external_id))
    return Status(204, None)


# --- Invoices --------------------------------------------------------------------------------

invoices = Router(tags=["invoices"])


def _invoices():
    return (
        Invoice.objects.select_related("organisation", "order")
        .prefetch_related("lines")
        .order_by("external_id")
    )


class InvoiceOut(s.InvoiceOut):
    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return obj.organisation.external_id

    @staticmethod
    def resolve_order(obj) -> str | None:
        return obj.order.external_id if obj.order else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_has_pdf(obj) -> bool:
        return bool(obj.pdf)

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class InvoiceFilters(DocumentFilters):
    status: str | None = Field(None, pattern=r"^(unpaid|paid|credited|overdue)$")


@invoices.get("", response=list[InvoiceOut], auth=READ, summary="List invoices")
@paginate(Pagination)
def invoice_list(request, filters: Query[InvoiceFilters]):
    from commerce.selectors import overdue_q

    qs = _invoices()
    if filters.organisation:
        qs = qs.filter(organisation__external_id=filters.organisation)
    if filters.status == "overdue":
        qs = qs.filter(overdue_q())
    elif filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@invoices.post(
    "/bulk", response={200: s.BulkOut, **ERRORS}, auth=write("invoices"),
    summary="Create or update many invoices",
)  # fmt: skip
def invoice_bulk(request, payload: s.InvoicesBulkIn):
    return {"results": services.bulk_put("invoices", [i.model_dump() for i in payload.items])}


@invoices.get(
    "/{external_id}", response={200: InvoiceOut, **ERRORS}, auth=READ, summary="Get an invoice"
)
def invoice_get(request, external_id: str = ExternalIdPath):
    return get_object_or_404(_invoices(), external_id=external_id)


@invoices.put(
    "/{external_id}", response={200: InvoiceOut, 201: InvoiceOut, **ERRORS},
    auth=write("invoices"), summary="Create or update an invoice with its lines",
    description="The lines replace the invoice's lines. Customers download the stored PDF "
    "(pdf_base64) or, without one, a PDF generated from the invoice.",
)  # fmt: skip
def invoice_put(request, payload: s.InvoiceIn, external_id: str = ExternalIdPath):
    status, _obj = _upsert(services.invoice_put, external_id, payload)
    return Status(status, get_object_or_404(_invoices(), external_id=external_id))


@invoices.delete(
    "/{external_id}", response={204: None, **ERRORS}, auth=write("invoices"),
    summary="Delete an invoice",
)  # fmt: skip
def invoice_delete(request, external_id: str = ExternalIdPath):
    commerce_services.invoice_delete(invoice=get_object_or_404(Invoice, external_id=external_id))
    return Status(204, None)


ROUTERS = [
    ("/organisations", organisations),
    ("/people", people),
    ("/orders", orders),
    ("/invoices", invoices),
]


def _errors_response(api, request, errors: list[dict]):
    return api.create_response(request, {"errors": errors}, status=400)


def install(api) -> None:
    """Mount the integration routers on `api` and give it the error format: every 400 is
    `{"errors": [{"loc": [...], "msg": "..."}]}` (ninja's own 422 included)."""
    from ninja.errors import AuthenticationError
    from ninja.errors import ValidationError as NinjaValidationError

    from integrations.auth import ApiKeyAuth, ScopeDenied

    for prefix, router in ROUTERS:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                scopes = [cb.scope for cb in operation.auth_callbacks if isinstance(cb, ApiKeyAuth)]
                if scopes:  # say in the schema which scope each operation needs
                    operation.openapi_extra = {
                        **(operation.openapi_extra or {}),
                        "x-scope": scopes[0],
                    }
        api.add_router(prefix, router)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "Invalid value."))}
            for e in exc.errors
        ]
        return _errors_response(api, request, errors)

    @api.exception_handler(ApiValidationError)
    def _invalid_item(request, exc):
        return _errors_response(api, request, exc.errors)

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        if exc.status_code == 400:  # e.g. a body that is not JSON
            return _errors_response(api, request, [{"loc": ["body"], "msg": str(exc)}])
        response = api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(ScopeDenied)
    def _scope(request, exc):
        detail = f"This API key lacks the scope {exc.scope!r}."
        return api.create_response(request, {"detail": detail}, status=403)
