from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.permissions import invitable_organisations
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
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
