"""Suspended members are signed out and shown why, on every request and right after signing in
(so a suspension also blocks signing in); a merged topic's old URL leads to the topic it was
merged into. The restriction comes from the cache (moderation.trust), so pages pay no query."""

from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect, render

from moderation import trust


class ModerationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        signed_in = user.is_authenticated
        restriction = trust.restriction_of(user) if signed_in else None
        if restriction is not None and restriction.is_suspension:
            return self._suspended(request, restriction)
        request.moderation_restriction = restriction
        with trust.new_member_limits():
            response = self.get_response(request)
        if not signed_in and getattr(request, "user", None) and request.user.is_authenticated:
            # Signed in during this request: refuse a suspended member there and then.
            restriction = trust.restriction_of(request.user)
            if restriction is not None and restriction.is_suspension:
                return self._suspended(request, restriction)
        return response

    @staticmethod
    def _suspended(request, restriction):
        logout(request)
        return render(
            request,
            "moderation/suspended.html",
            {"restriction": restriction, "message": trust.restriction_message(restriction)},
            status=403,
        )

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if not isinstance(exception, Http404) or match is None:
            return None
        if match.view_name != "community:topic":
            return None
        from community import permissions as community_permissions
        from moderation.models import TopicMerge

        merge = (
            TopicMerge.objects.filter(source_id=match.kwargs.get("pk"))
            .select_related("target__category")
            .first()
        )
        if merge is None or not community_permissions.can_view_topic(request.user, merge.target):
            return None
        return redirect(merge.target, permanent=False)
