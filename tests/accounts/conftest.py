"""Fixtures for the account modules: an organisation with its admin contact and a member,
profiles, and the portal settings of the default site."""

import pytest
from wagtail.models import Site

from accounts.models import PortalProfile, PortalSettings
from tests.factories import make_member, make_org


@pytest.fixture(autouse=True)
def _webhooks_to_loopback(settings):
    """The test receivers listen on loopback over plain HTTP (allowed as with DEBUG)."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True


def portal_settings(**changes) -> PortalSettings:
    """Change the default site's portal settings as staff would (saving drops the cache)."""
    config = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    for field, value in changes.items():
        setattr(config, field, value)
    config.save()
    return config


def make_profile(slug: str, **flags) -> PortalProfile:
    return PortalProfile.objects.create(name=slug.title(), slug=slug, **flags)


FULL = {
    "edit_company_name": True,
    "edit_company_business_id": True,
    "edit_company_billing": True,
    "edit_company_visiting": True,
}


@pytest.fixture
def full_profile():
    return make_profile("full", **FULL)


@pytest.fixture
def aurora():
    return make_org(name="Aurora Oy")


@pytest.fixture
def aki(aurora, full_profile):
    user = make_member(aurora, admin=True, email="aki@aurora.test", first_name="Aki")
    user.memberships.update(portal_profile=full_profile)
    return user


@pytest.fixture
def anna(aurora):
    return make_member(aurora, email="anna@aurora.test", first_name="Anna")


@pytest.fixture
def berg():
    return make_org(name="Berg Technik GmbH")


@pytest.fixture
def clara(berg):
    return make_member(berg, admin=True, email="clara@berg.test", first_name="Clara")
