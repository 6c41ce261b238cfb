"""People and categories for the forum tests: Anna (routers, Finland, technician), Aki (her
colleague), Clara (switches, Germany, partner) and a staff moderator."""

from types import SimpleNamespace

import pytest

from community import services
from community.models import Category
from hub.models import Product, Region, Role
from tests.factories import make_member, make_org, make_user


def make_category(slug: str, *, products=(), roles=(), regions=()) -> Category:
    category = Category.objects.create(name=slug.title(), slug=slug)
    category.audience_products.set(products)
    category.audience_regions.set(regions)
    category.audience_roles.set(roles)
    category.save()  # ParentalManyToManyField writes on save (modelcluster)
    return category


def make_topic(category, author, *, title="A question", body="How?", kind="question", **kw):
    return services.topic_create(
        category=category, author=author, kind=kind, title=title, body=body, **kw
    )


@pytest.fixture
def forum(db):
    router = Product.objects.create(name="Router", slug="router-r")
    switch = Product.objects.create(name="Switch", slug="switch-s")
    finland = Region.objects.create(name="Finland", slug="finland")
    germany = Region.objects.create(name="Germany", slug="germany")
    technician = Role.objects.create(name="Technician", slug="technician")
    partner = Role.objects.create(name="Partner", slug="partner")
    aurora = make_org(name="Aurora Oy", products=[router], regions=[finland])
    berg = make_org(name="Berg Technik", products=[switch], regions=[germany])
    return SimpleNamespace(
        router=router,
        switch=switch,
        anna=make_member(aurora, roles=[technician], email="anna@aurora.test"),
        aki=make_member(aurora, roles=[technician], email="aki@aurora.test"),
        clara=make_member(berg, roles=[partner], email="clara@berg.test"),
        maria=make_user(email="maria@kumppani.test", is_staff=True),
        routers=make_category("routers", products=[router]),
        lounge=make_category("partner-lounge", roles=[partner]),
        general=make_category("general"),
    )
