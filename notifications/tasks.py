from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.send_pending", ignore_result=True)
def send_pending_task() -> None:
    """Queued after each transaction that created mails; beat runs it as the retry."""
    services.send_pending()


@shared_task(name="notifications.tasks.send_digests", ignore_result=True)
def send_digests_task() -> None:
    services.send_digests()
