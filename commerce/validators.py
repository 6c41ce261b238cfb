"""Checks for what the ERP sends: payment references and payment links."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FI_WEIGHTS = (7, 3, 1)


def normalise_reference(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def finnish_reference_ok(digits: str) -> bool:
    """A Finnish reference number (viitenumero): 4 to 20 digits, the last one the check digit
    computed with the weights 7, 3, 1 from the right."""
    if not re.fullmatch(r"\d{4,20}", digits):
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * _FI_WEIGHTS[i % 3] for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def rf_reference_ok(value: str) -> bool:
    """An ISO 11649 creditor reference: RF, two check digits, 1 to 21 letters or digits."""
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", value):
        return False
    moved = value[4:] + value[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def validate_reference(value: str) -> None:
    ref = normalise_reference(value)
    if ref and not (finnish_reference_ok(ref) or rf_reference_ok(ref)):
        raise ValidationError(
            _("Enter a valid Finnish reference number or RF creditor reference."),
            code="invalid_reference",
        )


def finnish_reference(base: str) -> str:
    """The reference number for a base of digits (the check digit appended)."""
    total = sum(int(d) * _FI_WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return base + str((10 - total % 10) % 10)


def validate_https_url(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(_("The payment link must use https://."), code="https_only")
