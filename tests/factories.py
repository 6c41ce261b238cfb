"""Test data built through the services, as the app builds it."""

import itertools

from accounts.models import Organisation, User
from accounts.services import membership_set
from hub.models import Product, Region, Role

_seq = itertools.count(1)


def make_user(
    *, email: str | None = None, password: str = "correct horse battery", **fields
) -> User:
    from allauth.account.models import EmailAddress

    email = email or f"person{next(_seq)}@example.test"
    user = User.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_term(model, slug: str, parent=None):
    return model.objects.create(name=slug.title(), slug=slug, parent=parent)


def make_role(slug: str) -> Role:
    return Role.objects.create(name=slug.title(), slug=slug)


def make_org(*, name: str | None = None, products=(), regions=()) -> Organisation:
    org = Organisation.objects.create(name=name or f"Org {next(_seq)}")
    org.products.set(products)
    org.regions.set(regions)
    return org


def make_member(org: Organisation, *, roles=(), admin: bool = False, **user_fields) -> User:
    user = make_user(**user_fields)
    membership_set(user=user, organisation=org, roles=roles, is_admin_contact=admin)
    return user


__all__ = [
    "Product",
    "Region",
    "Role",
    "make_member",
    "make_org",
    "make_role",
    "make_term",
    "make_user",
]
