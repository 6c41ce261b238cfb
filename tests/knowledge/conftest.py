"""A small world for the knowledge tests: Anna (routers, Finland, technician) and Clara
(switches, Germany, partner) share nothing; Erik is an editor."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from hub.models import Product, Region, Role
from knowledge.models import Document
from knowledge.services import knowledge_root
from tests.factories import make_member, make_org, make_role, make_term, make_user


@pytest.fixture(autouse=True)
def _private_folders(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder, never into var/."""
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDITIONS_ROOT = tmp_path / "renditions"


@dataclass
class World:
    router: Product
    r100: Product
    switch: Product
    nordics: Region
    finland: Region
    dach: Region
    germany: Region
    technician: Role
    partner: Role
    anna: object
    clara: object
    editor: object

    @property
    def root(self):
        return knowledge_root()


@pytest.fixture
def world(db) -> World:
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
    return World(
        router=router,
        r100=r100,
        switch=switch,
        nordics=nordics,
        finland=finland,
        dach=dach,
        germany=germany,
        technician=technician,
        partner=partner,
        anna=make_member(aurora, roles=[technician], email="anna@aurora.test"),
        clara=make_member(berg, roles=[partner], email="clara@berg.test"),
        editor=make_user(email="erik@editor.test", is_staff=True, is_superuser=True),
    )


def add_page(parent, model, *, products=(), regions=(), roles=(), **fields):
    """A published page with this own audience, stored as the app stores it."""
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    page = model(**fields)
    page.audience_products = list(products)
    page.audience_regions = list(regions)
    page.audience_roles = list(roles)
    parent.add_child(instance=page)
    return model.objects.get(pk=page.pk)


def add_document(
    title, *, products=(), regions=(), roles=(), collection=None, content=b"%PDF-1.4\n%%EOF\n"
):
    from wagtail.models import Collection

    doc = Document(title=title, collection=collection or Collection.get_first_root_node())
    doc.file.save(f"{title.lower().replace(' ', '-')}.pdf", ContentFile(content), save=False)
    doc.audience_products = list(products)
    doc.audience_regions = list(regions)
    doc.audience_roles = list(roles)
    doc.save()
    return doc
