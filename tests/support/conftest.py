"""Fixtures for support requests: Aurora (Anna, her admin contact Aki, a colleague), Berg
(Clara), a staff member, and attachments kept in a folder of the test's own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.models import Product
from tests.accounts.conftest import portal_settings
from tests.factories import make_member, make_org, make_term, make_user


@pytest.fixture(autouse=True)
def _support_files(settings, tmp_path):
    settings.SUPPORT_FILES_ROOT = tmp_path / "support"
    settings.EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def router():
    return make_term(Product, "router-r")


@pytest.fixture
def r100(router):
    return make_term(Product, "router-r100", parent=router)


@pytest.fixture
def switch():
    return make_term(Product, "switch-s")


@pytest.fixture
def aurora(router):
    return make_org(name="Aurora Oy", products=[router])


@pytest.fixture
def berg(switch):
    return make_org(name="Berg Technik GmbH", products=[switch])


@pytest.fixture
def aki(aurora):
    return make_member(aurora, admin=True, email="aki@aurora.test", first_name="Aki")


@pytest.fixture
def anna(aurora):
    return make_member(aurora, email="anna@aurora.test", first_name="Anna", last_name="Aho")


@pytest.fixture
def ville(aurora):
    return make_member(aurora, email="ville@aurora.test", first_name="Ville")


@pytest.fixture
def clara(berg):
    return make_member(berg, admin=True, email="clara@berg.test", first_name="Clara")


@pytest.fixture
def staff():
    return make_user(email="sam@kumppani.test", first_name="Sam", is_staff=True)


@pytest.fixture
def support_address():
    return portal_settings(support_email="support@portal.test", support_name="Help desk")


def upload(name: str = "log.txt", content: bytes = b"router log\n", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class FailingBackend:
    """A mail server that refuses everything (outside us: the only thing stubbed)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")
