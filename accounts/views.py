from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import permissions, privacy, selectors, services
from accounts.forms import (
    AcceptInvitationForm,
    ColleagueProfileForm,
    CompanyForm,
    ConsentsForm,
    DetailsForm,
    ForgetForm,
    InvitationForm,
    OfficeForm,
)
from accounts.models import Invitation, User, WebhookEvent
from accounts.modules import BUILT_MODULES, MODULE_URLS, MODULES
from hub.forms import add_validation_error

_AUTH_BACKEND = "accounts.backends.AuthenticationBackend"


def overview(request):
    return render(
        request,
        "accounts/overview.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "can_invite": permissions.can_invite(request.user),
            "modules": [
                (reverse(MODULE_URLS[module]), MODULES[module])
                for module in BUILT_MODULES
                if module in selectors.modules_for(request.user)
            ],
        },
    )


def invitations(request):
    if not permissions.can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                by=request.user,
                email=data["email"],
                organisation=data["organisation"],
                roles=data["roles"],
                is_admin_contact=data["is_admin_contact"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                portal_profile=data["portal_profile"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:invitations")
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "invitations": selectors.invitations_managed_by(request.user)[:100]},
    )


@require_POST
def invitation_action(request, pk: int, action: str):
    # Only invitations this person manages exist for them: anything else is a 404.
    invitation = get_object_or_404(selectors.invitations_managed_by(request.user), pk=pk)
    permissions.check_manage_invitation(request.user, invitation)
    if action == "resend":
        try:
            services.invitation_resend(invitation=invitation, by=request.user)
            messages.success(
                request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        services.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(
            request, _("Invitation to %(email)s revoked.") % {"email": invitation.email}
        )
    return redirect("accounts:invitations")


@login_not_required
@never_cache
def accept(request, token: str):
    try:
        invitation = selectors.invitation_from_token(token)
        services.invitation_check_usable(invitation)
    except selectors.InvitationInvalid:
        return _invitation_problem(request, "invalid")
    except services.InvitationUnusable as exc:
        return _invitation_problem(request, exc.reason, invitation)

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        # The address already has an account: a click adds the organisation, then sign in.
        if request.method == "POST":
            services.invitation_accept(invitation=invitation, password=None)
            messages.success(request, _("Invitation accepted. Sign in to continue."))
            return redirect("account_login")
        return render(request, "accounts/accept_existing.html", {"invitation": invitation})

    form = AcceptInvitationForm(
        request.POST or None,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        except services.InvitationUnusable as exc:
            return _invitation_problem(request, exc.reason, invitation)
        else:
            login(request, user, backend=_AUTH_BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("hub:home")
    return render(request, "accounts/accept.html", {"invitation": invitation, "form": form})


def _invitation_problem(request, reason: str, invitation: Invitation | None = None):
    return render(
        request,
        "accounts/invitation_problem.html",
        {"reason": reason, "invitation": invitation},
        status=410 if reason in ("used", "revoked", "expired") else 404,
    )


# --- Account modules ---------------------------------------------------------------------
# Each view asks the permission functions first: a hidden module is a 404 for GET and POST.


def _access(request, module: str) -> selectors.Access:
    permissions.check_view_module(request.user, module)
    return selectors.access_for(request.user)


def details(request):
    access = _access(request, "details")
    user = request.user
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        instance=user,
        editable=access.editable_fields("details"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_details(user=user, changes=form.changes())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("accounts:details")
    current = selectors.consents_of(user)
    return render(
        request,
        "accounts/details.html",
        {
            "form": form,
            "consents_form": ConsentsForm(current=current),
            "consents": current,
            "exports": [
                (export, privacy.export_url(export) if export.is_downloadable else None)
                for export in selectors.data_exports_of(user)
            ],
            "forget": privacy.forget_pending(user),
        },
    )


@require_POST
def export_request(request):
    _access(request, "details")
    privacy.data_export_request(user=request.user)
    messages.success(
        request,
        _("We are preparing a copy of your data. You will get an e-mail with the link."),
    )
    return redirect("accounts:details")


def export_download(request, token: str):
    """Only the person the export belongs to, signed in, while the link is valid."""
    export = privacy.export_for_download(token=token, user=request.user)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"my-data-{export.ready_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def forget(request):
    """The confirmation step of "forget me": what happens, and the password again."""
    _access(request, "details")
    form = ForgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pending = privacy.forget_request(
                user=request.user, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Your account will be anonymised on %(when)s. You can cancel until then.")
                % {"when": date_format(localtime(pending.due_at), "DATE_FORMAT")},
            )
            return redirect("accounts:details")
    return render(
        request,
        "accounts/forget.html",
        {
            "form": form,
            "grace_days": privacy.FORGET_GRACE_DAYS,
            "pending": privacy.forget_pending(request.user),
        },
    )


@require_POST
def forget_cancel(request):
    _access(request, "details")
    if privacy.forget_cancel(user=request.user):
        messages.success(request, _("Your account will not be anonymised."))
    return redirect("accounts:details")


@require_POST
def consents(request):
    _access(request, "details")
    form = ConsentsForm(request.POST, current={})
    if form.is_valid():
        services.consents_set(user=request.user, wanted=form.cleaned_data)
        messages.success(request, _("Your communication choices were saved."))
    return redirect("accounts:details")


def company(request):
    access = _access(request, "company")
    organisation = access.organisation
    form = CompanyForm(
        request.POST if request.method == "POST" else None,
        instance=organisation,
        editable=access.editable_fields("company"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, by=request.user, changes=form.changes()
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The company details were saved."))
            return redirect("accounts:company")
    return render(
        request,
        "accounts/company.html",
        {
            "form": form,
            "organisation": organisation,
            "can_edit": bool(access.editable_fields("company")),
            "changes": selectors.organisation_changes(organisation),
        },
    )


def offices(request):
    access = _access(request, "offices")
    return render(
        request,
        "accounts/offices.html",
        {
            "offices": selectors.offices_of(access.organisation),
            "can_add": permissions.can_office(request.user, "add"),
            "can_edit": permissions.can_office(request.user, "edit"),
            "can_delete": permissions.can_office(request.user, "delete"),
        },
    )


def _office(request, pk: int):
    access = _access(request, "offices")
    return get_object_or_404(selectors.offices_of(access.organisation), pk=pk)


def office_form(request, pk: int | None = None):
    office = _office(request, pk) if pk else None
    permissions.check_office(request.user, "edit" if office else "add", office)
    form = OfficeForm(request.POST if request.method == "POST" else None, instance=office)
    if request.method == "POST" and form.is_valid():
        try:
            if office:
                services.office_update(office=office, by=request.user, data=form.cleaned_data)
            else:
                services.office_create(by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The office was saved."))
            return redirect("accounts:offices")
    return render(request, "accounts/office_form.html", {"form": form, "office": office})


def office_delete(request, pk: int):
    office = _office(request, pk)
    permissions.check_office(request.user, "delete", office)
    if request.method == "POST":
        services.office_delete(office=office, by=request.user)
        messages.success(request, _("The office %(name)s was deleted.") % {"name": office.name})
        return redirect("accounts:offices")
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": _("Delete office"),
            "question": _("Delete the office %(name)s?") % {"name": office.name},
            "action": _("Delete"),
            "back": reverse("accounts:offices"),
        },
    )


def colleagues(request):
    access = _access(request, "colleagues")
    can_edit = permissions.can_manage_colleagues(request.user, "edit")
    profiles = selectors.profiles_assignable_by(access) if can_edit else []
    rows = [
        {
            "membership": membership,
            "is_me": membership.user_id == request.user.pk,
            "form": ColleagueProfileForm(
                profiles=profiles,
                initial={"profile": membership.portal_profile_id},
                prefix=f"c{membership.pk}",
            )
            if can_edit
            else None,
        }
        for membership in selectors.colleagues_of(access.organisation)
    ]
    return render(
        request,
        "accounts/colleagues.html",
        {
            "rows": rows,
            "organisation": access.organisation,
            "can_manage": permissions.can_manage_colleagues(request.user),
            "can_invite": permissions.can_manage_colleagues(request.user, "add"),
            "can_edit": can_edit,
            "can_delete": permissions.can_manage_colleagues(request.user, "delete"),
        },
    )


def _colleague(request, pk: int, action: str):
    access = _access(request, "colleagues")
    membership = get_object_or_404(selectors.colleagues_of(access.organisation), pk=pk)
    permissions.check_manage_colleague(request.user, membership, action)
    return access, membership


@require_POST
def colleague_profile(request, pk: int):
    access, membership = _colleague(request, pk, "edit")
    form = ColleagueProfileForm(
        request.POST, profiles=selectors.profiles_assignable_by(access), prefix=f"c{pk}"
    )
    if not form.is_valid():
        raise PermissionDenied  # a profile outside the offered ones: above one's own
    services.colleague_set_profile(
        membership=membership, profile=form.cleaned_data["profile"], by=request.user
    )
    messages.success(request, _("The profile of %(name)s was saved.") % {"name": membership.user})
    return redirect("accounts:colleagues")


def colleague_deactivate(request, pk: int):
    _acc, membership = _colleague(request, pk, "delete")
    if request.method == "POST":
        outcome = services.colleague_deactivate(membership=membership, by=request.user)
        if outcome == "removed":
            text = _("%(name)s was removed from the organisation.")
        else:
            text = _("%(name)s was deactivated.")
        messages.success(request, text % {"name": membership.user})
        return redirect("accounts:colleagues")
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": _("Deactivate colleague"),
            "question": _("Deactivate %(name)s? They can no longer sign in for your organisation.")
            % {"name": membership.user},
            "action": _("Deactivate"),
            "back": reverse("accounts:colleagues"),
        },
    )


@require_POST
def colleague_reactivate(request, pk: int):
    _acc, membership = _colleague(request, pk, "delete")
    services.colleague_reactivate(membership=membership, by=request.user)
    messages.success(request, _("%(name)s was reactivated.") % {"name": membership.user})
    return redirect("accounts:colleagues")


def webhook_resend(request, pk: int):
    """Staff re-send one webhook event (linked from the event list in the admin)."""
    permissions.check_staff(request.user)
    event = get_object_or_404(WebhookEvent, pk=pk)
    if request.method == "POST":
        deliveries = services.webhook_resend(event=event, by=request.user)
        ok = sum(d.succeeded for d in deliveries)
        messages.success(
            request,
            _("Sent again: %(ok)s of %(total)s endpoints confirmed.")
            % {"ok": ok, "total": len(deliveries)},
        )
        return redirect("accounts:webhook_resend", pk=event.pk)
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": _("Re-send webhook event"),
            "question": _("Send %(event)s again to every active endpoint?") % {"event": event},
            "action": _("Re-send"),
            "back": reverse("wagtailsnippets_accounts_webhookevent:list"),
            "deliveries": event.deliveries.select_related("endpoint")[:20],
        },
    )
