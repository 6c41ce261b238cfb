from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Frequency, NotificationSettings
from notifications.registry import KINDS


class NotificationSettingsForm(forms.ModelForm):
    email_frequency = forms.ChoiceField(
        label=_("E-mail me about notifications"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
    )
    muted_kinds = forms.MultipleChoiceField(
        label=_("But never e-mail me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = NotificationSettings
        fields = ["email_frequency", "muted_kinds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted_kinds"].choices = sorted(KINDS.items(), key=lambda kv: str(kv[1]))
