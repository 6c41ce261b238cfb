"""Reads of the knowledge app that are more than one line."""

from django.db.models import Count, Q


def article_feedback_for(*, page, user) -> dict:
    """The person's own vote, and for editors the totals (one query each)."""
    from knowledge.models import ArticleFeedback

    result = {"mine": None, "counts": None}
    if not user.is_authenticated:
        return result
    result["mine"] = ArticleFeedback.objects.filter(page=page, user=user).first()
    if user.is_staff:
        result["counts"] = ArticleFeedback.objects.filter(page=page).aggregate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
            with_comment=Count("pk", filter=~Q(comment="")),
        )
    return result
