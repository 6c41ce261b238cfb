# ruff: noqa: E501  (demo data reads best as one row per line)
"""Demo data for the community app, called by `manage.py seed_demo` after the personas exist.
Must be idempotent: create what is missing, leave what exists (editors may have changed it)."""

import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from accounts.models import User
from community import services
from community.markdown import RENDER_VERSION, render_markdown
from community.models import Bookmark, Category, CategoryWatch, Like, Post, Topic, TopicWatch
from hub.models import Product, Role
from hub.search.services import search_enqueue

# slug, name, description, position, product slug, audience (products, roles)
CATEGORIES = [
    ("routers", "Routers", "Installing, configuring and troubleshooting R-series routers.", 10, "router-r", (("router-r",), ())),
    ("switches", "Switches", "Questions and tips about S-series switches.", 20, "switch-s", (("switch-s",), ())),
    ("general", "General", "Everything else: the portal, ordering, training.", 30, None, ((), ())),
    ("partner-lounge", "Partner lounge", "For partners: sales, certification, programme rules.", 40, None, ((), ("partner",))),
]  # fmt: skip

A, K, C, E, M = "anna", "aki", "clara", "erik", "maria"

# category, author, kind, title, body, replies [(author, body)], accepted reply index, tags
TOPICS = [
    ("routers", A, "question", "R100 drops the WAN link every night at 3:00", "Our R100 loses the WAN connection every night around 3:00 and comes back after a minute.\n\nFirmware 4.2.1. Anything scheduled at that time?", [(M, "That is the default **automatic firmware check**. Move it under *System → Updates → Schedule*, or turn it off."), (K, "Same here, moving the schedule fixed it for us.")], 0, ["wan", "firmware"]),
    ("routers", K, "question", "How do I back up the R200 configuration?", "Before the update I want a copy of the configuration. Where is the export?", [(M, "*System → Backup → Export* gives you an encrypted file. Keep the passphrase somewhere safe.")], 0, ["backup"]),
    ("routers", A, "question", "VPN tunnel to the head office stays down", "The IPsec tunnel shows *connecting* forever. Phase 1 seems fine in the log.", [(E, "Check that both ends use the same **PFS group**; a mismatch stops phase 2."), (A, "It was the PFS group, thanks!")], 0, ["vpn", "ipsec"]),
    ("routers", A, "discussion", "Share your R-series VLAN setups", "How do you split guest and office traffic? We use three VLANs:\n\n- 10 office\n- 20 guests\n- 30 cameras", [(K, "We do the same, plus a separate VLAN for printers.")], None, ["vlan"]),
    ("routers", K, "question", "Factory reset without the web interface", "The admin password is lost. Can the R100 be reset from the device?", [(M, "Hold the reset button for 10 seconds while the device is on, until the LED blinks red.")], 0, []),
    ("routers", A, "question", "Which SFP modules work with the R200?", "We need single-mode fibre. Is there a list of tested modules?", [(E, "The compatibility list is in the R200 manual, appendix C.")], None, ["sfp"]),
    ("routers", K, "question", "Port forwarding for a camera recorder", "I forwarded port 8443 but it is not reachable from outside.", [(A, "Is the remote admin interface also on 8443? It takes the port first.")], None, ["nat"]),
    ("routers", A, "question", "LTE backup does not switch back", "After a fibre outage the router stays on LTE even when the fibre is back.", [], None, ["lte"]),
    ("switches", C, "question", "S10 stacking with mixed firmware", "Can two S10 switches with different firmware versions form a stack?", [(M, "No: the stack members must run the same firmware. Update both first.")], 0, ["stacking"]),
    ("switches", C, "question", "PoE budget on the S10", "How many 30 W cameras can one S10 power?", [(E, "The PoE budget is 370 W, so twelve at full load, with some headroom.")], 0, ["poe"]),
    ("switches", C, "discussion", "Spanning tree settings you use", "RSTP or MSTP in mid-size networks? What works for you?", [(M, "RSTP is enough for most sites under 50 switches.")], None, ["stp"]),
    ("switches", C, "question", "LACP to a server does not come up", "The LAG stays down although both ports are up.", [(E, "Set the server side to *active* mode; the S10 defaults to passive.")], None, ["lacp"]),
    ("switches", C, "question", "Fan noise after the update", "Since firmware 2.3 the fans are louder in our office rack.", [], None, []),
    ("switches", C, "question", "Mirror port for traffic analysis", "How do I mirror one port to another on the S10?", [(M, "*Monitoring → Port mirroring*: choose source and destination ports.")], 0, ["monitoring"]),
    ("general", A, "question", "How do I change the language of the portal?", "I would like to use the portal in Finnish.", [(M, "Use the language selector at the bottom of every page.")], 0, ["portal"]),
    ("general", C, "question", "Where can I see my invoices?", "Is there a list of our invoices somewhere in the portal?", [(M, "Under *Account*, if your portal profile includes invoices. Ask your admin contact.")], 0, ["portal"]),
    ("general", K, "discussion", "What would you like to see in this community?", "We just started using the forum. Ideas welcome!", [(A, "Short how-to videos would be great."), (C, "A place for partner announcements.")], None, []),
    ("general", A, "question", "Can I get a notification when an answer arrives?", "I do not want to check the forum every hour.", [(E, "Notifications are coming soon to the community.")], None, ["notifications"]),
    ("general", K, "question", "How do I invite a colleague?", "A new technician starts next week.", [(M, "As your organisation's admin contact you can invite under *Account → Invitations*.")], 0, ["accounts"]),
    ("general", C, "question", "Training dates for next spring", "Are the certification trainings for next spring published?", [(E, "They will be in the knowledge hub under Training in January.")], None, ["training"]),
    ("general", A, "discussion", "Tips for writing a good question", "What makes a question easy to answer?", [(M, "Product, firmware version, what you tried, and the exact error text.")], None, []),
    ("general", K, "question", "Two-factor authentication on my phone", "Which authenticator apps work with the portal?", [(M, "Any TOTP app works, for example the ones built into password managers.")], 0, ["security"]),
    ("general", C, "question", "Is there an API for our CRM?", "We would like to sync our orders automatically.", [(E, "Yes, the integration API is documented at /api/docs; ask us for a token.")], None, ["api"]),
    ("general", A, "question", "Markdown tables in posts?", "Can I post a table here?\n\n| Model | Ports |\n|---|---|\n| R100 | 4 |\n| R200 | 8 |", [(K, "Looks like it works!")], 0, []),
    ("partner-lounge", C, "question", "Deal registration for large projects", "How do we register a project over 50 devices?", [(M, "Send the project details to your partner manager; registration holds for 90 days.")], 0, ["sales"]),
    ("partner-lounge", C, "discussion", "Demo units for partners", "Do other partners use the demo unit programme?", [(E, "The new demo pool opens in March.")], None, []),
    ("partner-lounge", C, "question", "Certification renewal", "My S-series certification expires soon. Is there a short renewal exam?", [(M, "Yes, a 30-minute online exam; the link is in the partner corner.")], 0, ["certification"]),
    ("partner-lounge", C, "question", "Marketing material in German", "Are the brochures available in German?", [(E, "Yes, all current brochures are in the document library in German.")], 0, ["marketing"]),
    ("partner-lounge", C, "question", "Price list for next year", "When is the new price list published?", [], None, ["sales"]),
    ("partner-lounge", C, "discussion", "Partner meeting agenda", "Topics you would like to discuss at the autumn partner meeting?", [(M, "Roadmap for the gateway series, please.")], None, []),
]  # fmt: skip

