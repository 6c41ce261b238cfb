"""Account modules: which person sees which module, which fields they may change, and what
every change leaves behind (change log, consent history, webhook outbox)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import permissions, selectors, services
from accounts.models import (
    Consent,
    Membership,
    Office,
    OrganisationChange,
    PortalProfile,
    WebhookEvent,
)
from accounts.modules import MODULES
from tests.accounts.conftest import make_profile, portal_settings
from tests.factories import make_member, make_user

MODULE_PAGES = {
    "details": "/account/details/",
    "company": "/account/company/",
    "offices": "/account/offices/",
    "colleagues": "/account/colleagues/",
}


@pytest.mark.django_db
class TestModuleVisibility:
    def test_no_profile_means_the_default(self, anna):
        """Documented default: every module shown, own details editable, company read-only."""
        access = selectors.access_for(anna)
        assert access.modules == frozenset(MODULES)
        assert access.editable_fields("details") == {
            "first_name", "last_name", "phone", "title", "language",
        }  # fmt: skip
        assert access.editable_fields("company") == frozenset()

    def test_profile_hides_modules(self, anna):
        anna.memberships.update(
            portal_profile=make_profile("basic", show_company=False, show_invoices=False)
        )
        assert selectors.modules_for(anna) == frozenset(MODULES) - {"company", "invoices"}

    def test_portal_settings_switch_a_module_off_for_everyone(self, aki):
        portal_settings(module_offices=False)
        assert "offices" not in selectors.modules_for(aki)
        with pytest.raises(Http404):
            permissions.check_view_module(aki, "offices")

    def test_without_an_organisation_only_my_details(self):
        staff = make_user(is_staff=True)
        assert selectors.modules_for(staff) == frozenset({"details", "support", "registrations"})

    @pytest.mark.parametrize("module", list(MODULE_PAGES))
    def test_hidden_module_is_404_by_url_and_post(self, client, anna, module):
        flag = {f"show_{module}": False}
        anna.memberships.update(portal_profile=make_profile("hidden", **flag))
        client.force_login(anna)
        assert client.get(MODULE_PAGES[module]).status_code == 404
        assert client.post(MODULE_PAGES[module], {"name": "Hacked"}).status_code == 404

    def test_hidden_module_subpages_are_404(self, client, anna, aurora):
        office = Office.objects.create(organisation=aurora, name="HQ")
        anna.memberships.update(portal_profile=make_profile("no-offices", show_offices=False))
        client.force_login(anna)
        for url in ("/account/offices/add/", f"/account/offices/{office.pk}/"):
            assert client.post(url, {"name": "X"}).status_code == 404
        assert client.post(f"/account/offices/{office.pk}/delete/").status_code == 404
        assert Office.objects.filter(pk=office.pk, name="HQ").exists()
        anna.memberships.update(portal_profile=make_profile("no-details", show_details=False))
        client.force_login(anna)
        assert client.post("/account/details/consents/", {"newsletter": "on"}).status_code == 404
        assert not Consent.objects.exists()

    def test_overview_links_only_visible_modules(self, client, anna):
        anna.memberships.update(portal_profile=make_profile("basic", show_company=False))
        client.force_login(anna)
        html = client.get("/account/").content.decode()
        assert 'href="/account/details/"' in html
        assert 'href="/account/offices/"' in html
        assert 'href="/account/company/"' not in html
        # The foundation's links stay.
        assert 'href="/accounts/email/"' in html


@pytest.mark.django_db
class TestCompanyFields:
    def test_read_only_field_is_not_changed_by_a_post(self, client, anna, aurora):
        """Anna's default profile opens no company field: a crafted POST changes nothing."""
        client.force_login(anna)
        response = client.post(
            "/account/company/", {"name": "Hacked Oy", "billing_street": "Evil 1"}
        )
        assert response.status_code in (200, 302)
        aurora.refresh_from_db()
        assert aurora.name == "Aurora Oy" and aurora.billing_street == ""
        assert not OrganisationChange.objects.exists()
        assert not WebhookEvent.objects.exists()

    def test_only_the_profiles_fields_change(self, client, anna, aurora):
        anna.memberships.update(portal_profile=make_profile("billing", edit_company_billing=True))
        client.force_login(anna)
        response = client.post(
            "/account/company/",
            {"name": "Hacked Oy", "billing_street": "Teollisuuskatu 1", "billing_city": "Oulu"},
        )
        assert response.status_code == 302
        aurora.refresh_from_db()
        assert aurora.name == "Aurora Oy"
        assert (aurora.billing_street, aurora.billing_city) == ("Teollisuuskatu 1", "Oulu")

    def test_service_refuses_a_field_outside_the_profile(self, anna, aurora):
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                organisation=aurora, by=anna, changes={"name": "Hacked Oy"}
            )
        aurora.refresh_from_db()
        assert aurora.name == "Aurora Oy"

    def test_service_refuses_another_organisation(self, aki, berg):
        with pytest.raises(PermissionDenied):
            services.organisation_update(organisation=berg, by=aki, changes={"name": "X"})

    def test_every_change_is_logged_and_shown(self, client, aki, aurora):
        client.force_login(aki)
        client.post("/account/company/", {"name": "Aurora Oy", "billing_street": "Katu 1"})
        client.post("/account/company/", {"name": "Aurora Oyj", "billing_street": "Katu 2"})
        log = list(OrganisationChange.objects.order_by("pk").values_list(
            "field", "old_value", "new_value", "changed_by"
        ))  # fmt: skip
        assert log == [
            ("billing_street", "", "Katu 1", aki.pk),
            ("name", "Aurora Oy", "Aurora Oyj", aki.pk),
            ("billing_street", "Katu 1", "Katu 2", aki.pk),
        ]
        html = client.get("/account/company/").content.decode()
        assert "Katu 1 → Katu 2" in html and "Aurora Oy → Aurora Oyj" in html
        events = list(WebhookEvent.objects.values_list("event_type", flat=True))
        assert events == ["company.updated", "company.updated"]

    def test_unchanged_post_logs_nothing(self, client, aki):
        client.force_login(aki)
        client.post("/account/company/", {"name": "Aurora Oy"})
        assert not OrganisationChange.objects.exists()


