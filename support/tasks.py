import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from support.models import SupportMessage
from support.services import support_mail_staff

log = logging.getLogger(__name__)


@shared_task(
    name="support.tasks.mail_support",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def mail_support_task(message_id: int) -> None:
    support_mail_staff(message_id=message_id)


@shared_task(name="support.tasks.mail_pending", ignore_result=True)
def mail_pending_task() -> None:
    """The retry for customer messages whose mail to the support address has not gone (the
    broker was down, or the mail server refused). Leaves the newest minute to the queued task."""
    pending = (
        SupportMessage.objects.filter(
            from_staff=False,
            notified_at__isnull=True,
            created_at__lt=timezone.now() - timedelta(minutes=1),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for pk in pending:
        try:
            support_mail_staff(message_id=pk)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("support message %s not mailed yet: %s", pk, exc)
            break
