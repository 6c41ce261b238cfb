"""The moderators' dashboard panel: how many flagged posts wait in the queue."""

from hub import dashboard
from moderation import permissions, selectors


@dashboard.panel("moderation/panels/queue.html", order=15)
def moderation_queue(request):
    """Nothing (and no query) for members; for moderators one count."""
    user = request.user
    if not (user.is_authenticated and user.is_staff) or not permissions.is_moderator(user):
        return None
    return {"open": selectors.open_flag_count()}
