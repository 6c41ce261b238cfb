"""Support requests: opening one (product, attachments), who sees it, the thread and its
states, and every update reaching the other side."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import WebhookEvent
from notifications.models import Notification
from support import permissions, services
from support.models import Status, SupportAttachment, SupportMessage, SupportRequest
from tests.accounts.conftest import make_profile, portal_settings
from tests.support.conftest import upload


def _open(by, subject="Router keeps rebooting", **kw) -> SupportRequest:
    kw.setdefault("description", "Since Monday it reboots every hour.")
    return services.support_request_open(by=by, subject=subject, **kw)


@pytest.mark.django_db
class TestOpening:
    def test_open_through_the_form_with_a_product_and_a_file(
        self, client, anna, r100, support_address, django_capture_on_commit_callbacks
    ):
        client.force_login(anna)
        page = client.get("/account/support/new/")
        html = page.content.decode()
        assert page.status_code == 200
        assert 'hx-trigger="input changed delay:300ms"' in html
        assert 'aria-live="polite"' in html
        # The product list: the organisation's product and the ones under it, nothing else.
        assert "Router-R100" in html and "Switch" not in html
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/account/support/new/",
                {
                    "subject": "R100 reboots",
                    "product": r100.pk,
                    "description": "Every hour.",
                    "attachments": [upload("log.txt"), upload("photo.png", b"\x89PNG...")],
                },
            )
        created = SupportRequest.objects.get()
        assert response.status_code == 302 and response.url == f"/account/support/{created.pk}/"
        assert (created.requester, created.organisation.name, created.product) == (
            anna,
            "Aurora Oy",
            r100,
        )
        assert created.status == Status.OPEN and created.message_count == 1
        first = created.messages.get()
        assert first.body == "Every hour." and not first.from_staff
        names = sorted(a.name for a in SupportAttachment.objects.all())
        assert names == ["log.txt", "photo.png"]
        # Stored in the private folder, outside the public media.
        stored = SupportAttachment.objects.first().file.path
        assert stored.startswith(str(settings.SUPPORT_FILES_ROOT))
        assert not stored.startswith(str(settings.MEDIA_ROOT))
        # The support address hears of it, with a link to the admin's answer page.
        assert [m.to for m in mail.outbox] == [["support@portal.test"]]
        assert f"[Support #{created.pk}] R100 reboots" == mail.outbox[0].subject
        assert f"/admin/support-requests/{created.pk}/" in mail.outbox[0].body
        assert "log.txt" in mail.outbox[0].body
        first.refresh_from_db()
        assert first.notified_at is not None
        # The CRM hears of it through the webhook outbox.
        event = WebhookEvent.objects.get(event_type="support.created")
        assert event.payload["request"]["id"] == created.pk

    def test_a_product_of_another_organisation_is_refused_and_the_input_kept(
        self, client, anna, switch
    ):
        client.force_login(anna)
        response = client.post(
            "/account/support/new/",
            {"subject": "Switch question", "product": switch.pk, "description": "Hello"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Select a valid choice" in html and 'value="Switch question"' in html
        assert not SupportRequest.objects.exists()
        with pytest.raises(ValidationError) as exc:
            _open(anna, product=switch)
        assert "product" in exc.value.message_dict

    @pytest.mark.parametrize(
        "files, problem",
        [
            ([upload(f"f{i}.txt") for i in range(6)], "at most 5 files"),
            ([upload("evil.html", b"<script>")], "cannot be attached"),
            ([upload("big.pdf", b"x" * (services.MAX_FILE_BYTES + 1))], "too large"),
            ([upload("empty.txt", b"")], "empty"),
        ],
    )
    def test_attachment_limits(self, client, anna, files, problem, settings):
        client.force_login(anna)
        response = client.post(
            "/account/support/new/",
            {"subject": "With files", "description": "See files", "attachments": files},
        )
        assert response.status_code == 200
        assert problem in response.content.decode()
        assert not SupportRequest.objects.exists()
        root = settings.SUPPORT_FILES_ROOT
        assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))

    def test_a_failure_after_the_files_were_saved_removes_them(self, anna, settings):
        with pytest.raises(ValidationError):
            _open(anna, description="x" * (services.MAX_BODY + 1), files=[upload()])
        assert not SupportRequest.objects.exists()
        root = settings.SUPPORT_FILES_ROOT
        assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))

    def test_without_a_support_address_nothing_is_mailed_and_nothing_waits(
        self, anna, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            _open(anna)
        assert mail.outbox == []
        assert not SupportMessage.objects.filter(notified_at__isnull=True).exists()

    def test_a_failed_mail_waits_for_the_periodic_retry(self, anna, support_address, settings):
        from datetime import timedelta

        from support.tasks import mail_pending_task

        settings.EMAIL_BACKEND = "tests.support.conftest.FailingBackend"
        _open(anna)  # the queued task never ran (no commit in this test)
        message = SupportMessage.objects.get()
        assert message.notified_at is None
        SupportMessage.objects.update(created_at=message.created_at - timedelta(minutes=5))
        mail_pending_task.delay()  # the mail server refuses: the row waits
        assert SupportMessage.objects.get().notified_at is None
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        mail_pending_task.delay()
        message.refresh_from_db()
        assert message.notified_at is not None and message.notify_attempts == 2
        assert len(mail.outbox) == 1


@pytest.mark.django_db
class TestWhoSees:
    def test_own_admin_contact_and_staff_see_colleagues_and_others_do_not(
        self, client, anna, aki, ville, clara, staff
    ):
        request = _open(anna)
        url = f"/account/support/{request.pk}/"
        for person, status in ((anna, 200), (aki, 200), (staff, 200), (ville, 404), (clara, 404)):
            client.force_login(person)
            assert client.get(url).status_code == status, person
            listed = "Router keeps rebooting" in client.get("/account/support/").content.decode()
            assert listed == (status == 200), person

    def test_attachments_only_through_the_checking_view(
        self, client, anna, aki, ville, clara, staff
    ):
        request = _open(anna, files=[upload("log.txt", b"secret log")])
        attachment = SupportAttachment.objects.get()
        url = f"/account/support/attachments/{attachment.pk}/"
        assert client.get(url).status_code == 302  # not signed in: to the sign-in page
        for person, status in ((anna, 200), (aki, 200), (staff, 200), (ville, 404), (clara, 404)):
            client.force_login(person)
            response = client.get(url)
            assert response.status_code == status, person
            if status == 200:
                assert b"".join(response.streaming_content) == b"secret log"
                assert response["Content-Disposition"] == 'attachment; filename="log.txt"'
                assert response["X-Content-Type-Options"] == "nosniff"
        assert request.pk

    def test_hidden_module_is_404_everywhere(self, client, anna):
        request = _open(anna, files=[upload()])
        attachment = SupportAttachment.objects.get()
        anna.memberships.update(portal_profile=make_profile("no-support", show_support=False))
        client.force_login(anna)
        for url in (
            "/account/support/",
            "/account/support/new/",
            "/account/support/suggest/?subject=router",
            f"/account/support/{request.pk}/",
            f"/account/support/attachments/{attachment.pk}/",
        ):
            assert client.get(url).status_code == 404, url
        for url in (
            f"/account/support/{request.pk}/reply/",
            f"/account/support/{request.pk}/close/",
        ):
            assert client.post(url, {"body": "x"}).status_code == 404, url
        assert "/account/support/" not in client.get("/account/").content.decode()

    def test_portal_settings_switch_it_off(self, client, anna):
        portal_settings(module_support=False)
        client.force_login(anna)
        assert client.get("/account/support/").status_code == 404
        with pytest.raises(Http404):
            _open(anna)

    def test_overview_links_to_support(self, client, anna):
        client.force_login(anna)
        assert 'href="/account/support/"' in client.get("/account/").content.decode()


@pytest.mark.django_db
class TestThread:
    def test_reply_close_reopen_and_the_other_side_hears(
        self, client, anna, staff, support_address, django_capture_on_commit_callbacks
    ):
        request = _open(anna)
        mail.outbox.clear()
        # Staff answer: the status follows, Anna is notified (and only Anna).
        with django_capture_on_commit_callbacks(execute=True):
            services.support_reply(request=request, by=staff, body="Try firmware 2.1.")
        request.refresh_from_db()
        assert request.status == Status.ANSWERED and request.message_count == 2
        note = Notification.objects.get()
        assert (note.recipient, note.kind, note.url) == (
            anna,
            "support.reply",
            f"/account/support/{request.pk}/",
        )
        assert mail.outbox == [] or all("support@portal.test" not in m.to for m in mail.outbox)

        client.force_login(anna)
        html = client.get(f"/account/support/{request.pk}/").content.decode()
        assert "Try firmware 2.1." in html and "Sam (support)" in html
        # Anna replies with a file: back to support's turn, the support address gets it.
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/account/support/{request.pk}/reply/",
                {"body": "Did not help.", "attachments": [upload("after.log")]},
            )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == Status.OPEN
        assert [m.to for m in mail.outbox] == [["support@portal.test"]]
        assert "Did not help." in mail.outbox[0].body
        # Staff ask for something: waiting for the customer; a status change alone notifies.
        services.support_reply(
            request=request, by=staff, body="Send a photo?", new_status=Status.WAITING
        )
        services.support_set_status(request=request, by=staff, status=Status.ANSWERED)
        kinds = list(Notification.objects.order_by("pk").values_list("kind", flat=True))
        assert kinds == ["support.reply", "support.reply", "support.status"]
        # Anna closes; a closed request takes no reply until reopened.
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/account/support/{request.pk}/close/").status_code == 302
        request.refresh_from_db()
        assert request.status == Status.CLOSED and request.closed_at is not None
        assert "closed the request" in mail.outbox[0].body
        html = client.get(f"/account/support/{request.pk}/").content.decode()
        assert "Reopen request" in html and "Send reply" not in html
        assert (
            client.post(f"/account/support/{request.pk}/reply/", {"body": "x"}).status_code == 403
        )
        assert client.post(f"/account/support/{request.pk}/reopen/").status_code == 302
        request.refresh_from_db()
        assert request.status == Status.OPEN and request.closed_at is None
        statuses = list(request.messages.values_list("new_status", flat=True))
        assert statuses == ["", "answered", "open", "waiting", "answered", "closed", "open"]

    def test_customers_cannot_set_other_statuses(self, anna):
        request = _open(anna)
        with pytest.raises(PermissionDenied):
            services.support_set_status(request=request, by=anna, status=Status.ANSWERED)
        with pytest.raises(PermissionDenied):
            services.support_set_status(request=request, by=anna, status=Status.OPEN)

    def test_a_colleague_cannot_reply_or_close(self, client, anna, ville):
        request = _open(anna)
        client.force_login(ville)
        assert (
            client.post(f"/account/support/{request.pk}/reply/", {"body": "x"}).status_code == 404
        )
        assert client.post(f"/account/support/{request.pk}/close/").status_code == 404
        with pytest.raises(Http404):
            permissions.check_view_request(ville, request)

    def test_an_inactive_requester_is_not_notified(self, anna, staff):
        request = _open(anna)
        anna.is_active = False
        anna.save(update_fields=["is_active"])
        services.support_reply(request=request, by=staff, body="Hello?")
        assert not Notification.objects.exists()

    def test_empty_reply_keeps_the_form(self, client, anna):
        request = _open(anna)
        client.force_login(anna)
        response = client.post(f"/account/support/{request.pk}/reply/", {"body": "  "})
        assert response.status_code == 400
        assert "This field is required." in response.content.decode()


@pytest.mark.django_db
class TestList:
    def test_filters_and_empty_states(self, client, anna, staff):
        client.force_login(anna)
        assert (
            "You have no open support requests" in client.get("/account/support/").content.decode()
        )
        open_one = _open(anna, subject="Still open")
        closed = _open(anna, subject="Done already")
        services.support_set_status(request=closed, by=anna, status=Status.CLOSED)
        html = client.get("/account/support/").content.decode()
        assert "Still open" in html and "Done already" not in html
        html = client.get("/account/support/?status=closed").content.decode()
        assert "Still open" not in html and "Done already" in html
        html = client.get("/account/support/?status=all").content.decode()
        assert "Still open" in html and "Done already" in html
        html = client.get("/account/support/?status=bogus").content.decode()
        assert "Still open" in html
        assert open_one.pk
