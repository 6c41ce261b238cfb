"""The API against its own OpenAPI schema: schemathesis generates requests for every
integration operation and calls the app in-process (WSGI) with a valid key. No response may
be a server error, and every response must match the schema (status, content type, body)."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integrations.conftest import ORG, order_payload

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 8  # per operation: the whole run stays under a minute
INTEGRATION_PATHS = (
    "/api/v1/organisations",
    "/api/v1/people",
    "/api/v1/orders",
    "/api/v1/invoices",
)


@contextmanager
def connection_kept_open():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction: keep it open, as Django's test client does (which reconnects the
    handler after each of its own requests, so this wraps only the WSGI calls)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run(operation, headers):
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.django_db
def test_api_conforms_to_its_schema(settings, api):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Some existing records, so that generated ids sometimes meet real rows.
    api.put("/organisations/CRM-1", ORG)
    api.put("/orders/O-1", order_payload())
    headers = {"Authorization": f"Bearer {api.key}"}
    with connection_kept_open():
        schema = schemathesis.openapi.from_wsgi(
            "/api/openapi.json", get_wsgi_application(), headers=headers
        )
        operations = [
            result.ok()
            for result in schema.get_all_operations()
            if result.ok().path.startswith(INTEGRATION_PATHS)
        ]
        assert len(operations) >= 20
        for operation in operations:
            _run(operation, headers)
