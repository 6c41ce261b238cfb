import logging
import smtplib

from celery import shared_task

from accounts.models import Invitation
from accounts.services import invitation_send, webhooks_deliver_pending

log = logging.getLogger(__name__)


@shared_task(
    name="accounts.tasks.send_invitation",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_invitation_task(invitation_id: int) -> None:
    invitation_send(invitation_id=invitation_id)


@shared_task(name="accounts.tasks.send_pending_invitations", ignore_result=True)
def send_pending_invitations_task() -> None:
    """The retry for invitation e-mails whose sending failed or was never queued."""
    pending = Invitation.objects.filter(
        sent_at__isnull=True, accepted_at__isnull=True, revoked_at__isnull=True
    ).values_list("pk", flat=True)[:200]
    for pk in pending:
        try:
            invitation_send(invitation_id=pk)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("invitation %s not sent yet: %s", pk, exc)
            break


@shared_task(name="accounts.tasks.deliver_webhooks", ignore_result=True)
def deliver_webhooks_task() -> None:
    """Deliver waiting webhook events. Queued after each customer-made change and run by beat
    as the retry: failures are recorded per attempt and wait for their backoff, never lost."""
    webhooks_deliver_pending()


@shared_task(
    name="accounts.tasks.build_data_export",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    max_retries=5,
)
def build_data_export_task(export_id: int) -> None:
    from accounts.privacy import data_export_build

    data_export_build(export_id=export_id)


@shared_task(name="accounts.tasks.expire_data_exports", ignore_result=True)
def expire_data_exports_task() -> None:
    """Removes expired export files; also builds exports whose queued task never ran."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import DataExport
    from accounts.privacy import data_export_build, data_exports_expire

    data_exports_expire()
    stale = DataExport.objects.filter(
        state=DataExport.State.PENDING,
        requested_at__lt=timezone.now() - timedelta(minutes=10),
    ).values_list("pk", flat=True)[:50]
    for pk in stale:
        try:
            data_export_build(export_id=pk)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("data export %s not built yet: %s", pk, exc)
            break


@shared_task(name="accounts.tasks.anonymise_due", ignore_result=True)
def anonymise_due_task() -> None:
    """Anonymises the accounts whose "forget me" grace period is over."""
    from accounts.privacy import forget_due

    forget_due()
