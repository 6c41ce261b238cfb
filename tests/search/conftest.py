"""A small world for the search tests: Anna (routers, Finland, technician) and Clara
(switches, Germany, partner) share nothing. Some articles are for everyone, some only for
one of them; restricted ones carry a unique word so that any leak is easy to spot."""

import uuid
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings

from hub.models import Product, Region, Role
from hub.search import client, schema, services
from knowledge.models import ArticlePage, SectionPage
from knowledge.services import knowledge_root
from tests.conftest import require
from tests.factories import make_member, make_org, make_role, make_term, make_user

# title, summary, audience (products, regions, roles) as slugs
ARTICLES = [
    ("Firmware update for every device", "Update the firmware safely.", ((), (), ())),
    ("Resetting your password", "Get back in when you forgot it.", ((), (), ())),
    ("Router firmware rollback", "Roll the router firmware back.", (("router",), (), ())),
    ("R100 firmware notes", "Firmware for the R100 router.", (("r100",), (), ())),
    ("Router firmware and Finnish operators", "APN for Elisa.", (("router",), ("finland",), ())),
    ("Router diagnostics for technicians", "LED codes.", (("router",), (), ("technician",))),
    ("Switch firmware zebrafirmware plan", "Quokka switch firmware.", (("switch",), (), ())),
    (
        "Partner firmware price list",
        "Quokka prices for partners.",
        (("switch",), ("dach",), ("partner",)),
    ),
    ("Switch firmware in Germany", "Quokka compliance.", (("switch",), ("germany",), ())),
]
CLARA_ONLY_WORDS = ("zebrafirmware", "quokka", "partner firmware price list")


@dataclass
class World:
    router: Product
    r100: Product
    switch: Product
    finland: Region
    germany: Region
    technician: Role
    partner: Role
    anna: object
    clara: object
    staff: object
    section: SectionPage
    articles: dict


def build_world() -> World:
    router = make_term(Product, "router")
    r100 = make_term(Product, "r100", router)
    switch = make_term(Product, "switch")
    nordics = make_term(Region, "nordics")
    finland = make_term(Region, "finland", nordics)
    dach = make_term(Region, "dach")
    germany = make_term(Region, "germany", dach)
    technician, partner = make_role("technician"), make_role("partner")
    aurora = make_org(name="Aurora Oy", products=[router], regions=[finland])
    berg = make_org(name="Berg Technik GmbH", products=[switch], regions=[germany])
    section = knowledge_root().add_child(instance=SectionPage(title="Guides", slug="guides"))
    terms = {
        "products": {p.slug: p for p in Product.objects.all()},
        "regions": {r.slug: r for r in Region.objects.all()},
        "roles": {r.slug: r for r in Role.objects.all()},
    }
    articles = {}
    for i, (title, summary, (products, regions, roles)) in enumerate(ARTICLES):
        page = ArticlePage(title=title, slug=f"a{i}", summary=summary)
        page.audience_products = [terms["products"][s] for s in products]
        page.audience_regions = [terms["regions"][s] for s in regions]
        page.audience_roles = [terms["roles"][s] for s in roles]
        section.add_child(instance=page)
        page.save_revision().publish()
        articles[title] = page
    return World(
        router=router,
        r100=r100,
        switch=switch,
        finland=finland,
        germany=germany,
        technician=technician,
        partner=partner,
        anna=make_member(aurora, roles=[technician], email="anna@aurora.test"),
        clara=make_member(berg, roles=[partner], email="clara@berg.test"),
        staff=make_user(email="sam@staff.test", is_staff=True, is_superuser=True),
        section=section,
        articles=articles,
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, meilisearch_server):
    """One world and one index per test module (Meilisearch indexing is the slow part): built
    in an outer transaction that each test's own transaction nests in, rolled back at the end.
    Tests that write content use `fresh_world` in a module of their own."""
    require(meilisearch_server.available, f"Meilisearch: {meilisearch_server.error}")
    uid = f"{settings.MEILISEARCH_INDEX}_m{uuid.uuid4().hex[:8]}"
    with override_settings(MEILISEARCH_INDEX=uid), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cache.clear()
            w = build_world()
            result = services.outbox_drain()
            assert not result.failed, result.error
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            if meilisearch_server.server.process.poll() is None:
                for index in client.client().get_indexes({"limit": 1000})["results"]:
                    if index.uid.startswith(uid):
                        client.client().delete_index(index.uid)
            schema.forget(uid)


@pytest.fixture
def world(shared_world, db) -> World:
    return shared_world


@pytest.fixture
def fresh_world(db, meilisearch) -> World:
    w = build_world()
    result = services.outbox_drain()
    assert not result.failed, result.error
    return w


def titles(response) -> list[str]:
    return [hit.title for hit in response.context["results"].hits]
