"""Demo data for moderation, called by `manage.py seed_demo` after the community's: Maria's
Moderators group gets the moderation permission; a few flagged posts wait in the queue, one
post is hidden, and the log has entries. Idempotent: what exists is left alone."""

from django.contrib.auth.models import Group, Permission

from accounts.models import User
from community import services as community_services
from community.models import Post, Topic
from moderation import services
from moderation.models import Flag, ModerationLog
from moderation.permissions import MODERATORS_GROUP

# topic title, author, reply, flagged by [(person, reason, text)], hide (reason) or None
FLAGGED = [
    (
        "What would you like to see in this community?",
        "aki@aurora.example",
        "Get 90% off routers today at cheap-routers.example, limited offer!!!",
        [("anna@aurora.example", "spam", "An advert."), ("clara@berg.example", "spam", "")],
        None,
    ),
    (
        "Tips for writing a good question",
        "clara@berg.example",
        "Honestly, people who ask this kind of thing should just read the manual.",
        [("anna@aurora.example", "inappropriate", "Rude to beginners.")],
        None,
    ),
    (
        "How do I change the language of the portal?",
        "aki@aurora.example",
        "Anyone going to the football match on Saturday?",
        [("clara@berg.example", "off_topic", "")],
        None,
    ),
    (
        "Where can I see my invoices?",
        "aki@aurora.example",
        "Cheap licence keys, write to keys@bargain.example",
        [("anna@aurora.example", "spam", ""), ("clara@berg.example", "spam", "Scam.")],
        "Advertising is not allowed in the community.",
    ),
]
PINNED = ("Tips for writing a good question", "Pinned: a good guide for new members.")


def seed(*, stdout) -> None:
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="moderate_community"))
    maria = User.objects.get(email="maria@kumppani.example")
    maria.groups.add(group)
    people = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    created = 0
    for title, author, body, flags, hide in FLAGGED:
        topic = Topic.objects.filter(title=title).first()
        if topic is None or Post.objects.filter(topic=topic, source=body).exists():
            continue
        post = community_services.post_create(topic=topic, author=people[author], body=body)
        for email, reason, text in flags:
            services.flag_create(post=post, user=people[email], reason=reason, text=text)
        if hide:
            services.post_hide(post=post, by=maria, reason=hide)
        created += 1
    title, reason = PINNED
    topic = Topic.objects.filter(title=title).first()
    if topic is not None and not topic.is_pinned:
        services.topic_pin(topic=topic, by=maria, reason=reason)
    if created:
        open_posts = Flag.objects.filter(status=Flag.Status.OPEN).values("post").distinct().count()
        stdout.write(
            f"moderation: {created} flagged posts ({open_posts} in the queue), "
            f"{ModerationLog.objects.count()} log entries"
        )
