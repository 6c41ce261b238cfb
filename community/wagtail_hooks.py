from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from community import services
from community.models import Category, Topic


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "position", "product"]
    search_fields = ["name", "slug"]
    ordering = ["position", "name"]


class TopicViewSet(SnippetViewSet):
    """A listing for staff. Content is written through the forum; only the flags are editable
    here until the moderation tools (issue 4) arrive."""

    model = Topic
    icon = "comment"
    list_display = ["title", "category", "kind", "reply_count", "last_activity_at"]
    list_filter = ["category", "kind", "is_hidden", "is_locked", "is_pinned"]
    search_fields = ["title"]
    ordering = ["-last_activity_at"]
    inspect_view_enabled = True
    panels = [FieldPanel("is_pinned"), FieldPanel("is_locked"), FieldPanel("is_hidden")]


class CommunityViewSetGroup(SnippetViewSetGroup):
    items = (CategoryViewSet, TopicViewSet)
    menu_icon = "group"
    menu_label = _("Community")
    menu_name = "community"


register_snippet(CommunityViewSetGroup)


@hooks.register("after_edit_snippet")
def reindex_topics_of_edited_category(request, instance):
    # A topic's search document carries its category's audience: re-send them all.
    if isinstance(instance, Category):
        services.category_reindex(category=instance)