EMAILS = {
    A: "anna@aurora.example",
    K: "aki@aurora.example",
    C: "clara@berg.example",
    E: "erik@kumppani.example",
    M: "maria@kumppani.example",
}


def seed(*, stdout) -> None:
    started = time.monotonic()
    categories = {row[0]: _category(*row) for row in CATEGORIES}
    people = {key: User.objects.get(email=email) for key, email in EMAILS.items()}
    existing = set(Topic.objects.values_list("category__slug", "title"))
    created = 0
    for slug, author, kind, title, body, replies, accepted, tags in TOPICS:
        if (slug, title) in existing:
            continue
        topic = services.topic_create(
            category=categories[slug],
            author=people[author],
            kind=kind,
            title=title,
            body=body,
            tags=tags,
        )
        posts = [
            services.post_create(topic=topic, author=people[who], body=text)
            for who, text in replies
        ]
        if accepted is not None:
            services.topic_accept_answer(topic=topic, post=posts[accepted], by=people[author])
        created += 1
    created += _seed_many(categories, people)
    if created:
        stdout.write(f"community: {created} topics in {time.monotonic() - started:.1f} s")


def _category(slug, name, description, position, product_slug, audience) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is not None:
        return category
    products, roles = audience
    category = Category.objects.create(
        slug=slug,
        name=name,
        description=description,
        position=position,
        product=Product.objects.filter(slug=product_slug).first() if product_slug else None,
    )
    category.audience_products.set(Product.objects.filter(slug__in=products))
    category.audience_roles.set(Role.objects.filter(slug__in=roles))
    category.save()  # ParentalManyToManyField writes on save (modelcluster)
    return category


