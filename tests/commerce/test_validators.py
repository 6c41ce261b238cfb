import pytest
from django.core.exceptions import ValidationError

from commerce.validators import (
    finnish_reference,
    finnish_reference_ok,
    rf_reference_ok,
    validate_https_url,
    validate_reference,
)


@pytest.mark.parametrize("ref", ["1232", "13", "12345672", "1 2345 672"])
def test_finnish_references(ref):
    digits = ref.replace(" ", "")
    assert finnish_reference_ok(digits) == (len(digits) >= 4)


def test_finnish_reference_check_digit_is_computed():
    assert finnish_reference("1234567") == "12345672"
    assert not finnish_reference_ok("12345673")


@pytest.mark.parametrize(
    ("ref", "ok"),
    [("RF18539007547034", True), ("RF18 5390 0754 7034", True), ("RF19539007547034", False)],
)
def test_rf_references(ref, ok):
    assert rf_reference_ok(ref.replace(" ", "")) is ok
    if ok:
        validate_reference(ref)
    else:
        with pytest.raises(ValidationError):
            validate_reference(ref)


def test_blank_reference_is_allowed_and_junk_is_not():
    validate_reference("")
    with pytest.raises(ValidationError):
        validate_reference("12345673")


def test_payment_links_must_be_https():
    validate_https_url("https://pay.example/1")
    with pytest.raises(ValidationError):
        validate_https_url("http://pay.example/1")
