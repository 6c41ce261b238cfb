from django.core.exceptions import ValidationError


def add_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields (when the form
    has them), everything else at the top. The person's input stays in the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