# --- a living community: a few hundred generated topics in English, Finnish and German ------
#
# Written with bulk_create (one INSERT per table, not per row); the HTML is rendered by the
# same renderer as every post, counters are set to what the rows say, and every topic goes
# into the search outbox in the same transaction.

ROUTERS, SWITCHES = ("R100", "R200", "R300"), ("S10", "S20")
FIRMWARE = ("4.2", "4.3", "5.0")

# language: [(title, question, answer)] with {model} and {fw}
GENERATED = {
    "en": [
        ("{model} reboots after updating to firmware {fw}", "Since the update to {fw} our {model} restarts a few times a day. Logs show nothing before the reboot.", "Turn off *hardware offload* under **Advanced**; firmware {fw} has a known issue with it on the {model}."),
        ("{model}: VPN tunnel drops every hour on {fw}", "The IPsec tunnel on the {model} goes down every 60 minutes and comes back after a minute.", "Set the phase 1 lifetime to 28800 s on both ends. The default changed in {fw}."),
        ("Slow web interface on the {model} ({fw})", "The admin pages take ten seconds to load since {fw}.", "Clear the statistics history under *System → Maintenance*; it grows without limit in {fw}."),
        ("{model} loses its time settings after a power cut ({fw})", "After every power cut the clock on the {model} is wrong and the VPN certificates fail.", "Add an NTP server under *System → Time*; the {model} has no battery for its clock."),
        ("How do I export the {model} logs on {fw}?", "Support asked for the logs of our {model}. Where do I find them?", "*Monitoring → Logs → Download* gives a zip with everything support needs."),
        ("{model}: guest Wi-Fi cannot reach the printer ({fw})", "Guests should print but must not see anything else. Is that possible on the {model}?", "Add a firewall rule from the guest VLAN to the printer's address and port 9100 only."),
    ],
    "fi": [
        ("{model} käynnistyy uudelleen päivityksen {fw} jälkeen", "Päivityksen {fw} jälkeen {model} käynnistyy uudelleen muutaman kerran päivässä.", "Kytke *hardware offload* pois kohdasta **Lisäasetukset**; versiossa {fw} siinä on tunnettu vika."),
        ("{model}: VPN-yhteys katkeaa tunnin välein ({fw})", "IPsec-tunneli katkeaa 60 minuutin välein ja palaa minuutin päästä.", "Aseta vaiheen 1 elinajaksi 28800 s molemmissa päissä. Oletus muuttui versiossa {fw}."),
        ("{model}:n hallintasivut ovat hitaita ({fw})", "Hallintasivujen avautuminen kestää kymmenen sekuntia versiosta {fw} lähtien.", "Tyhjennä tilastohistoria kohdasta *Järjestelmä → Ylläpito*."),
        ("{model} unohtaa kellonajan sähkökatkon jälkeen ({fw})", "Jokaisen sähkökatkon jälkeen kello on väärässä ja VPN-varmenteet hylätään.", "Lisää NTP-palvelin kohtaan *Järjestelmä → Aika*."),
        ("Miten vien {model}:n lokit ({fw})?", "Tuki pyysi lokeja. Mistä ne löytyvät?", "*Valvonta → Lokit → Lataa* antaa zip-tiedoston, jossa on kaikki tarvittava."),
        ("{model}: vierasverkosta ei pääse tulostimelle ({fw})", "Vieraiden pitäisi voida tulostaa, mutta ei nähdä muuta verkkoa.", "Lisää palomuurisääntö vieras-VLANista vain tulostimen osoitteeseen ja porttiin 9100."),
    ],
    "de": [
        ("{model} startet nach dem Update auf {fw} neu", "Seit dem Update auf {fw} startet unser {model} mehrmals täglich neu.", "Schalten Sie *Hardware-Offload* unter **Erweitert** aus; {fw} hat damit einen bekannten Fehler."),
        ("{model}: VPN-Tunnel bricht stündlich ab ({fw})", "Der IPsec-Tunnel fällt alle 60 Minuten aus und kommt nach einer Minute zurück.", "Setzen Sie die Phase-1-Lebensdauer auf beiden Seiten auf 28800 s."),
        ("Langsame Weboberfläche am {model} ({fw})", "Die Verwaltungsseiten brauchen seit {fw} zehn Sekunden.", "Leeren Sie den Statistikverlauf unter *System → Wartung*."),
        ("{model} verliert nach Stromausfall die Uhrzeit ({fw})", "Nach jedem Stromausfall stimmt die Uhr nicht und die VPN-Zertifikate schlagen fehl.", "Tragen Sie unter *System → Zeit* einen NTP-Server ein."),
        ("Wie exportiere ich die Protokolle des {model} ({fw})?", "Der Support möchte die Protokolle. Wo finde ich sie?", "*Überwachung → Protokolle → Herunterladen* liefert ein ZIP mit allem Nötigen."),
        ("{model}: Gäste-WLAN erreicht den Drucker nicht ({fw})", "Gäste sollen drucken, aber sonst nichts sehen.", "Legen Sie eine Firewall-Regel vom Gäste-VLAN nur zur Druckeradresse, Port 9100, an."),
    ],
}  # fmt: skip

