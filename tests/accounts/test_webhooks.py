"""Outbound webhooks against a real HTTP receiver on loopback: signed, logged, retried with
backoff, in order, each event once, and nothing lost while the receiver is down."""

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from accounts import services
from accounts.models import OrganisationChange, WebhookDelivery, WebhookEndpoint, WebhookEvent
from accounts.tasks import deliver_webhooks_task
from tests.factories import make_user

SECRET = "s3cret-for-tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Receiver:
    """A CRM stand-in: checks the signature the way a receiver must (over the raw body) and
    keeps what it accepted. `status` is what it answers to a well-signed request."""

    def __init__(self, port: int, secret: str = SECRET, status: int = 200):
        self.port, self.secret, self.status = port, secret, status
        self.received: list[dict] = []
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = (
                    "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                )
                signature = self.headers.get("X-Kumppani-Signature", "")
                if not hmac.compare_digest(expected, signature):
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.received.append(
                    {"body": json.loads(body), "headers": dict(self.headers.items())}
                )
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def ids(self) -> list[str]:
        return [hit["body"]["id"] for hit in self.received]


@pytest.fixture
def receiver():
    running = Receiver(_free_port()).start()
    yield running
    running.stop()


def _endpoint(url: str, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name="CRM", url=url, secret=SECRET, **fields)


def _change_consents(user, *kinds) -> None:
    for kind in kinds:
        services.consents_set(user=user, wanted={kind: True})


@pytest.mark.django_db
class TestDelivery:
    def test_signed_json_is_delivered_after_commit_and_logged(
        self, receiver, anna, django_capture_on_commit_callbacks
    ):
        endpoint = _endpoint(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.consents_set(user=anna, wanted={"newsletter": True})
        event = WebhookEvent.objects.get()
        assert len(receiver.received) == 1
        hit = receiver.received[0]
        assert hit["body"] == {
            "id": str(event.idempotency_key),
            "type": "consent.changed",
            "created_at": event.created_at.isoformat(),
            "data": event.payload,
        }
        assert hit["body"]["data"]["person"]["email"] == anna.email
        assert hit["headers"]["Content-Type"] == "application/json"
        assert hit["headers"]["X-Kumppani-Event"] == "consent.changed"
        assert abs(int(hit["headers"]["X-Kumppani-Timestamp"]) - time.time()) < 60
        delivery = WebhookDelivery.objects.get()
        assert (delivery.endpoint, delivery.event, delivery.attempt) == (endpoint, event, 1)
        assert delivery.succeeded and delivery.status_code == 200 and delivery.error == ""
        assert delivery.duration_ms >= 0

    def test_wrong_secret_is_refused_by_the_receiver_and_logged(self, receiver, anna):
        endpoint = _endpoint(receiver.url)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret="not-the-shared-one")
        _change_consents(anna, "newsletter")
        assert services.webhooks_deliver_pending() == 0
        assert receiver.received == []
        delivery = WebhookDelivery.objects.get()
        assert not delivery.succeeded and delivery.status_code == 401
        assert delivery.error.startswith("HTTP 401")

    def test_server_error_waits_for_backoff(self, receiver, anna):
        receiver.status = 500
        _endpoint(receiver.url)
        _change_consents(anna, "newsletter", "product_news")
        assert services.webhooks_deliver_pending() == 0
        # The first event failed, so the second was not tried: order is kept.
        assert WebhookDelivery.objects.count() == 1
        assert services.webhooks_deliver_pending() == 0  # within the backoff: not tried
        assert WebhookDelivery.objects.count() == 1
        receiver.status = 200
        later = WebhookDelivery.objects.get().attempted_at + timedelta(seconds=31)
        assert services.webhooks_deliver_pending(now=later) == 2
        attempts = list(
            WebhookDelivery.objects.order_by("pk").values_list("event", "attempt", "succeeded")
        )
        first, second = WebhookEvent.objects.order_by("pk")
        assert attempts == [(first.pk, 1, False), (first.pk, 2, True), (second.pk, 1, True)]

    def test_backoff_grows_exponentially_with_a_ceiling(self):
        assert services.webhook_backoff(0) == timedelta(0)
        assert [services.webhook_backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [
            30, 60, 120, 240,
        ]  # fmt: skip
        assert services.webhook_backoff(40) == timedelta(hours=6)

    def test_inactive_endpoint_and_unwanted_types_get_nothing(self, receiver, anna, aki):
        _endpoint(receiver.url, is_active=False)
        wanted = _endpoint(receiver.url, event_types="company.updated")
        _change_consents(anna, "newsletter")
        services.organisation_update(
            organisation=aki.memberships.get().organisation, by=aki, changes={"name": "Aurora"}
        )
        assert services.webhooks_deliver_pending() == 1
        assert [hit["body"]["type"] for hit in receiver.received] == ["company.updated"]
        assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {wanted.pk}

    def test_a_failed_change_writes_no_event(self, aki, aurora):
        with pytest.raises(ValidationError):
            services.organisation_update(
                organisation=aurora, by=aki, changes={"billing_country": "FIN"}
            )
        assert not WebhookEvent.objects.exists()
        assert not OrganisationChange.objects.exists()
        aurora.refresh_from_db()
        assert aurora.billing_country == ""


@pytest.mark.django_db
def test_receiver_down_then_up_gets_every_event_in_order_exactly_once(
    anna, aki, aurora, django_capture_on_commit_callbacks
):
    """Nothing lost: while the CRM is down (connection refused) the events wait in the
    outbox; when it is back, the periodic retry sends all of them, oldest first, once each."""
    down = Receiver(_free_port())  # nothing listens on this port yet
    _endpoint(down.url)
    with django_capture_on_commit_callbacks(execute=True):  # each change queues a delivery
        services.consents_set(user=anna, wanted={"newsletter": True})
        services.organisation_update(
            organisation=aurora, by=aki, changes={"billing_street": "Katu 1"}
        )
        services.office_create(by=aki, data={"name": "Oulu"})
        services.user_update_details(user=anna, changes={"phone": "+358 40 1"})
    events = list(WebhookEvent.objects.order_by("pk"))
    assert len(events) == 4
    failed = WebhookDelivery.objects.get()  # only the oldest was tried; the rest wait
    assert failed.event == events[0] and not failed.succeeded and failed.status_code is None
    assert "ConnectionError" in failed.error

    deliver_webhooks_task.delay()  # the periodic run, still inside the backoff: no attempt
    assert WebhookDelivery.objects.count() == 1

    # Some time passes, and the receiver comes back on the same address.
    WebhookDelivery.objects.update(attempted_at=F("attempted_at") - timedelta(minutes=5))
    up = down.start()
    try:
        deliver_webhooks_task.delay()
        deliver_webhooks_task.delay()  # a second run finds nothing left to send
    finally:
        up.stop()
    assert up.ids() == [str(event.idempotency_key) for event in events]
    assert [hit["body"]["type"] for hit in up.received] == [
        "consent.changed", "company.updated", "office.created", "details.updated",
    ]  # fmt: skip
    assert WebhookDelivery.objects.filter(succeeded=True).count() == 4


@pytest.mark.django_db
class TestResend:
    def test_staff_resends_with_the_same_idempotency_key(self, client, receiver, anna):
        _endpoint(receiver.url)
        _change_consents(anna, "newsletter")
        services.webhooks_deliver_pending()
        event = WebhookEvent.objects.get()
        staff = make_user(is_staff=True)
        client.force_login(staff)
        url = f"/account/webhooks/events/{event.pk}/resend/"
        page = client.get(url)
        assert page.status_code == 200 and "Re-send" in page.content.decode()
        assert client.post(url).status_code == 302
        assert receiver.ids() == [str(event.idempotency_key)] * 2
        resent = WebhookDelivery.objects.order_by("pk").last()
        assert resent.resend and resent.attempt == 2 and resent.succeeded

    def test_customers_cannot_resend(self, client, anna):
        _change_consents(anna, "newsletter")
        event = WebhookEvent.objects.get()
        client.force_login(anna)
        url = f"/account/webhooks/events/{event.pk}/resend/"
        assert client.post(url).status_code == 403
        assert not WebhookDelivery.objects.exists()
