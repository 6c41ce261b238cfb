"""Staff answer from the Wagtail admin: the listing, the answer page, replies with files and
status changes, all through the services (so the customer hears of each)."""

import pytest

from notifications.models import Notification
from support import services
from support.models import Status, SupportRequest
from tests.factories import make_user
from tests.support.conftest import upload


@pytest.fixture
def admin_user():
    return make_user(email="root@kumppani.test", first_name="Sam", is_staff=True, is_superuser=True)


@pytest.fixture
def request_of_anna(anna):
    return services.support_request_open(
        by=anna, subject="Router keeps rebooting", description="Every hour, on the hour."
    )


@pytest.mark.django_db
def test_listing_and_answer_page(client, admin_user, request_of_anna):
    client.force_login(admin_user)
    listing = client.get("/admin/snippets/support/supportrequest/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Router keeps rebooting" in html
    assert f"/admin/support-requests/{request_of_anna.pk}/" in html
    # "Edit" is the answer page; staff do not open requests themselves.
    edit = client.get(f"/admin/snippets/support/supportrequest/edit/{request_of_anna.pk}/")
    assert edit.status_code == 302 and edit.url == f"/admin/support-requests/{request_of_anna.pk}/"
    assert client.get("/admin/snippets/support/supportrequest/add/").status_code == 302
    page = client.get(f"/admin/support-requests/{request_of_anna.pk}/")
    assert page.status_code == 200
    assert "Every hour, on the hour." in page.content.decode()


@pytest.mark.django_db
def test_staff_reply_with_a_file_and_a_status(client, admin_user, anna, request_of_anna):
    client.force_login(admin_user)
    url = f"/admin/support-requests/{request_of_anna.pk}/"
    response = client.post(
        url,
        {"action": "reply", "body": "Please send the log.", "status": Status.WAITING,
         "attachments": [upload("howto.pdf", b"%PDF-1.4")]},
    )  # fmt: skip
    assert response.status_code == 302
    request_of_anna.refresh_from_db()
    assert request_of_anna.status == Status.WAITING
    reply = request_of_anna.messages.last()
    assert reply.from_staff and reply.attachments.get().name == "howto.pdf"
    assert Notification.objects.get(recipient=anna).kind == "support.reply"
    # Anna sees the reply and may download staff's file.
    client.force_login(anna)
    html = client.get(f"/account/support/{request_of_anna.pk}/").content.decode()
    assert "Please send the log." in html and "Waiting for customer" in html
    attachment = reply.attachments.get()
    assert client.get(f"/account/support/attachments/{attachment.pk}/").status_code == 200

    client.force_login(admin_user)
    assert client.post(url, {"action": "status", "status": Status.CLOSED}).status_code == 302
    assert SupportRequest.objects.get().status == Status.CLOSED
    assert client.post(url, {"action": "reply", "body": ""}).status_code == 400


@pytest.mark.django_db
def test_customers_cannot_reach_the_answer_page(client, anna, request_of_anna):
    client.force_login(anna)
    response = client.post(
        f"/admin/support-requests/{request_of_anna.pk}/", {"action": "reply", "body": "x"}
    )
    assert response.status_code in (302, 403)
    assert request_of_anna.messages.count() == 1
