"""Support pages for `manage.py bench`: a long list and a long thread, as the demo customer."""

from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, User
from hub import bench
from support.models import SupportMessage, SupportRequest


@bench.pages
def support_pages(ctx: bench.Context) -> dict[str, str]:
    user = ctx.user
    staff = User.objects.filter(is_staff=True).first() or user
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    organisation = membership.organisation if membership else None
    now = timezone.now()
    requests = SupportRequest.objects.bulk_create(
        SupportRequest(
            requester=user,
            organisation=organisation,
            subject=f"Bench request {i}",
            created_at=now,
            last_activity_at=now,
            message_count=1,
        )
        for i in range(200)
    )
    SupportMessage.objects.bulk_create(
        SupportMessage(request=r, author=user, body="Bench description", notified_at=now)
        for r in requests
    )
    long = requests[0]
    SupportMessage.objects.bulk_create(
        SupportMessage(
            request=long,
            author=staff if i % 2 else user,
            from_staff=bool(i % 2) and staff.is_staff,
            body=f"Bench message {i} " + "text " * ctx.rng.randint(5, 60),
            notified_at=now,
        )
        for i in range(100)
    )
    SupportRequest.objects.filter(pk=long.pk).update(message_count=F("message_count") + 100)
    return {
        "support requests (200)": "/account/support/",
        "support request (100 messages)": f"/account/support/{long.pk}/",
    }
