import pytest

from integrations.models import SCOPES
from integrations.services import api_key_create
from tests.accounts.conftest import aki, anna, aurora, berg, clara, full_profile  # noqa: F401


class Api:
    """The test client with an API key: `api.put("/organisations/X", {...})`."""

    def __init__(self, client, key: str):
        self.client, self.key = client, key

    def _call(self, method, path, data=None, key=None):
        headers = {"Authorization": f"Bearer {key or self.key}"}
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return getattr(self.client, method)(f"/api/v1{path}", data, headers=headers, **kwargs)

    def get(self, path, **params):
        from urllib.parse import urlencode

        return self._call("get", path + (f"?{urlencode(params)}" if params else ""))

    def put(self, path, data):
        return self._call("put", path, data)

    def post(self, path, data):
        return self._call("post", path, data)

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def make_key(db):
    def make(*scopes):
        return api_key_create(name="test", scopes=list(scopes or SCOPES), by=None)

    return make


@pytest.fixture
def api(client, make_key):
    return Api(client, make_key()[1])


ORG = {
    "name": "Cobalt Oy",
    "business_id": "7654321-0",
    "membership_class": "customer",
    "billing_city": "Oulu",
    "billing_country": "FI",
}


def order_payload(org="CRM-1", **extra):
    return {
        "organisation": org,
        "number": "SO-1",
        "status": "shipped",
        "ordered_on": "2026-03-01",
        "net_total": "100.00",
        "tax_total": "25.50",
        "gross_total": "125.50",
        "lines": [
            {
                "description": "Router R100",
                "quantity": "1",
                "unit_price": "100",
                "net_amount": "100",
                "tax_rate": "25.5",
            }
        ],
        **extra,
    }


def invoice_payload(org="CRM-1", **extra):
    return {
        "organisation": org,
        "number": "INV-1",
        "reference": "RF18 5390 0754 7034",
        "issued_on": "2026-03-01",
        "due_on": "2026-03-15",
        "net_total": "100.00",
        "tax_total": "25.50",
        "gross_total": "125.50",
        "lines": [{"description": "Router R100", "net_amount": "100"}],
        **extra,
    }
