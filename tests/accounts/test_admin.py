"""Staff manage portal settings, profiles and webhooks in the Wagtail admin."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from accounts import services
from tests.factories import make_user


@pytest.fixture
def staff():
    return make_user(is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_staff_edit_portal_settings_and_the_footer_follows(client, staff):
    site = Site.objects.get(is_default_site=True)
    client.force_login(staff)
    url = reverse("wagtailsettings:edit", args=["accounts", "portalsettings", site.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Support phone" in page.content.decode()
    html = client.get("/account/").content.decode()
    assert "mailto:" not in html
    data = {
        "portal_name": "Aurora Portal",
        "support_name": "Service desk",
        "support_email": "desk@portal.test",
        "support_phone": "+358 9 2",
        **{f"module_{m}": "on" for m in ("details", "company", "offices", "colleagues")},
        "offices_may_add": "on",
    }
    assert client.post(url, data).status_code == 302
    html = client.get("/account/").content.decode()
    assert "Service desk" in html and "desk@portal.test" in html and "Aurora Portal" in html


@pytest.mark.django_db
def test_customers_cannot_open_the_settings(client):
    site = Site.objects.get(is_default_site=True)
    client.force_login(make_user())
    url = reverse("wagtailsettings:edit", args=["accounts", "portalsettings", site.pk])
    assert client.get(url).status_code in (302, 403)


@pytest.mark.django_db
def test_event_listing_offers_resend(client, staff, anna):
    services.consents_set(user=anna, wanted={"newsletter": True})
    client.force_login(staff)
    html = client.get(reverse("wagtailsnippets_accounts_webhookevent:list")).content.decode()
    assert "/account/webhooks/events/" in html and "Re-send" in html
    for name in ("portalprofile", "office", "webhookendpoint", "webhookdelivery"):
        assert client.get(reverse(f"wagtailsnippets_accounts_{name}:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_accounts_portalprofile:add")).status_code == 200
