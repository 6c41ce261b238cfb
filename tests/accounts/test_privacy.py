"""A person's own data: "download my data" (private, signed, owner only, expiring) and
"forget me" (confirmed, cancellable grace period, then anonymised; the CRM is told)."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts import privacy, services
from accounts.models import Consent, DataExport, ForgetRequest, Membership, User, WebhookEvent
from community import services as community
from notifications.models import Notification
from notifications.services import notify
from support import services as support
from tests.community.conftest import make_category, make_topic

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _private_folders(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.SUPPORT_FILES_ROOT = tmp_path / "support"


def _link(message) -> str:
    return re.search(r"https?://\S+(/account/details/export/\S+/)", message.body).group(1)


@pytest.mark.django_db
class TestExport:
    def test_request_build_mail_and_download_by_the_owner_only(
        self, client, anna, aki, django_capture_on_commit_callbacks
    ):
        services.consents_set(user=anna, wanted={"newsletter": True})
        support.support_request_open(by=anna, subject="Help", description="Router is dead")
        topic = make_topic(make_category("general"), anna, title="My question", body="Why?")
        client.force_login(anna)
        html = client.get("/account/details/").content.decode()
        assert "Download my data" in html and 'href="/notifications/settings/"' in html
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/account/details/export/").status_code == 302
        export = DataExport.objects.get()
        assert export.state == DataExport.State.READY
        assert export.expires_at - export.ready_at == timedelta(days=7)
        assert str(export.file.path).startswith(str(privacy.settings.EXPORTS_ROOT))
        assert mail.outbox[-1].to == [anna.email]
        url = _link(mail.outbox[-1])

        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        data = json.loads(archive.read("my-data.json"))
        assert data["profile"]["email"] == anna.email
        assert data["memberships"][0]["organisation"] == "Aurora Oy"
        assert [c["consent"] for c in data["consents"]] == ["newsletter"]
        assert data["support_requests"][0]["messages"][0]["text"] == "Router is dead"
        assert data["forum_posts"][0]["text"] == "Why?"
        assert data["forum_topics"][0]["title"] == topic.title
        assert "orders" not in data and "invoices" not in data
        # The page lists it with a link of its own (signed anew, same export).
        html = client.get("/account/details/").content.decode()
        listed = re.search(r'href="(/account/details/export/[^"]+/)"', html).group(1)
        assert client.get(listed).status_code == 200

        client.force_login(aki)  # someone else with the link
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302  # to the sign-in page
        client.force_login(anna)
        assert client.get(url.replace("/export/", "/export/x")).status_code == 404

    def test_expiry_removes_the_file_and_kills_the_link(self, client, anna):
        export = privacy.data_export_request(user=anna)
        assert privacy.data_export_build(export_id=export.pk)
        export.refresh_from_db()
        path, url = export.file.path, privacy.export_url(export)
        assert privacy.data_exports_expire() == 0
        assert privacy.data_exports_expire(now=export.expires_at + timedelta(seconds=1)) == 1
        export.refresh_from_db()
        assert export.state == DataExport.State.EXPIRED and not export.file
        assert not privacy.settings.EXPORTS_ROOT.joinpath(path).exists()
        client.force_login(anna)
        assert client.get(url).status_code == 404

    def test_a_pending_export_is_reused(self, anna):
        first = privacy.data_export_request(user=anna)
        assert privacy.data_export_request(user=anna) == first
        assert DataExport.objects.count() == 1


@pytest.mark.django_db
class TestForgetMe:
    def test_confirm_with_password_then_cancel(
        self, client, anna, django_capture_on_commit_callbacks
    ):
        client.force_login(anna)
        page = client.get("/account/details/forget/")
        assert page.status_code == 200 and "former member" in page.content.decode()
        response = client.post("/account/details/forget/", {"password": "wrong"})
        assert response.status_code == 200
        assert "The password is not right." in response.content.decode()
        assert not ForgetRequest.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/account/details/forget/", {"password": PASSWORD})
        assert response.status_code == 302
        pending = ForgetRequest.objects.get()
        assert pending.due_at - pending.requested_at == timedelta(days=14)
        assert mail.outbox[-1].to == [anna.email]
        html = client.get("/account/details/").content.decode()
        assert "Your account will be anonymised on" in html
        assert client.post("/account/details/forget/cancel/").status_code == 302
        pending.refresh_from_db()
        assert pending.cancelled_at is not None
        assert privacy.forget_due(now=pending.due_at + timedelta(days=1)) == 0
        anna.refresh_from_db()
        assert anna.anonymised_at is None and anna.is_active

    def test_after_the_grace_period_the_account_is_anonymised(self, client, anna, aki):
        old_email = anna.email
        services.consents_set(user=anna, wanted={"newsletter": True, "product_news": True})
        topic = make_topic(make_category("general"), aki, title="Question", body="How?")
        community.post_create(topic=topic, author=anna, body="Like this.")
        request = support.support_request_open(by=anna, subject="Help", description="Dead")
        notify([anna], kind="community.reply", title="Aki replied", url="/community/")
        client.force_login(anna)
        pending = privacy.forget_request(user=anna, password=PASSWORD)
        assert privacy.forget_due(now=pending.due_at - timedelta(minutes=1)) == 0
        assert privacy.forget_due(now=pending.due_at + timedelta(minutes=1)) == 1

        anna = User.objects.get(pk=anna.pk)
        assert (anna.first_name, anna.last_name, anna.phone, anna.title) == ("", "", "", "")
        assert anna.email == f"former-member-{anna.pk}@anonymised.invalid"
        assert not anna.has_usable_password() and not anna.is_active
        assert anna.anonymised_at is not None and anna.display_name == "Former member"
        assert not Membership.objects.filter(user=anna).exists()
        assert not EmailAddress.objects.filter(user=anna).exists()
        assert not Notification.objects.filter(recipient=anna).exists()
        current = {c.kind: c.given for c in Consent.objects.filter(user=anna).order_by("at", "pk")}
        assert current == {"newsletter": False, "product_news": False}
        ForgetRequest.objects.get(completed_at__isnull=False)
        event = WebhookEvent.objects.get(event_type="person.forgotten")
        assert event.payload["person"] == {"id": anna.pk, "email": old_email}
        assert event.payload["organisations"][0]["external_id"] is None
        # Her session is over.
        assert client.get("/account/").status_code == 302
        # Her post stays, as a former member's; so does her support request.
        client.force_login(aki)
        html = client.get(topic.get_absolute_url()).content.decode()
        assert "Like this." in html and "Former member" in html and old_email not in html
        request.refresh_from_db()
        assert request.requester == anna
        # Running it again changes nothing.
        assert privacy.user_anonymise(user=anna).anonymised_at == anna.anonymised_at

    def test_the_grace_period_starts_once(self, anna):
        first = privacy.forget_request(user=anna, password=PASSWORD)
        assert privacy.forget_request(user=anna, password=PASSWORD) == first
        assert timezone.now() < first.due_at
