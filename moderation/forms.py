import re

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import Action, FlagReason, Restriction

REASON_HELP = _("The member sees this reason; it also goes in the moderation log.")


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Details for the moderators"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Something else”."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,  # the service says when one is needed, and why
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )


class MoveForm(ReasonForm):
    category = forms.ModelChoiceField(label=_("Move to category"), queryset=None)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.order_fields(["category", "reason"])


class MergeForm(ReasonForm):
    target = forms.CharField(
        label=_("Merge into topic"),
        max_length=300,
        help_text=_("The number or the address of the topic that stays, e.g. /community/t/42/."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["target", "reason"])

    def clean_target(self) -> int:
        value = self.cleaned_data["target"].strip()
        match = re.search(r"/t/(\d+)", value) or re.fullmatch(r"#?(\d+)", value)
        if not match:
            raise forms.ValidationError(_("Give the topic's number or its address."))
        return int(match.group(1))


DURATIONS = [
    (1, _("1 day")),
    (3, _("3 days")),
    (7, _("1 week")),
    (30, _("30 days")),
    (365, _("1 year")),
]


class RestrictForm(ReasonForm):
    days = forms.TypedChoiceField(label=_("For how long"), choices=DURATIONS, coerce=int, initial=7)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["days", "reason"])


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *Action.choices]
    )
    actor = forms.TypedChoiceField(
        label=_("Moderator"), required=False, coerce=int, empty_value=None
    )
    member = forms.CharField(label=_("Member's e-mail"), required=False, max_length=254)
    topic = forms.IntegerField(label=_("Topic number"), required=False, min_value=1)

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Anyone"))] + [(u.pk, str(u)) for u in actors]


RESTRICTION_KINDS = dict(Restriction.Kind.choices)