FOLLOW_UPS = {
    "en": ["Same here on two sites.", "Thanks, that fixed it!", "Is there a fix planned?"],
    "fi": ["Sama ongelma kahdessa toimipisteessä.", "Kiitos, tämä auttoi!", "Onko korjaus tulossa?"],
    "de": ["Bei uns an zwei Standorten genauso.", "Danke, das hat geholfen!", "Ist ein Fix geplant?"],
}  # fmt: skip


def _plan():
    """Every generated topic: (category slug, language, title, question, answer, tag)."""
    for language, rows in GENERATED.items():
        for n, (title, question, answer) in enumerate(rows):
            for model in ROUTERS + SWITCHES:
                for fw in FIRMWARE:
                    slug = "routers" if model in ROUTERS else "switches"
                    values = {"model": model, "fw": fw}
                    yield (
                        slug,
                        language,
                        title.format(**values),
                        question.format(**values),
                        answer.format(**values),
                        f"firmware-{fw}",
                        n,
                    )


def _seed_many(categories, people) -> int:
    existing = set(
        Topic.objects.filter(category__slug__in=("routers", "switches")).values_list(
            "title", flat=True
        )
    )
    plan = [row for row in _plan() if row[2] not in existing]
    if not plan:
        return 0
    # Who may write where (their audience): Anna and Aki in routers, Clara in switches; staff
    # everywhere.
    askers = {"routers": [people[A], people[K]], "switches": [people[C]]}
    staff = [people[M], people[E]]
    now = timezone.now()
    with transaction.atomic():
        topics, question_posts, replies = [], [], []
        for i, (slug, language, title, _question, _answer, _tag, n) in enumerate(plan):
            asker = askers[slug][i % len(askers[slug])]
            created = now - timedelta(days=120 - (i % 118), minutes=i * 7)
            topics.append(
                Topic(
                    category=categories[slug],
                    kind="question" if n % 5 else "discussion",
                    title=title,
                    language=language,
                    author=asker,
                    product=categories[slug].product,
                    created_at=created,
                    last_activity_at=created,
                )
            )
        Topic.objects.bulk_create(topics)
        for i, (topic, row) in enumerate(zip(topics, plan, strict=True)):
            slug, language, _title, question, answer, _tag, _n = row
            question_posts.append(_post(topic, topic.author, question, topic.created_at))
            follow = FOLLOW_UPS[language]
            thread = []
            if i % 4:  # three in four get an answer
                thread.append((staff[i % 2], answer))
            if i % 3 == 0:
                thread.append((askers[slug][(i + 1) % len(askers[slug])], follow[i % 3]))
            for k, (who, text) in enumerate(thread):
                at = topic.created_at + timedelta(hours=3 * (k + 1))
                replies.append((topic, _post(topic, who, text, at)))
        Post.objects.bulk_create(question_posts + [p for _t, p in replies])
        by_topic: dict[int, list] = {}
        for topic, post in replies:
            by_topic.setdefault(topic.pk, []).append(post)
        likes = []
        for i, (topic, first) in enumerate(zip(topics, question_posts, strict=True)):
            topic.first_post = first
            thread = by_topic.get(topic.pk, [])
            topic.reply_count = len(thread)
            if thread:
                topic.last_activity_at = thread[-1].created_at
                if topic.kind == "question" and i % 2 == 0:
                    topic.accepted_post = thread[0]
                likers = [p for p in (people[A], people[K], people[C]) if _may_see(p, topic)]
                for liker in likers[: 1 + i % 3]:
                    if liker.pk != thread[0].author_id:
                        likes.append(Like(post=thread[0], user=liker))
        Topic.objects.bulk_update(
            topics, ["first_post", "reply_count", "last_activity_at", "accepted_post"]
        )
        Like.objects.bulk_create(likes, ignore_conflicts=True)
        counts: dict[int, int] = {}
        for like in likes:
            counts[like.post_id] = counts.get(like.post_id, 0) + 1
        liked = list(Post.objects.filter(pk__in=counts))
        for post in liked:
            post.like_count = counts[post.pk]
        Post.objects.bulk_update(liked, ["like_count"])
        _tags(topics, [row[5] for row in plan])
        _watches_and_bookmarks(topics, people, categories)
        for topic in topics:
            search_enqueue(topic)
    return len(topics)


