"""In-app notifications, e-mail through the rows' outbox (immediate, digest, never), one-click
unsubscribe, and the header's unread count."""

import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from notifications import services
from notifications.models import EmailState, Frequency, Notification, NotificationSettings
from notifications.registry import register_kind
from tests.factories import make_user

register_kind("test.kind", "Test things")


@pytest.fixture
def people(db):
    return make_user(email="ann@example.test"), make_user(email="bo@example.test")


def _notify(recipients, actor=None, **kw):
    fields = {"kind": "test.kind", "title": "Bo replied", "url": "/community/"} | kw
    with transaction.atomic():
        return services.notify(recipients, actor=actor, **fields)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notify_creates_inbox_rows_and_mails_after_commit_never_the_actor():
    ann, bo = make_user(email="ann@example.test"), make_user(email="bo@example.test")
    assert _notify([ann, bo, ann], actor=bo) == 1
    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [ann.email]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ann.email] and "Bo replied" in message.subject
    assert "http" in message.body and "/community/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get().email_state == EmailState.SENT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolled_back_change_notifies_nobody():
    ann = make_user(email="ann@example.test")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify([ann], kind="test.kind", title="x", url="/")
        raise RuntimeError
    assert not Notification.objects.exists() and not mail.outbox


def test_preferences_decide_the_email(people):
    ann, bo = people
    NotificationSettings.objects.create(user=ann, email_frequency=Frequency.DAILY)
    NotificationSettings.objects.create(user=bo, muted_kinds=["test.kind"])
    _notify([ann, bo])
    states = dict(Notification.objects.values_list("recipient__email", "email_state"))
    assert states == {ann.email: EmailState.DIGEST, bo.email: EmailState.NONE}


def test_digest_sends_one_mail_per_person(people):
    ann, _ = people
    NotificationSettings.objects.create(user=ann, email_frequency=Frequency.DAILY)
    _notify([ann], title="First")
    _notify([ann], title="Second")
    assert services.send_digests() == 1
    assert len(mail.outbox) == 1
    assert "First" in mail.outbox[0].body and "Second" in mail.outbox[0].body
    assert not Notification.objects.exclude(email_state=EmailState.SENT).exists()
    assert services.send_digests() == 0


def test_a_mail_server_failure_leaves_the_mail_for_the_retry(people, monkeypatch):
    ann, _ = people
    Notification.objects.create(
        recipient=ann, kind="test.kind", title="t", url="/", email_state=EmailState.PENDING
    )

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert services.send_pending() == 0
    notification = Notification.objects.get()
    assert notification.email_state == EmailState.PENDING and notification.email_attempts == 1
    monkeypatch.undo()
    assert services.send_pending() == 1
    assert len(mail.outbox) == 1


def test_inbox_open_marks_read_and_redirects_only_locally(client, people):
    ann, bo = people
    _notify([ann], url="/community/")
    _notify([ann], url="https://evil.example/phish")
    client.force_login(ann)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200 and b"Bo replied" in page.content
    local, external = Notification.objects.order_by("pk")
    response = client.post(reverse("notifications:open", args=[local.pk]))
    assert response.status_code == 302 and response["Location"] == "/community/"
    response = client.post(reverse("notifications:open", args=[external.pk]))
    assert response["Location"] == reverse("notifications:inbox")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    # Someone else's notification is not there for you; GET changes nothing.
    client.force_login(bo)
    assert client.post(reverse("notifications:open", args=[local.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[local.pk])).status_code == 405


def test_unread_count_in_the_header_follows_reads(client, people):
    ann, _ = people
    client.force_login(ann)
    _notify([ann])
    _notify([ann])
    assert b'class="badge count">2<' in client.get("/").content
    client.post(reverse("notifications:mark_all_read"))
    assert b'class="badge count"' not in client.get("/").content


def test_csrf_is_required(people):
    from django.test import Client

    ann, _ = people
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ann)
    assert strict.post(reverse("notifications:mark_all_read")).status_code == 403


def test_one_click_unsubscribe_mutes_the_kind_and_drops_waiting_mail(client, people):
    ann, _ = people
    NotificationSettings.objects.create(user=ann, email_frequency=Frequency.DAILY)
    _notify([ann])
    token = services.unsubscribe_token(ann, "test.kind")
    url = reverse("notifications:unsubscribe", args=[token])
    page = client.get(url)  # not signed in: the link works from any mail client
    assert page.status_code == 200 and b"Test things" in page.content
    assert NotificationSettings.objects.get(user=ann).muted_kinds == []  # GET changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationSettings.objects.get(user=ann).muted_kinds == ["test.kind"]
    assert Notification.objects.get().email_state == EmailState.NONE
    assert client.get(reverse("notifications:unsubscribe", args=[token + "x"])).status_code == 404


def test_unsubscribe_everything(client, people):
    ann, _ = people
    token = services.unsubscribe_token(ann, "test.kind")
    client.post(reverse("notifications:unsubscribe", args=[token]), {"scope": "all"})
    assert NotificationSettings.objects.get(user=ann).email_frequency == Frequency.NEVER


def test_settings_page_saves(client, people):
    ann, _ = people
    client.force_login(ann)
    assert client.get(reverse("notifications:settings")).status_code == 200
    response = client.post(
        reverse("notifications:settings"),
        {"email_frequency": "daily", "muted_kinds": ["test.kind"]},
    )
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=ann)
    assert (saved.email_frequency, saved.muted_kinds) == ("daily", ["test.kind"])
    bad = client.post(reverse("notifications:settings"), {"email_frequency": "hourly"})
    assert bad.status_code == 200 and b"errors" in bad.content


def test_inbox_query_count_does_not_grow(client, people, django_assert_max_num_queries):
    ann, bo = people
    client.force_login(ann)
    counts = []
    for n in (2, 30):
        for _ in range(n):
            _notify([ann], actor=bo)
        client.get(reverse("notifications:inbox"))
        with django_assert_max_num_queries(6) as captured:
            assert client.get(reverse("notifications:inbox")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
