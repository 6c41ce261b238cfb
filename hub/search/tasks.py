from celery import shared_task

from hub.search.services import outbox_drain


@shared_task(name="hub.search.tasks.drain_outbox", ignore_result=True)
def drain_outbox_task() -> None:
    """Queued after each commit that wrote outbox rows, and every minute by beat as the retry.
    Rows that fail stay in the outbox; the periodic run picks them up again."""
    outbox_drain()


@shared_task(name="hub.search.tasks.flush_analytics", ignore_result=True)
def flush_analytics_task() -> None:
    """Every minute by beat: buffered search and click events into the database."""
    from hub.search import analytics

    analytics.flush()
