"""The inviter chooses the invitee's portal profile — never above their own — and the
accepted membership gets it."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import selectors, services
from accounts.models import Membership
from tests.accounts.conftest import make_profile
from tests.factories import make_member, make_user


@pytest.fixture
def no_invoices():
    return make_profile("no-invoices", show_invoices=False)


@pytest.mark.django_db
def test_admin_contact_invites_with_a_restricted_profile(client, aki, aurora, no_invoices):
    client.force_login(aki)
    html = client.get("/account/invitations/").content.decode()
    assert "Portal profile" in html and "No-Invoices" in html and "Default profile" in html
    response = client.post(
        "/account/invitations/",
        {"email": "tech@aurora.test", "organisation": aurora.pk, "portal_profile": no_invoices.pk},
    )
    assert response.status_code == 302
    invitation = selectors.invitations_managed_by(aki).get()
    assert invitation.portal_profile == no_invoices
    assert "No-Invoices" in client.get("/account/invitations/").content.decode()

    client.logout()
    response = client.post(
        f"/account/join/{selectors.invitation_token(invitation)}/",
        {"first_name": "Teemu", "last_name": "Tekniikka", "password1": "a-long-pass-phrase",
         "password2": "a-long-pass-phrase"},
    )  # fmt: skip
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="tech@aurora.test")
    assert membership.portal_profile == no_invoices
    assert client.get("/account/invoices/").status_code == 404
    assert "invoices" not in selectors.modules_for(membership.user)


@pytest.mark.django_db
def test_never_above_the_inviters_own_profile(client, aurora, no_invoices):
    boss = make_member(aurora, admin=True, email="boss@aurora.test")
    boss.memberships.update(portal_profile=no_invoices)
    everything = make_profile("everything")  # shows invoices: above the boss's own
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            by=boss, email="x@aurora.test", organisation=aurora, portal_profile=everything
        )
    with pytest.raises(PermissionDenied):  # the default profile shows invoices too
        services.invitation_create(by=boss, email="x@aurora.test", organisation=aurora)
    client.force_login(boss)
    html = client.get("/account/invitations/").content.decode()
    assert "No-Invoices" in html and "Everything" not in html and "Default profile" not in html
    response = client.post(
        "/account/invitations/",
        {"email": "x@aurora.test", "organisation": aurora.pk, "portal_profile": everything.pk},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    invitation = services.invitation_create(
        by=boss, email="x@aurora.test", organisation=aurora, portal_profile=no_invoices
    )
    assert invitation.portal_profile == no_invoices


@pytest.mark.django_db
def test_staff_give_any_profile(aurora):
    staff = make_user(is_staff=True)
    profile = make_profile("anything", edit_company_name=True)
    invitation = services.invitation_create(
        by=staff, email="y@aurora.test", organisation=aurora, portal_profile=profile
    )
    user = services.invitation_accept(invitation=invitation, password="a-long-pass-phrase")
    assert user.memberships.get().portal_profile == profile
