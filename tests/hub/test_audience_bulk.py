"""`audience.prime_reaches` gives many people the same reach as `reach_of` gives each one, in a
fixed number of queries however many they are, and shares the reach cache (and its tokens)
with the one-by-one path."""

import pytest
from django.core.cache import cache

from accounts.models import Membership, User
from accounts.services import membership_set
from community.models import Category
from hub import audience, taxonomy
from hub.models import Product, Region, Role
from tests.factories import make_member, make_org, make_term, make_user


@pytest.fixture
def world(db):
    router = make_term(Product, "router")
    make_term(Product, "router-x", parent=router)
    switch = make_term(Product, "switch")
    nordics = make_term(Region, "nordics")
    finland = make_term(Region, "finland", parent=nordics)
    germany = make_term(Region, "germany")
    technician = Role.objects.create(name="Technician", slug="technician")
    partner = Role.objects.create(name="Partner", slug="partner")
    aurora = make_org(name="Aurora", products=[router], regions=[finland])
    berg = make_org(name="Berg", products=[switch], regions=[germany])
    nobody = make_user(email="nobody@example.test")
    one = make_member(aurora, roles=[technician], email="one@example.test")
    two = make_member(aurora, roles=[technician], email="two@example.test")
    membership_set(user=two, organisation=berg, roles=[partner])
    staff = make_user(email="staff@example.test", is_staff=True)
    inactive = make_member(aurora, roles=[technician], email="gone@example.test", is_active=False)
    for slug, products, regions, roles in [
        ("open", [], [], []),
        ("routers", [router], [], []),
        ("switch-partners", [switch], [], [partner]),
        ("router-partners", [router], [], [partner]),  # neither of two's memberships alone
        ("nordic-technicians", [], [nordics], [technician]),
        ("germany", [], [germany], []),
    ]:
        category = Category.objects.create(name=slug, slug=slug)
        category.audience_products.set(products)
        category.audience_regions.set(regions)
        category.audience_roles.set(roles)
        category.save()  # ParentalManyToManyField writes on save (modelcluster)
    return {
        "people": [nobody, one, two, staff, inactive],
        "orgs": (aurora, berg),
        "roles": (technician, partner),
        "categories": list(
            Category.objects.prefetch_related(*Category.audience_prefetch()).order_by("pk")
        ),
    }


def _fresh(people) -> list[User]:
    """New objects for the same people (nothing cached on them)."""
    by_pk = User.objects.in_bulk([p.pk for p in people])
    return [by_pk[p.pk] for p in people]


def _warm_trees() -> None:
    taxonomy.tree(Product), taxonomy.tree(Region)


def _one_by_one(people) -> list:
    cache.clear()
    return [audience.reach_of(p) for p in _fresh(people)]


def test_bulk_equals_one_by_one(world, django_assert_num_queries):
    people = world["people"]
    expected = _one_by_one(people)
    cache.clear()
    primed = _fresh(people)
    audience.prime_reaches(primed)
    assert [audience.reach_of(p) for p in primed] == expected
    _nobody, _one, two, staff, inactive = primed
    assert audience.reach_of(staff).everything and audience.reach_of(inactive) == audience.NOBODY
    assert len(audience.reach_of(two).scopes) == 2  # per membership, never pooled
    # Afterwards the rule costs no query, for every person and category.
    with django_assert_num_queries(0):
        seen = {
            p.email: [c.slug for c in world["categories"] if audience.visible_to(p, c)]
            for p in primed
        }
    assert seen["nobody@example.test"] == ["open"]
    assert seen["one@example.test"] == ["open", "routers", "nordic-technicians"]
    assert seen["two@example.test"] == [
        "open",
        "routers",
        "switch-partners",
        "nordic-technicians",
        "germany",
    ]
    assert seen["staff@example.test"] == [c.slug for c in world["categories"]]
    assert seen["gone@example.test"] == []


def test_query_count_is_the_same_for_3_and_30_people(world, django_assert_max_num_queries):
    aurora, berg = world["orgs"]
    technician, partner = world["roles"]
    crowd = list(world["people"])
    for i in range(30):
        person = make_member(aurora if i % 2 else berg, roles=[technician][: i % 2])
        if i % 3 == 0:
            membership_set(user=person, organisation=aurora, roles=[partner])
        crowd.append(person)
    counts = []
    for size in (3, 30):
        people = _fresh(crowd[:size])
        cache.clear()
        _warm_trees()
        # Memberships, organisations' products and regions, membership roles.
        with django_assert_max_num_queries(4) as captured:
            audience.prime_reaches(people)
        counts.append(len(captured))
        assert [audience.reach_of(p) for p in people] == _one_by_one(crowd[:size])
    assert counts[0] == counts[1] == 4


def test_bulk_and_one_by_one_share_the_cache(world, django_assert_num_queries):
    people = world["people"]
    cache.clear()
    _warm_trees()
    audience.prime_reaches(_fresh(people))
    fresh = _fresh(people)
    with django_assert_num_queries(0):
        audience.prime_reaches(fresh)
        single = [audience.reach_of(p) for p in _fresh_copies(fresh)]
    assert single == [audience.reach_of(p) for p in fresh]

    cache.clear()
    _warm_trees()
    expected = [audience.reach_of(p) for p in _fresh(people)]
    fresh = _fresh(people)
    with django_assert_num_queries(0):
        audience.prime_reaches(fresh)
    assert [audience.reach_of(p) for p in fresh] == expected


def test_a_changed_membership_is_not_served_from_the_cache(world):
    nobody, one, two, *_rest = world["people"]
    aurora, berg = world["orgs"]
    technician, partner = world["roles"]
    audience.prime_reaches(_fresh([nobody, one, two]))
    membership_set(user=nobody, organisation=berg, roles=[partner])
    Membership.objects.filter(user=two, organisation=berg).delete()
    membership_set(user=one, organisation=aurora, roles=[technician, partner])
    primed = _fresh([nobody, one, two])
    audience.prime_reaches(primed)
    assert [audience.reach_of(p) for p in primed] == [
        audience.reach_of(p) for p in _fresh([nobody, one, two])
    ]
    cache.clear()
    assert [audience.reach_of(p) for p in primed] == _one_by_one([nobody, one, two])
    assert partner.pk in audience.reach_of(primed[0]).scopes[0].roles
    assert len(audience.reach_of(primed[2]).scopes) == 1


def _fresh_copies(people) -> list[User]:
    """Copies of already-fetched people, without a query (for counting)."""
    copies = []
    for person in people:
        copy = User(**{f.attname: getattr(person, f.attname) for f in User._meta.concrete_fields})
        copy._state.adding = False
        copies.append(copy)
    return copies
