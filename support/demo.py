"""Demo support requests, called by `manage.py seed_demo` after the personas exist. Idempotent
(a request is found again by its requester and subject). Rows are written directly, not
through the services: seed data must not mail the support address, notify anyone or reach
the CRM as webhooks."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, User
from hub.models import Product
from support.models import Status, SupportMessage, SupportRequest

STAFF = "sam@kumppani.example"
# requester, subject, product slug, final status, thread: (from staff?, text, days ago)
REQUESTS = [
    ("anna@aurora.example", "R100 reboots every night at 03:00", "router-r100", Status.ANSWERED, [
        (False, "Since the last firmware update our R100 at the Tampere site reboots every "
                "night at 03:00. The log shows a watchdog reset.", 6),
        (True, "Thank you, Anna. 03:00 is when the automatic update check runs; firmware 4.2.1 "
               "fixes a watchdog timeout in it. Please update and tell us if it happens again.", 5),
    ]),
    ("anna@aurora.example", "VPN tunnel to Oulu drops after 24 hours", "router-r200",
     Status.WAITING, [
        (False, "The site-to-site VPN between our R200s drops every day and needs a manual "
                "restart.", 3),
        (True, "That sounds like a rekeying mismatch. Could you send the IPsec settings of both "
               "ends (Settings → VPN → Export)?", 2),
    ]),
    ("aki@aurora.example", "Invoice address for the Oulu office", None, Status.CLOSED, [
        (False, "Can we get the invoices for the new Oulu office to a separate address?", 20),
        (True, "Yes: add the Oulu office under Offices, and we will use its address for its "
               "orders from now on.", 19),
        (False, "Done, thanks!", 18),
    ]),
    ("clara@berg.example", "PoE-Budget des S10 reicht nicht", "switch-s10", Status.OPEN, [
        (False, "Mit acht Kameras meldet der S10 \"PoE budget exceeded\". Laut Datenblatt "
                "sollte das reichen.", 1),
    ]),
]  # fmt: skip


def seed(*, stdout) -> None:
    staff = User.objects.filter(email=STAFF).first()
    made = 0
    for email, subject, product_slug, status, thread in REQUESTS:
        requester = User.objects.filter(email=email).first()
        if requester is None or staff is None:
            continue
        if SupportRequest.objects.filter(requester=requester, subject=subject).exists():
            continue
        membership = (
            Membership.objects.filter(user=requester).select_related("organisation").first()
        )
        now = timezone.now()
        opened = now - timedelta(days=thread[0][2])
        request = SupportRequest.objects.create(
            requester=requester,
            organisation=membership.organisation if membership else None,
            subject=subject,
            product=Product.objects.filter(slug=product_slug).first() if product_slug else None,
            status=status,
            created_at=opened,
            last_activity_at=now - timedelta(days=thread[-1][2]),
            closed_at=now - timedelta(days=thread[-1][2]) if status == Status.CLOSED else None,
        )
        for from_staff, text, days_ago in thread:
            at = now - timedelta(days=days_ago)
            SupportMessage.objects.create(
                request=request,
                author=staff if from_staff else requester,
                from_staff=from_staff,
                body=text,
                created_at=at,
                notified_at=at,  # nothing waits to be mailed
            )
        if status == Status.CLOSED:
            SupportMessage.objects.create(
                request=request,
                author=requester,
                body="",
                new_status=Status.CLOSED,
                created_at=request.last_activity_at,
                notified_at=request.last_activity_at,
            )
        SupportRequest.objects.filter(pk=request.pk).update(
            message_count=F("message_count") + request.messages.count()
        )
        made += 1
    stdout.write(f"Support requests: {made} new (anna, aki, clara), answered by staff.")
