"""Staff-entered webhook URLs cannot reach the portal's own network: HTTPS to public
addresses only, checked at save and again (resolved) at every delivery."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import WebhookDelivery, WebhookEndpoint
from accounts.webhook_urls import WebhookURLRefused, address_refusal, check_url
from tests.accounts.test_webhooks import SECRET, Receiver, _free_port


def _endpoint(url: str) -> WebhookEndpoint:
    return WebhookEndpoint(name="CRM", url=url, secret=SECRET)


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",  # noqa: S104
     "224.0.0.1", "::1", "fd00:ec2::254", "fe80::1", "::ffff:10.0.0.1", "127.0.0.1"],
)  # fmt: skip
def test_private_and_special_addresses_are_refused(settings, address):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert address_refusal(address)


def test_public_addresses_pass(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert address_refusal("93.184.216.34") is None
    assert address_refusal("2606:4700:4700::1111") is None


def test_an_allowed_network_lets_a_crm_on_the_lan_in(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert address_refusal("10.20.3.4") is None
    assert address_refusal("10.21.3.4")
    assert check_url("https://10.20.3.4/hooks/") == ["10.20.3.4"]


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://93.184.216.34/hooks", "HTTPS only"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://192.168.0.10/hooks", "private network"),
        ("https://user:pw@93.184.216.34/", "user name or password"),
        ("ftp://93.184.216.34/", "https://"),
        ("https://no-such-host.invalid/hooks", "could not be resolved"),
    ],
)
def test_save_refuses_with_a_clear_message(url, problem, db):
    with pytest.raises(ValidationError) as exc:
        _endpoint(url).full_clean()
    assert problem in " ".join(exc.value.message_dict["url"])


def test_plain_http_to_loopback_only_when_allowed(settings, db):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    _endpoint("http://127.0.0.1:8123/hooks/").full_clean()
    _endpoint("http://localhost:8123/hooks/").full_clean()
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        _endpoint("http://127.0.0.1:8123/hooks/").full_clean()
    with pytest.raises(WebhookURLRefused):
        check_url("https://localhost:8123/hooks/")


@pytest.mark.django_db
def test_delivery_checks_again_and_never_connects_to_a_refused_address(settings, anna):
    """Saved while allowed; by delivery time the name resolves somewhere forbidden (here:
    loopback no longer allowed). The receiver hears nothing; the refusal is logged and the
    event waits, as for any failure."""
    receiver = Receiver(_free_port()).start()
    try:
        endpoint = _endpoint(f"http://localhost:{receiver.port}/hooks/")
        endpoint.full_clean()
        endpoint.save()
        services.consents_set(user=anna, wanted={"newsletter": True})
        settings.WEBHOOK_ALLOW_LOOPBACK = False
        assert services.webhooks_deliver_pending() == 0
        assert receiver.received == []
        delivery = WebhookDelivery.objects.get()
        assert not delivery.succeeded and delivery.error.startswith("Refused:")
        assert "HTTPS only" in delivery.error
        # Allowed again (say the setting was wrong): the waiting event goes out.
        settings.WEBHOOK_ALLOW_LOOPBACK = True
        assert services.webhook_resend(event=delivery.event, by=_staff())[0].succeeded
        assert len(receiver.received) == 1
        # Sent to the checked address, with the name the receiver expects in Host.
        assert receiver.received[0]["headers"]["Host"] == f"localhost:{receiver.port}"
    finally:
        receiver.stop()


def _staff():
    from tests.factories import make_user

    return make_user(is_staff=True)
