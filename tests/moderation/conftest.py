"""The forum people of tests/community plus a moderator (staff with the moderation permission)
and a staff member without it."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.community.conftest import forum, make_category, make_topic  # noqa: F401
from tests.factories import make_user


def make_moderator(email: str = "mod@kumppani.test"):
    user = make_user(email=email, is_staff=True)
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_community"))
    user.groups.add(group)
    return user


@pytest.fixture
def mod(db):
    return make_moderator()
