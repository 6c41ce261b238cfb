"""The demo community: created through the services, restricted where DESIGN.md says, and
idempotent."""

import io
import time

import pytest
from django.core.management import call_command

from accounts.models import User
from community import demo, selectors
from community.models import Category, Topic


@pytest.mark.django_db
def test_seed_is_idempotent_fast_and_restricted():
    call_command("seed_demo", stdout=io.StringIO())
    topics = Topic.objects.count()
    assert topics >= 30
    assert Topic.objects.exclude(accepted_post=None).count() >= 10
    assert set(Category.objects.values_list("slug", flat=True)) >= {
        "routers", "switches", "general", "partner-lounge",
    }  # fmt: skip
    started = time.monotonic()
    demo.seed(stdout=io.StringIO())
    assert time.monotonic() - started < 3
    assert Topic.objects.count() == topics

    anna = User.objects.get(email="anna@aurora.example")
    clara = User.objects.get(email="clara@berg.example")
    assert {c.slug for c in selectors.categories_visible_to(anna)} == {"routers", "general"}
    assert {c.slug for c in selectors.categories_visible_to(clara)} == {
        "switches", "general", "partner-lounge",
    }  # fmt: skip