@pytest.mark.django_db
class TestMyDetails:
    def test_edit_own_details(self, client, anna):
        client.force_login(anna)
        response = client.post(
            "/account/details/",
            {"first_name": "Anna", "last_name": "Aho", "phone": "+358 40 1", "title": "Tech",
             "language": "fi"},
        )  # fmt: skip
        assert response.status_code == 302
        anna.refresh_from_db()
        assert (anna.last_name, anna.phone, anna.title, anna.language) == (
            "Aho", "+358 40 1", "Tech", "fi",
        )  # fmt: skip
        event = WebhookEvent.objects.get()
        assert event.event_type == "details.updated"
        assert event.payload["changes"]["phone"] == {"old": "", "new": "+358 40 1"}

    def test_field_closed_by_profile_is_not_changed(self, client, anna):
        anna.memberships.update(portal_profile=make_profile("fixed", edit_details_name=False))
        client.force_login(anna)
        client.post("/account/details/", {"first_name": "Mallory", "phone": "1", "language": "en"})
        anna.refresh_from_db()
        assert anna.first_name == "Anna" and anna.phone == "1"

    def test_page_links_to_the_allauth_pages(self, client, anna):
        client.force_login(anna)
        html = client.get("/account/details/").content.decode()
        for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/",
                    "/accounts/sessions/"):  # fmt: skip
            assert f'href="{url}"' in html


@pytest.mark.django_db
class TestConsents:
    def test_given_and_withdrawn_keep_their_times_and_history(self, client, anna):
        client.force_login(anna)
        client.post("/account/details/consents/", {"newsletter": "on", "product_news": "on"})
        client.post("/account/details/consents/", {"product_news": "on"})
        rows = list(Consent.objects.order_by("pk").values_list("kind", "given"))
        assert rows == [("newsletter", True), ("product_news", True), ("newsletter", False)]
        first, _second, withdrawn = Consent.objects.order_by("pk")
        assert withdrawn.at >= first.at
        current = selectors.consents_of(anna)
        assert current["newsletter"].given is False
        assert current["product_news"].given is True
        assert current["event_invitations"] is None
        assert WebhookEvent.objects.filter(event_type="consent.changed").count() == 3

    def test_same_choice_again_records_nothing(self, anna):
        services.consents_set(user=anna, wanted={"newsletter": True})
        assert services.consents_set(user=anna, wanted={"newsletter": True}) == []
        assert services.consents_set(user=anna, wanted={"event_invitations": False}) == []
        assert Consent.objects.count() == 1


