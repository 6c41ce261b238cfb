"""Invitations are the only way in: who may invite, and what every kind of link does."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import selectors, services
from accounts.models import Invitation, Membership, User
from tests.factories import make_member, make_org, make_role, make_user


@pytest.fixture
def aurora():
    return make_org(name="Aurora Oy")


@pytest.fixture
def aki(aurora):
    return make_member(aurora, admin=True, email="aki@aurora.test")


def _invite(by, org, email="new@aurora.test", **kw) -> Invitation:
    return services.invitation_create(by=by, email=email, organisation=org, **kw)


def _link(invitation) -> str:
    return f"/account/join/{selectors.invitation_token(invitation)}/"


@pytest.mark.django_db
class TestWhoMayInvite:
    def test_admin_contact_invites_to_own_organisation(self, aki, aurora):
        assert _invite(aki, aurora).organisation == aurora

    def test_admin_contact_cannot_invite_to_another_organisation(self, aki):
        with pytest.raises(PermissionDenied):
            _invite(aki, make_org(name="Berg"))

    def test_plain_member_cannot_invite(self, aurora):
        anna = make_member(aurora)
        with pytest.raises(PermissionDenied):
            _invite(anna, aurora)

    def test_staff_invites_anywhere(self):
        staff = make_user(is_staff=True)
        assert _invite(staff, make_org()).pk
        assert _invite(staff, None, email="lone@example.test").organisation is None

    def test_existing_member_is_refused(self, aki, aurora):
        make_member(aurora, email="here@aurora.test")
        with pytest.raises(ValidationError):
            _invite(aki, aurora, email="HERE@aurora.test")

    def test_inviting_again_renews_instead_of_duplicating(self, aki, aurora):
        first = _invite(aki, aurora)
        second = _invite(aki, aurora, email="New@Aurora.test")
        assert first.pk == second.pk
        assert Invitation.objects.count() == 1

    def test_views_refuse_plain_members(self, client, aurora):
        client.force_login(make_member(aurora))
        assert client.get("/account/invitations/").status_code == 403
        assert client.post("/account/invitations/", {"email": "x@y.test"}).status_code == 403

    def test_admin_cannot_touch_another_organisations_invitation(self, client, aki):
        staff = make_user(is_staff=True)
        other = _invite(staff, make_org(name="Berg"), email="c@berg.test")
        client.force_login(aki)
        assert client.post(f"/account/invitations/{other.pk}/revoke/").status_code == 404
        other.refresh_from_db()
        assert other.revoked_at is None


@pytest.mark.django_db
class TestInvitationEmail:
    def test_mail_goes_out_after_commit_with_a_working_link(
        self, aki, aurora, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = _invite(aki, aurora, first_name="Nina")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["new@aurora.test"]
        assert "Aurora Oy" in message.body
        link = re.search(r"https?://\S+/account/join/\S+/", message.body).group(0)
        assert client.get(urlsplit(link).path).status_code == 200
        invitation.refresh_from_db()
        assert invitation.sent_at is not None

    def test_a_failed_send_is_retried_by_the_periodic_task(self, aki, aurora, settings):
        from accounts.tasks import send_pending_invitations_task

        invitation = _invite(aki, aurora)  # on_commit never ran: the mail is still owed
        assert invitation.sent_at is None
        send_pending_invitations_task()
        invitation.refresh_from_db()
        assert invitation.sent_at is not None
        assert len(mail.outbox) == 1


@pytest.mark.django_db
class TestAccepting:
    def test_accept_creates_a_verified_member_and_signs_in(self, aki, aurora, client):
        technician = make_role("technician")
        invitation = _invite(aki, aurora, roles=[technician], first_name="Nina")
        response = client.post(
            _link(invitation),
            {
                "first_name": "Nina",
                "last_name": "Niemi",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/"
        user = User.objects.get(email="new@aurora.test")
        assert user.check_password("a-long-pass-phrase")
        assert user.emailaddress_set.get().verified
        membership = Membership.objects.get(user=user)
        assert membership.organisation == aurora
        assert list(membership.roles.all()) == [technician]
        assert client.get("/").status_code == 200  # signed in

    def test_weak_password_is_refused_and_nothing_typed_is_lost(self, aki, aurora, client):
        invitation = _invite(aki, aurora)
        response = client.post(
            _link(invitation),
            {"first_name": "Nina", "last_name": "Niemi", "password1": "123", "password2": "123"},
        )
        assert response.status_code == 200
        assert b'value="Nina"' in response.content and b'value="Niemi"' in response.content
        assert b"too short" in response.content
        assert not User.objects.filter(email="new@aurora.test").exists()

    def test_link_works_once(self, aki, aurora, client):
        invitation = _invite(aki, aurora)
        services.invitation_accept(invitation=invitation, password="a-long-pass-phrase")
        response = client.get(_link(invitation))
        assert response.status_code == 410
        assert b"already been used" in response.content

    def test_expired_link(self, aki, aurora, client):
        invitation = _invite(aki, aurora)
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        response = client.get(_link(invitation))
        assert response.status_code == 410
        assert b"expired" in response.content

    def test_revoked_link_is_dead(self, aki, aurora, client):
        invitation = _invite(aki, aurora)
        link = _link(invitation)
        services.invitation_revoke(invitation=invitation, by=aki)
        response = client.get(link)
        assert response.status_code == 404
        assert b"not valid" in response.content

    @pytest.mark.parametrize("token", ["garbage", "eyJpIjoxfQ:1abc:xyz", "a" * 500, "%00%ff"])
    def test_tampered_links_get_a_clear_page(self, client, token):
        response = client.get(f"/account/join/{token}/")
        assert response.status_code == 404
        assert b"not valid" in response.content

    def test_forged_token_for_another_invitation_fails(self, aki, aurora, client):
        invitation = _invite(aki, aurora)
        token = selectors.invitation_token(invitation)
        forged = token.replace(token[-3:], "AAA" if token[-3:] != "AAA" else "BBB")
        assert client.get(f"/account/join/{forged}/").status_code == 404

    def test_existing_account_gets_the_organisation_added(self, aki, aurora, client):
        person = make_user(email="known@example.test")
        invitation = _invite(aki, aurora, email="known@example.test")
        assert b"already have an account" in client.get(_link(invitation)).content
        response = client.post(_link(invitation))
        assert response["Location"] == "/accounts/login/"
        assert Membership.objects.filter(user=person, organisation=aurora).exists()

    def test_accepting_twice_at_once_uses_it_once(self, aki, aurora):
        invitation = _invite(aki, aurora)
        services.invitation_accept(invitation=invitation, password="a-long-pass-phrase")
        with pytest.raises(services.InvitationUnusable):
            services.invitation_accept(invitation=invitation, password="another-long-phrase")
