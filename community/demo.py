# ruff: noqa: E501  (demo data reads best as one row per line)
"""Demo data for the community app, called by `manage.py seed_demo` after the personas exist.
Must be idempotent: create what is missing, leave what exists (editors may have changed it)."""

from accounts.models import User
from community import services
from community.models import Category, Topic
from hub.models import Product, Role

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
    if created:
        stdout.write(f"community: {created} topics")


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