@pytest.mark.django_db
class TestOffices:
    def test_crud(self, client, anna, aurora):
        client.force_login(anna)
        assert "No offices yet." in client.get("/account/offices/").content.decode()
        response = client.post("/account/offices/add/", {"name": "Oulu", "city": "Oulu"})
        assert response.status_code == 302
        office = Office.objects.get(organisation=aurora)
        client.post(f"/account/offices/{office.pk}/", {"name": "Oulu office", "city": "Oulu"})
        office.refresh_from_db()
        assert office.name == "Oulu office"
        confirm = client.get(f"/account/offices/{office.pk}/delete/")
        assert confirm.status_code == 200 and "Delete the office Oulu office?" in (
            confirm.content.decode()
        )
        assert Office.objects.filter(pk=office.pk).exists()  # GET only asks
        client.post(f"/account/offices/{office.pk}/delete/")
        assert not Office.objects.exists()
        assert list(WebhookEvent.objects.values_list("event_type", flat=True)) == [
            "office.created", "office.updated", "office.deleted",
        ]  # fmt: skip

    @pytest.mark.parametrize("action", ["add", "edit", "delete"])
    def test_each_action_follows_the_portal_settings(self, client, anna, aurora, action):
        office = Office.objects.create(organisation=aurora, name="HQ")
        portal_settings(**{f"offices_may_{action}": False})
        client.force_login(anna)
        url = {
            "add": "/account/offices/add/",
            "edit": f"/account/offices/{office.pk}/",
            "delete": f"/account/offices/{office.pk}/delete/",
        }[action]
        assert client.post(url, {"name": "Changed"}).status_code == 403
        assert list(Office.objects.values_list("name", flat=True)) == ["HQ"]
        html = client.get("/account/offices/").content.decode()
        assert f'href="{url}"' not in html

    def test_another_organisations_office_is_404(self, client, anna, berg):
        office = Office.objects.create(organisation=berg, name="München")
        client.force_login(anna)
        assert client.get(f"/account/offices/{office.pk}/").status_code == 404
        assert client.post(f"/account/offices/{office.pk}/delete/").status_code == 404
        assert Office.objects.filter(pk=office.pk).exists()


