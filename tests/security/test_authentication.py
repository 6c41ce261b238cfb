"""The extranet login: closed sign-up, rate limits that cannot be dodged, sessions that end,
MFA for staff, and the security headers of every portal page."""

import pytest
from allauth.usersessions.models import UserSession

from accounts.models import User
from accounts.services import user_deactivate
from tests.factories import make_user

PASSWORD = "correct horse battery"


def _login(client, email, password=PASSWORD, **headers):
    return client.post("/accounts/login/", {"login": email, "password": password}, headers=headers)


@pytest.mark.django_db
def test_sign_up_is_closed(client):
    response = client.get("/accounts/signup/")
    assert b"closed" in response.content.lower()
    client.post(
        "/accounts/signup/",
        {
            "email": "intruder@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert not User.objects.filter(email="intruder@example.test").exists()


@pytest.mark.django_db
def test_sign_in_with_email_and_password(client):
    make_user(email="anna@example.test")
    response = _login(client, "anna@example.test")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_failed_logins_for_one_account_are_rate_limited(client):
    make_user(email="anna@example.test")
    pages = [_login(client, "anna@example.test", "wrong").content for _ in range(6)]
    assert all(b"Too many failed login attempts" not in page for page in pages[:5])
    assert b"Too many failed login attempts" in pages[5]
    # Even the right password waits now: the limit protects the account, not the guess.
    response = _login(client, "anna@example.test")
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content


@pytest.mark.django_db
def test_forged_x_forwarded_for_does_not_escape_the_ip_limit(client):
    """With no trusted proxy, X-Forwarded-For is ignored: rotating it changes nothing."""
    pages = [
        _login(client, f"nobody{i}@example.test", "wrong", x_forwarded_for=f"203.0.113.{i}").content
        for i in range(11)
    ]
    assert all(b"Too many failed login attempts" not in page for page in pages[:10])
    assert b"Too many failed login attempts" in pages[10]


@pytest.mark.django_db
def test_deactivating_a_person_ends_their_sessions_at_once(client):
    anna = make_user(email="anna@example.test")
    _login(client, "anna@example.test")
    assert client.get("/").status_code == 200
    assert UserSession.objects.filter(user=anna).exists()

    user_deactivate(user=anna)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=anna).exists()


@pytest.mark.django_db
def test_people_can_list_their_sessions(client):
    make_user(email="anna@example.test")
    _login(client, "anna@example.test")
    response = client.get("/accounts/sessions/")
    assert response.status_code == 200
    assert b"127.0.0.1" in response.content


@pytest.mark.django_db
def test_staff_without_a_second_factor_must_set_one_up(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    make_user(email="sam@example.test", is_staff=True)
    _login(client, "sam@example.test")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Setting it up, and signing out, stay possible.
    assert client.get("/accounts/2fa/totp/activate/").status_code in (200, 302)
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.django_db
def test_customers_are_not_forced_into_mfa(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    make_user(email="anna@example.test")
    _login(client, "anna@example.test")
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_portal_pages_carry_the_security_headers(client):
    make_user(email="anna@example.test")
    _login(client, "anna@example.test")
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_state_changes_need_csrf(client):
    make_user(email="anna@example.test")
    csrf_client = type(client)(enforce_csrf_checks=True)
    response = csrf_client.post(
        "/accounts/login/", {"login": "anna@example.test", "password": PASSWORD}
    )
    assert response.status_code == 403


def _age_the_sign_in(client, seconds: int = 3600) -> None:
    import time

    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] = time.time() - seconds
    session["account_authentication_methods"] = records
    session.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/accounts/2fa/totp/activate/", None),
        ("post", "/accounts/email/", {"action_add": "", "email": "anna2@example.test"}),
    ],
)
def test_email_and_mfa_changes_ask_to_sign_in_again_after_a_while(client, method, url, data):
    make_user(email="anna@example.test")
    _login(client, "anna@example.test")
    _age_the_sign_in(client)
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.django_db
def test_password_change_needs_the_current_password(client):
    anna = make_user(email="anna@example.test")
    _login(client, "anna@example.test")
    _age_the_sign_in(client)
    new = {"password1": "a-new-long-phrase", "password2": "a-new-long-phrase"}
    response = client.post("/accounts/password/change/", {"oldpassword": "wrong", **new})
    assert response.status_code == 200
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)
