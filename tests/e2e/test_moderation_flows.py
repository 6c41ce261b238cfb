"""Moderation in real Chromium: a customer flags a post, a moderator hides it from the queue
with a reason, the post is gone for the customer, the author sees why; the partner lounge
stays invisible to a customer by URL; a silenced member sees why and keeps their text."""

import io

from playwright.sync_api import expect

from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, field, sign_in

TOPIC = "What would you like to see in this community?"
POST = "A place for partner announcements."
REASON = "Announcements live in the partner corner."


def _as(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    other = context.new_page()
    sign_in(other, live_server, email)
    return context, other


def test_flag_hide_and_the_post_is_gone(page, browser, live_server, demo):
    from accounts.models import User
    from community.models import Category, Topic
    from moderation import demo as moderation_demo
    from moderation import permissions, selectors
    from moderation.models import Flag, ModerationLog

    # The demo (seeded once here rather than in a test of its own): Maria moderates, flagged
    # posts wait in the queue, one post is hidden, and seeding again adds nothing.
    assert permissions.is_moderator(User.objects.get(email="maria@kumppani.example"))
    assert not permissions.is_moderator(User.objects.get(email="erik@kumppani.example"))
    assert selectors.open_flag_groups().count() >= 3
    assert ModerationLog.objects.filter(action="post_hide").count() == 1
    counts = (Flag.objects.count(), ModerationLog.objects.count())
    moderation_demo.seed(stdout=io.StringIO())
    assert (Flag.objects.count(), ModerationLog.objects.count()) == counts

    topic_url = f"{live_server.url}{Topic.objects.get(title=TOPIC).get_absolute_url()}"
    lounge = Topic.objects.filter(category__slug="partner-lounge").first()

    # Anna flags Clara's reply.
    sign_in(page, live_server, "anna@aurora.example")
    page.goto(topic_url)
    post = page.locator("article.post", has_text=POST)
    post.get_by_text("Flag", exact=True).click()
    post.get_by_label("Off-topic").check()
    post.get_by_label("Details for the moderators").fill("Not about this thread.")
    post.get_by_role("button", name="Send to the moderators").click()
    expect(page.get_by_text("The moderators will look at this post.")).to_be_visible()

    # Maria finds it in the queue and hides it with a reason.
    maria_context, maria = _as(browser, live_server, "maria@kumppani.example")
    maria.goto(f"{live_server.url}/moderation/")
    expect(maria.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    item = maria.locator(".moderation-queue > li", has_text=POST)
    expect(item).to_contain_text("Not about this thread.")
    item.get_by_label("Reason (the author sees it)").fill(REASON)
    # The hide commits, then the search outbox drains (eagerly in tests): allow for a busy box.
    item.get_by_role("button", name="Hide post").click(timeout=3 * DEFAULT_TIMEOUT_MS)
    expect(maria.get_by_text("The post is hidden.")).to_be_visible()
    expect(maria.locator(".moderation-queue > li", has_text=POST)).to_have_count(0)
    maria.goto(f"{live_server.url}/moderation/log/")
    expect(maria.locator("table.moderation-log")).to_contain_text(REASON)
    maria_context.close()

    # Anna reloads: the post is gone.
    page.goto(topic_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TOPIC)
    expect(page.get_by_text(POST)).to_have_count(0)
    # The partner lounge does not exist for her, by any URL.
    assert page.goto(f"{live_server.url}/community/c/partner-lounge/").status == 404
    assert page.goto(f"{live_server.url}{lounge.get_absolute_url()}").status == 404

    # Clara, the author, is told why; Routers (Anna's) stays invisible to her.
    clara_context, clara = _as(browser, live_server, "clara@berg.example")
    clara.goto(f"{live_server.url}/moderation/notices/")
    expect(clara.get_by_text(REASON)).to_be_visible()
    routers = Category.objects.get(slug="routers").get_absolute_url()
    assert clara.goto(f"{live_server.url}{routers}").status == 404
    assert clara.goto(f"{live_server.url}/moderation/").status == 403
    clara_context.close()

    # Silenced, Anna sees why and until when, and her reply stays in the form.
    from moderation import services

    maria_user = User.objects.get(email="maria@kumppani.example")
    anna = User.objects.get(email="anna@aurora.example")
    services.member_restrict(member=anna, kind="silence", days=2, by=maria_user, reason="Cool off")
    page.goto(topic_url)
    expect(page.locator(".moderation-banner")).to_contain_text("Cool off")
    page.get_by_label(field("Your reply")).fill("My carefully written reply")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("alert").first).to_contain_text("Reason: Cool off")
    expect(page.get_by_label(field("Your reply"))).to_have_value("My carefully written reply")
