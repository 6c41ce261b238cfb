"""The page chrome (hub/templatetags/chrome.py) is rendered once per process and repeated: each
person still sees their own header (their count, their links, in their language) and every form
in it carries the request's own CSRF token."""

import re

import pytest
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _header(client) -> str:
    html = client.get("/notifications/").content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_each_person_gets_their_own_header_with_their_own_csrf_token():
    member = make_user(email="member@example.test")
    staff = make_user(email="staff@example.test", is_staff=True)
    for user in (member, staff, member, staff):
        client = Client()
        client.force_login(user)
        header = _header(client)
        header = _header(client)  # the second time from memory
        assert ("Moderation" in header) is user.is_staff
        secret = client.cookies["csrftoken"].value
        tokens = _tokens(header)
        assert len(tokens) == 2  # sign-out in the narrow menu and in the wide bar
        assert all(_unmask_cipher_token(token) == secret for token in tokens)


def test_the_header_follows_the_language():
    member = make_user(email="member@example.test")
    client = Client()
    client.force_login(member)
    assert "Sign out" in _header(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert "Abmelden" in _header(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    assert "Kirjaudu ulos" in _header(client)
