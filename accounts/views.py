from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import permissions, selectors, services
from accounts.forms import AcceptInvitationForm, InvitationForm
from accounts.models import Invitation, User

_AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def overview(request):
    return render(
        request,
        "accounts/overview.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "can_invite": permissions.can_invite(request.user),
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
            )
        except ValidationError as exc:
            _add_errors(form, exc)
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


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


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
