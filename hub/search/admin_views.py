from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from hub.search import analytics

PERIODS = {7: _("7 days"), 30: _("30 days"), 90: _("90 days"), 365: _("a year")}


def analytics_view(request):
    """Top queries, zero-result queries and click-through over a chosen period (staff)."""
    if not request.user.is_staff:
        raise PermissionDenied
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    if days not in PERIODS:
        days = 30
    analytics.flush()
    report = analytics.report(days=days)
    return render(
        request,
        "search/admin/analytics.html",
        {
            "report": report,
            "chart": analytics.chart(report.days),
            "periods": [(d, label, d == days) for d, label in PERIODS.items()],
            "days": days,
            "page_title": _("Search analytics"),
        },
    )
