"""Staff create API keys in the Wagtail admin (the key is shown once) and revoke them."""

import re

import pytest
from django.urls import reverse

from integrations.auth import key_for
from integrations.models import ApiKey
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_create_shows_the_key_once(staff_client):
    url = reverse("wagtailsnippets_integrations_apikey:add")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url, {"name": "ERP production", "scopes": ["read", "orders:write"]}
    )
    assert response.status_code == 200
    plain = re.search(r'value="(kmp_[^"]+)"', response.content.decode()).group(1)
    api_key = ApiKey.objects.get()
    assert api_key.scopes == ["read", "orders:write"] and api_key.created_by is not None
    assert key_for(plain) == api_key
    listing = staff_client.get(reverse("wagtailsnippets_integrations_apikey:list")).content
    assert plain.encode() not in listing


def test_unknown_scope_is_refused(staff_client):
    url = reverse("wagtailsnippets_integrations_apikey:add")
    response = staff_client.post(url, {"name": "X", "scopes": ["admin"]})
    assert response.status_code == 200 and not ApiKey.objects.exists()


def test_revoke(staff_client, make_key):
    api_key, plain = make_key("read")
    url = reverse("integrations_apikey_revoke", args=[api_key.pk])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url).status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None and key_for(plain) is None


def test_customers_cannot_revoke(client, make_key):
    api_key, _plain = make_key("read")
    client.force_login(make_user())
    response = client.post(reverse("integrations_apikey_revoke", args=[api_key.pk]))
    assert response.status_code in (302, 403)
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
