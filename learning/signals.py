"""Signals that join this app to Wagtail's publishing."""

from wagtail.signals import page_published


def _event_published(sender, instance, **kwargs):
    """A published change may add places (a higher capacity): give them to the people
    waiting, in order."""
    from learning.services import event_fill_from_waitlist

    event_fill_from_waitlist(event=instance)


def connect() -> None:
    from learning.models import EventPage

    page_published.connect(_event_published, sender=EventPage, dispatch_uid="learning-fill")