def _post(topic, author, text, at) -> Post:
    rendered = render_markdown(text)
    return Post(
        topic=topic,
        author=author,
        source=text,
        html=rendered.html,
        text=rendered.text,
        render_version=RENDER_VERSION,
        created_at=at,
    )


def _may_see(person, topic) -> bool:
    return (topic.category.slug == "routers") == (person.email != EMAILS[C])


def _tags(topics, names) -> None:
    tags = {}
    for name in sorted(set(names)):
        tags[name], _created = Tag.objects.get_or_create(
            name=name, defaults={"slug": slugify(name)}
        )
    content_type = ContentType.objects.get_for_model(Topic)
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(content_type=content_type, object_id=t.pk, tag=tags[name])
            for t, name in zip(topics, names, strict=True)
        ],
        ignore_conflicts=True,
    )


def _watches_and_bookmarks(topics, people, categories) -> None:
    CategoryWatch.objects.bulk_create(
        [
            CategoryWatch(category=categories["routers"], user=people[A]),
            CategoryWatch(category=categories["switches"], user=people[C]),
            CategoryWatch(category=categories["partner-lounge"], user=people[M]),
        ],
        ignore_conflicts=True,
    )
    watches, bookmarks = [], []
    for i, topic in enumerate(topics):
        watches.append(TopicWatch(topic=topic, user=topic.author))
        reader = people[A] if topic.category.slug == "routers" else people[C]
        if i % 7 == 0:
            bookmarks.append(Bookmark(topic=topic, user=reader))
    TopicWatch.objects.bulk_create(watches, ignore_conflicts=True)
    Bookmark.objects.bulk_create(bookmarks, ignore_conflicts=True)
