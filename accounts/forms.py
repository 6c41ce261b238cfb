from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Consent, Office, Organisation, PortalProfile, User
from accounts.modules import all_fields
from accounts.permissions import invitable_organisations
from accounts.services import OFFICE_FIELDS
from hub.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_admin_contact = forms.BooleanField(
        label=_("Admin contact (may invite and manage colleagues)"), required=False
    )
    portal_profile = forms.ModelChoiceField(
        label=_("Portal profile"),
        queryset=PortalProfile.objects.none(),
        required=False,
        help_text=_("What the person will see and may edit in the account pages."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_profiles(user)
        organisations = invitable_organisations(user)
        self.fields["organisation"].queryset = organisations
        if not user.is_staff:
            # An admin contact invites to their own organisation; with one there is no choice.
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = None
        else:
            self.fields["organisation"].help_text = _(
                "Leave empty to invite a person with no organisation."
            )

    def _set_profiles(self, user) -> None:
        """Staff give any profile; an admin contact none above their own (the colleague
        profile rule). The default profile is offered only where it is not above theirs."""
        from accounts.selectors import access_for, profiles_assignable_by

        field = self.fields["portal_profile"]
        if user.is_staff:
            profiles, default_ok = list(PortalProfile.objects.all()), True
        else:
            access = access_for(user)
            profiles = profiles_assignable_by(access)
            default_ok = PortalProfile().flags() <= access.profile.flags()
        field.queryset = PortalProfile.objects.filter(pk__in=[p.pk for p in profiles])
        field.required = not default_ok
        choices = [(p.pk, p.name) for p in profiles]
        field.choices = ([("", _("Default profile"))] if default_ok else []) + choices
        if not default_ok and profiles:
            self.initial.setdefault("portal_profile", profiles[0].pk)


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class ForgetForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter it again to confirm that it is you."),
    )


# --- Account modules ---------------------------------------------------------------------


class _ModelFieldsForm(forms.Form):
    """A plain form with a model's fields, so that validating it never touches the instance
    (the service compares old and new). Fields not in `editable` are disabled: Django then
    ignores whatever a POST sends for them."""

    model = None
    field_names: tuple[str, ...] = ()

    def __init__(self, *args, instance, editable, **kwargs):
        initial = forms.models.model_to_dict(instance, fields=self.field_names)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(forms.models.fields_for_model(self.model, fields=self.field_names))
        for name, field in self.fields.items():
            field.disabled = name not in editable

    def changes(self) -> dict:
        """The fields the person changed (only editable ones can change)."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class DetailsForm(_ModelFieldsForm):
    model = User
    field_names = all_fields("details")


class CompanyForm(_ModelFieldsForm):
    model = Organisation
    field_names = all_fields("company")


class ConsentsForm(forms.Form):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Consent.Kind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label,
                required=False,
                initial=bool(current.get(kind) and current[kind].given),
            )


class OfficeForm(_ModelFieldsForm):
    model = Office
    field_names = OFFICE_FIELDS

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance or Office(), editable=OFFICE_FIELDS, **kwargs)


class ColleagueProfileForm(forms.Form):
    profile = forms.ModelChoiceField(
        label=_("Portal profile"),
        queryset=PortalProfile.objects.none(),
        required=False,
        empty_label=_("Default profile"),
    )

    def __init__(self, *args, profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = PortalProfile.objects.filter(
            pk__in=[p.pk for p in profiles]
        )
        # The choices without a query per row: the caller passes the assignable profiles.
        self.fields["profile"].choices = [("", _("Default profile"))] + [
            (p.pk, p.name) for p in profiles
        ]
