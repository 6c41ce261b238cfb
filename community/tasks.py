"""Forum work done after the request: telling watchers, tidying uploads."""

from celery import shared_task

from community import services


@shared_task(name="community.tasks.deliver_announcements", ignore_result=True)
def deliver_announcements_task() -> None:
    """Queued after each transaction that wrote announcements; beat runs it as the retry."""
    services.announcements_deliver()


@shared_task(name="community.tasks.remove_orphan_images", ignore_result=True)
def remove_orphan_images_task() -> None:
    """Images uploaded for a post that was never written (beat, hourly)."""
    services.post_images_remove_orphans()