@pytest.mark.django_db
class TestColleagues:
    def test_admin_contact_sees_actions_others_do_not(self, client, aki, anna):
        client.force_login(aki)
        html = client.get("/account/colleagues/").content.decode()
        assert "Set profile" in html and "Deactivate" in html
        client.force_login(anna)
        html = client.get("/account/colleagues/").content.decode()
        assert "Aki" in html and "Set profile" not in html and "Deactivate" not in html

    def test_plain_member_cannot_manage(self, client, aki, anna):
        membership = aki.memberships.get()
        client.force_login(anna)
        assert client.post(f"/account/colleagues/{membership.pk}/deactivate/").status_code == 403
        aki.refresh_from_db()
        assert aki.is_active

    def test_other_organisations_colleagues_are_404(self, client, aki, clara):
        membership = clara.memberships.get()
        client.force_login(aki)
        for action in ("deactivate", "reactivate", "profile"):
            url = f"/account/colleagues/{membership.pk}/{action}/"
            assert client.post(url).status_code == 404
        clara.refresh_from_db()
        assert clara.is_active

    def test_deactivate_and_reactivate(self, client, aki, anna):
        membership = anna.memberships.get()
        client.force_login(aki)
        assert client.get(f"/account/colleagues/{membership.pk}/deactivate/").status_code == 200
        client.post(f"/account/colleagues/{membership.pk}/deactivate/")
        anna.refresh_from_db()
        assert not anna.is_active
        assert Membership.objects.filter(pk=membership.pk).exists()
        client.post(f"/account/colleagues/{membership.pk}/reactivate/")
        anna.refresh_from_db()
        assert anna.is_active
        assert list(WebhookEvent.objects.values_list("event_type", flat=True)) == [
            "colleague.deactivated", "colleague.reactivated",
        ]  # fmt: skip

    def test_person_with_another_organisation_only_loses_this_membership(
        self, client, aki, anna, berg
    ):
        services.membership_set(user=anna, organisation=berg)
        membership = anna.memberships.get(organisation__name="Aurora Oy")
        client.force_login(aki)
        client.post(f"/account/colleagues/{membership.pk}/deactivate/")
        anna.refresh_from_db()
        assert anna.is_active
        assert list(anna.memberships.values_list("organisation", flat=True)) == [berg.pk]

    def test_cannot_deactivate_oneself(self, client, aki):
        client.force_login(aki)
        own = aki.memberships.get()
        assert client.post(f"/account/colleagues/{own.pk}/deactivate/").status_code == 403

    def test_profile_never_above_own(self, client, aurora, anna):
        own = make_profile("mid", show_invoices=False, edit_company_billing=True)
        admin = make_member(aurora, admin=True, email="boss@aurora.test")
        admin.memberships.update(portal_profile=own)
        lower = make_profile("lower", show_invoices=False, show_orders=False)
        higher = make_profile("higher", edit_company_billing=True)  # shows invoices
        membership = anna.memberships.get()
        client.force_login(admin)
        html = client.get("/account/colleagues/").content.decode()
        assert "Lower" in html and "Higher" not in html
        url = f"/account/colleagues/{membership.pk}/profile/"
        assert client.post(url, {f"c{membership.pk}-profile": higher.pk}).status_code == 403
        membership.refresh_from_db()
        assert membership.portal_profile is None
        # The default profile shows invoices too: above this admin's own.
        with pytest.raises(PermissionDenied):
            services.colleague_set_profile(membership=membership, profile=None, by=admin)
        assert client.post(url, {f"c{membership.pk}-profile": lower.pk}).status_code == 302
        membership.refresh_from_db()
        assert membership.portal_profile == lower
        with pytest.raises(PermissionDenied):
            services.colleague_set_profile(membership=membership, profile=higher, by=admin)

    def test_settings_can_forbid_profile_changes(self, client, aki, anna):
        portal_settings(colleagues_may_edit=False)
        membership = anna.memberships.get()
        client.force_login(aki)
        assert client.post(f"/account/colleagues/{membership.pk}/profile/").status_code == 403

    def test_profile_flags_cover_every_switch(self):
        flags = PortalProfile.flag_names()
        assert len(flags) == len(set(flags)) == 16


def _grow(org, n: int) -> None:
    for i in range(n):
        member = make_member(org, email=f"grow{i}-{org.pk}-{Office.objects.count()}@x.test")
        Office.objects.create(organisation=org, name=f"Office {Office.objects.count()}")
        services.organisation_update(
            organisation=org, by=_admin(org), changes={"billing_street": f"Street {i}{member.pk}"}
        )
        services.consents_set(user=_admin(org), wanted={"newsletter": i % 2 == 0})


def _admin(org):
    return (
        Membership.objects.select_related("user").get(organisation=org, is_admin_contact=True).user
    )


# session + user (2), the person's membership with organisation and profile (1), the page's
# own list(s) (1 or 2); the portal settings come from the cache (warmed by the first request).
# My details also reads the latest data exports and a pending "forget me" (2).
MAX_QUERIES = {
    "/account/": 8,
    "/account/details/": 6,
    "/account/company/": 4,
    "/account/offices/": 4,
    "/account/colleagues/": 5,
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(MAX_QUERIES))
def test_module_pages_have_fixed_query_counts(
    client, aki, anna, aurora, url, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_profile("extra")
    client.force_login(aki)
    counts = []
    for size in (1, 5):
        _grow(aurora, size)
        client.get(url)  # warm the cache (portal settings)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{url}: {counts}"
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        client.get(url)


@pytest.mark.django_db
def test_footer_shows_the_support_contact(client, anna):
    portal_settings(support_name="Help desk", support_email="help@portal.test",
                    support_phone="+358 9 1")  # fmt: skip
    client.force_login(anna)
    html = client.get("/account/").content.decode()
    assert "Help desk" in html and 'href="mailto:help@portal.test"' in html
    assert 'href="tel:+35891"' in html


@pytest.mark.django_db
def test_settings_can_switch_customer_invitations_off(client, aki, aurora):
    portal_settings(colleagues_may_add=False)
    with pytest.raises(PermissionDenied):
        services.invitation_create(by=aki, email="new@aurora.test", organisation=aurora)
    client.force_login(aki)
    assert client.get("/account/invitations/").status_code == 403
    assert "Invite a colleague" not in client.get("/account/colleagues/").content.decode()
