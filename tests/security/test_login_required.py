"""Everything is behind the login, except the few doors that must open before it.

The test walks the whole URL configuration, fills every parameter with a plausible value and
asks for the page as an anonymous visitor. Anything not on the short list below must send the
visitor to the login page. A new public route has to be added here on purpose.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Routes an anonymous visitor may reach, by URL name, and why.
PUBLIC = {
    "account_login": "the sign-in page",
    "account_signup": "says that sign-up is closed (invitation only)",
    "account_reset_password": "password reset",
    "account_reset_password_done": "password reset",
    "account_reset_password_from_key": "password reset link",
    "account_reset_password_from_key_done": "password reset",
    "account_confirm_password_reset_code": "password reset",
    "account_confirm_email": "e-mail verification link",
    "account_email_verification_sent": "e-mail verification",
    "account_confirm_email_verification_code": "e-mail verification",
    "account_inactive": "tells a deactivated person why they cannot sign in",
    "account_request_login_code": "part of signing in",
    "account_confirm_login_code": "part of signing in",
    "mfa_authenticate": "second step of signing in",
    "mfa_trust": "second step of signing in",
    "mfa_login_webauthn": "passkey sign-in",
    "mfa_signup_webauthn": "refuses: sign-up is closed",
    "account_logout": "signing out",
    "healthz": "load balancer health check",
    "set_language": "language switch on the sign-in page (POST only)",
    "accounts:accept": "invitation acceptance",
    "wagtailadmin_login": "redirects to the portal's sign-in",
    "wagtailadmin_password_reset": "redirects to the portal's password reset",
    "wagtailcore_login": "redirects to the portal's sign-in",
    "knowledge:news_feed": "feed readers cannot sign in: a private signed token in the URL",
    "notifications:unsubscribe": "one-click unsubscribe from a mail: a signed token in the URL",
    "api:organisation_list": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:organisation_get": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:organisation_put": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:organisation_delete": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:organisation_bulk": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:person_list": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:person_get": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:person_put": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:person_delete": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:person_bulk": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:order_list": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:order_get": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:order_put": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:order_delete": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:order_bulk": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:invoice_list": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:invoice_get": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:invoice_put": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:invoice_delete": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:invoice_bulk": "CRM/ERP integration: an API key, never a session (401 without one)",
    "api:search": "JSON for signed-in clients: 401 without a session, not the sign-in's HTML",
    "api:token": "JSON for signed-in clients: 401 without a session, not the sign-in's HTML",
}


SAMPLES = {"int": "1", "uuid": "6f1c2f86-6d1b-4c8a-9d68-2f0d6c4c1f11", "path": "x/y"}
# Regex routes the generic filler cannot turn into a URL that resolves.
OVERRIDES = {
    "wagtail_serve": "/knowledge/routers/",
    "wagtaildocs_serve": "/documents/1/manual.pdf",
    "wagtailadmin_pages:revisions_compare": "/admin/pages/1/revisions/compare/earliest...latest/",
}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + route, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, prefix + route


def _sample_url(route: str) -> str:
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "sample"), route)
    # Regex routes: replace groups and drop anchors/quantifiers crudely but sufficiently.
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url)
    url = re.sub(r"\([^)]*\)", "sample", url)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    url = re.sub(r"[?*+]", "", url)
    url = re.sub(r"\[[^\]]*\]", "a", url)
    return "/" + url.lstrip("/")


ROUTES = sorted(set(_walk(get_resolver())), key=lambda r: (r[1], r[0] or ""))


def test_the_walk_finds_the_whole_site():
    names = {name for name, _ in ROUTES}
    assert {
        "hub:home",
        "accounts:overview",
        "wagtailadmin_home",
        "account_login",
        "healthz",
    } <= names
    assert len(ROUTES) > 150


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[f"{n}:{r}" for n, r in ROUTES])
def test_anonymous_visitor_is_sent_to_login(client, name, route):
    if name in PUBLIC:
        return
    url = OVERRIDES.get(name) or _sample_url(route)
    # Wagtail's admin sends visitors to its sign-in, which forwards to ours: a chain of two.
    response = client.get(url, follow=True)
    assert response.redirect_chain, (url, response.status_code)
    final = response.redirect_chain[-1][0]
    assert final.startswith("/accounts/login/?next="), (url, response.redirect_chain)


@pytest.mark.django_db
def test_public_routes_do_not_leak_content(client):
    """The few public doors show no portal content and no navigation."""
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"/knowledge/" not in response.content
    assert b"Sign out" not in response.content


@pytest.mark.django_db
def test_knowledge_catch_all_needs_login(client):
    response = client.get("/knowledge/routers/anything/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_session_api_answers_401_without_a_session(client):
    for url in ("/api/v1/search?q=router", "/api/v1/search/token"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"detail": "Unauthorized"}
