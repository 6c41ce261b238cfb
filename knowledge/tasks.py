"""Knowledge hub work done after the request: telling followers."""

from celery import shared_task

from knowledge import services


@shared_task(name="knowledge.tasks.deliver_subscriber_notices", ignore_result=True)
def deliver_subscriber_notices_task() -> None:
    """Queued after each transaction that wrote subscriber notices; beat runs it as the retry."""
    services.subscriber_notices_deliver()
