"""The integration API's request and response bodies (pydantic, via django-ninja).

Text fields refuse NUL characters (PostgreSQL cannot store them); dates stay within years the
database and time zone arithmetic handle. What the schema cannot say (an unknown product slug,
an e-mail address another person has) the services check, with the same error format.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, StringConstraints

EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
MAX_LINES = 500
MAX_BULK = 200
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2999, 12, 31)


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=r"^[^\x00]*$"),
    ]


def _in_range(value):
    if value is not None:
        day = value.date() if isinstance(value, datetime) else value
        if not MIN_DATE <= day <= MAX_DATE:
            raise ValueError(f"must be between {MIN_DATE} and {MAX_DATE}")
    return value


ExternalId = Annotated[str, StringConstraints(pattern=EXTERNAL_ID_PATTERN)]
Day = Annotated[date, AfterValidator(_in_range)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False)]
Country = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2})?$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,100}$")]


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class ErrorsOut(Schema):
    """400: every problem with the request, each with where it is."""

    errors: list[ErrorItem]


class DetailOut(Schema):
    detail: str


# --- Organisations ---------------------------------------------------------------------------


class OrganisationIn(Schema):
    name: _text(200, 1)
    business_id: _text(40) = ""
    membership_class: Literal["customer", "key_customer", "partner"] = "customer"
    billing_street: _text(200) = ""
    billing_postal_code: _text(20) = ""
    billing_city: _text(100) = ""
    billing_country: Country = ""
    visiting_street: _text(200) = ""
    visiting_postal_code: _text(20) = ""
    visiting_city: _text(100) = ""
    visiting_country: Country = ""
    products: list[Slug] | None = Field(
        None, max_length=100, description="Product slugs; replace the current set (omit: keep)."
    )
    regions: list[Slug] | None = Field(
        None, max_length=100, description="Region slugs; replace the current set (omit: keep)."
    )


class OrganisationItem(OrganisationIn):
    external_id: ExternalId


class OrganisationOut(Schema):
    external_id: str
    name: str
    business_id: str
    membership_class: str
    billing_street: str
    billing_postal_code: str
    billing_city: str
    billing_country: str
    visiting_street: str
    visiting_postal_code: str
    visiting_city: str
    visiting_country: str
    products: list[str]
    regions: list[str]
    updated_at: datetime


# --- People ----------------------------------------------------------------------------------


class MembershipIn(Schema):
    organisation: ExternalId = Field(description="The organisation's external id.")
    roles: list[Slug] = Field(default_factory=list, max_length=50)
    admin_contact: bool = False
    profile: Slug | None = Field(None, description="Portal profile slug; null = the default.")


class PersonIn(Schema):
    email: _text(254, 3)
    first_name: _text(150) = ""
    last_name: _text(150) = ""
    phone: _text(40) = ""
    title: _text(100) = ""
    language: Literal["en", "fi", "de"] = "en"
    active: bool = True
    memberships: list[MembershipIn] = Field(
        default_factory=list,
        max_length=100,
        description="Replaces the person's memberships of CRM organisations.",
    )


class PersonItem(PersonIn):
    external_id: ExternalId


class MembershipOut(Schema):
    organisation: str | None
    roles: list[str]
    admin_contact: bool
    profile: str | None


class PersonOut(Schema):
    external_id: str
    email: str
    first_name: str
    last_name: str
    phone: str
    title: str
    language: str
    active: bool
    memberships: list[MembershipOut]


# --- Orders and invoices ---------------------------------------------------------------------


class LineIn(Schema):
    product_code: _text(60) = ""
    description: _text(300, 1)
    quantity: Annotated[Decimal, Field(max_digits=14, decimal_places=3, allow_inf_nan=False)] = (
        Decimal(1)
    )
    unit: _text(20) = ""
    unit_price: Money = Decimal(0)
    tax_rate: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] = Decimal(0)
    net_amount: Money = Decimal(0)


class LineOut(Schema):
    position: int
    product_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: Decimal
    net_amount: Decimal


class _DocumentIn(Schema):
    organisation: ExternalId = Field(description="The organisation's external id.")
    number: _text(60, 1)
    currency: Currency = "EUR"
    net_total: Money
    tax_total: Money
    gross_total: Money = Field(description="Must equal net_total + tax_total.")
    lines: list[LineIn] = Field(default_factory=list, max_length=MAX_LINES)


class OrderIn(_DocumentIn):
    status: Literal["received", "confirmed", "shipped", "delivered", "cancelled"] = "received"
    ordered_on: Day
    delivered_on: Day | None = None
    customer_reference: _text(100) = ""


class OrderItem(OrderIn):
    external_id: ExternalId


class InvoiceIn(_DocumentIn):
    order: ExternalId | None = Field(None, description="External id of the invoiced order.")
    reference: _text(35) = Field(
        "", description="Finnish reference number (viitenumero) or RF creditor reference."
    )
    issued_on: Day
    due_on: Day
    status: Literal["unpaid", "paid", "credited"] = "unpaid"
    paid_at: Moment | None = None
    payment_url: _text(500) = Field("", description="https:// only.")
    pdf_base64: str | None = Field(
        None,
        max_length=14_000_000,
        description="The invoice PDF, base64; replaces the stored one. Omit to keep it.",
    )


class InvoiceItem(InvoiceIn):
    external_id: ExternalId


class _DocumentOut(Schema):
    external_id: str
    organisation: str | None
    number: str
    currency: str
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    updated_at: datetime
    lines: list[LineOut]


class OrderOut(_DocumentOut):
    status: str
    ordered_on: date
    delivered_on: date | None
    customer_reference: str


class InvoiceOut(_DocumentOut):
    order: str | None
    reference: str
    issued_on: date
    due_on: date
    status: str
    overdue: bool
    paid_at: datetime | None
    payment_url: str
    has_pdf: bool


# --- Bulk ------------------------------------------------------------------------------------


class ItemResult(Schema):
    external_id: str
    status: Literal["created", "updated", "error"]
    errors: list[ErrorItem] = Field(default_factory=list)


class BulkOut(Schema):
    results: list[ItemResult]


class OrganisationsBulkIn(Schema):
    items: list[OrganisationItem] = Field(max_length=MAX_BULK)


class PeopleBulkIn(Schema):
    items: list[PersonItem] = Field(max_length=MAX_BULK)


class OrdersBulkIn(Schema):
    items: list[OrderItem] = Field(max_length=MAX_BULK)


class InvoicesBulkIn(Schema):
    items: list[InvoiceItem] = Field(max_length=MAX_BULK)
