"""The dashboard panel: "Continue where you left off" and the person's upcoming events."""

from hub import dashboard
from learning import selectors


@dashboard.panel("learning/panels/continue.html", order=20)
def continue_learning(request):
    """At most five queries whatever the amount of training and events: the course in
    progress, its lessons and the person's ticks, the upcoming events, the index pages."""
    user = request.user
    if not user.is_authenticated:
        return None
    return {
        "resume": selectors.continue_learning(user=user),
        "events": selectors.upcoming_events_for(user=user),
        "indexes": selectors.index_pages(user=user),
    }
