"""The lean load of the signed-in person (accounts/backends.py): the same `User` as the ORM's,
and Django's checks on it in every request."""

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.backends import user_by_pk
from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_person_is_loaded_as_the_orm_loads_them():
    person = make_user(first_name="Anna", is_staff=True, language="fi")
    User.objects.filter(pk=person.pk).update(
        last_login=timezone.now(), anonymised_at=timezone.now()
    )
    expected = User.objects.get(pk=person.pk)
    loaded = user_by_pk(str(person.pk))  # as the session holds it
    for field in User._meta.concrete_fields:
        mine, theirs = getattr(loaded, field.attname), getattr(expected, field.attname)
        assert (mine, type(mine)) == (theirs, type(theirs)), field.attname
    assert loaded.last_login.tzinfo is not None
    assert not loaded._state.adding and loaded._state.db == expected._state.db


def test_an_unknown_or_malformed_id_is_nobody():
    assert user_by_pk(987654321) is None
    assert user_by_pk("not a number") is None


def test_a_request_of_a_deactivated_person_is_anonymous(client):
    person = make_user()
    client.force_login(person)
    assert client.get("/api/v1/search?q=x").status_code == 200
    User.objects.filter(pk=person.pk).update(is_active=False)  # as Wagtail's bulk action does
    assert client.get("/api/v1/search?q=x").status_code == 401


def test_a_password_changed_elsewhere_ends_the_session(client):
    person = make_user()
    client.force_login(person)
    User.objects.filter(pk=person.pk).update(password=make_password("another secret"))
    assert client.get("/api/v1/search?q=x").status_code == 401
