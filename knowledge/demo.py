"""Demo data for the knowledge app, called by `manage.py seed_demo` after the personas exist.
Must be idempotent: create what is missing, leave what exists (editors may have changed it)."""

# Demo data reads best as one row per line, with real typography (×, –).
# ruff: noqa: E501, RUF001, RUF003

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Collection, Page

from hub.models import Product, Region, Role
from knowledge.models import (
    ArticlePage,
    Document,
    DocumentLibraryPage,
    NewsIndexPage,
    NewsPage,
    SectionPage,
)
from knowledge.services import knowledge_root

# (collection, title, filename, description, audience (products, regions, roles))
DOCUMENTS = [
    (
        "Manuals",
        "R-series quick start guide",
        "r-series-quick-start.pdf",
        "Unpacking, cabling and the first login, on two pages.",
        (("router-r",), (), ()),
    ),
    (
        "Manuals",
        "S-series installation manual",
        "s-series-installation.pdf",
        "Rack mounting, power and the first configuration.",
        (("switch-s",), (), ()),
    ),
    (
        "Brochures",
        "Portal user guide",
        "portal-user-guide.txt",
        "How to use this portal.",
        ((), (), ()),
    ),
    (
        "Brochures",
        "Partner sales kit 2027",
        "partner-sales-kit-2027.pdf",
        "Sales arguments and price positioning.",
        ((), ("dach",), ("partner",)),
    ),
]

# (slug, title, date offset in days, summary, audience)
NEWS = [
    (
        "portal-launch",
        "Welcome to the new customer portal",
        -30,
        "Articles, documents and the community in one place.",
        ((), (), ()),
    ),
    (
        "r200-firmware-3-2",
        "R200 firmware 3.2 is out",
        -7,
        "Faster VPN set-up and fixes for LTE fail-over.",
        (("router-r",), (), ()),
    ),
    (
        "nordic-service-hours",
        "Service hours over the holidays in the Nordics",
        -3,
        "Our support desk in Finland, Sweden and Norway over the holidays.",
        ((), ("nordics",), ()),
    ),
    (
        "partner-day-munich",
        "Partner day in Munich",
        -1,
        "Meet the product team and other partners in March.",
        ((), ("dach",), ("partner",)),
    ),
]

# An article that shows the richer blocks (the foundation's articles have plain paragraphs).
RICH_ARTICLE = "r-series-field-diagnostics"
RICH_BODY = [
    ("paragraph", "<p>Read the LED codes first: most faults show there before anything else.</p>"),
    (
        "callout",
        {
            "kind": "warning",
            "text": "<p>Do not power-cycle the router during a firmware update.</p>",
        },
    ),
    ("heading", "The diagnostic log"),
    ("code", {"language": "shell", "code": "ssh admin@192.168.1.1\nshow log diagnostics"}),
    (
        "table",
        {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "data": [["LED", "Meaning"], ["Green", "Online"], ["Amber blinking", "Updating"]],
        },
    ),
]


def _pdf(title: str) -> bytes:
    """A minimal valid one-page PDF showing the title (no external library)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _set_audience(obj, aud) -> None:
    products, regions, roles = aud
    obj.audience_products = list(Product.objects.filter(slug__in=products))
    obj.audience_regions = list(Region.objects.filter(slug__in=regions))
    obj.audience_roles = list(Role.objects.filter(slug__in=roles))


def _collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=name).first()
    return found or root.add_child(instance=Collection(name=name))


def _documents() -> dict[str, Document]:
    out = {}
    for collection, title, filename, description, aud in DOCUMENTS:
        doc = Document.objects.filter(title=title).first()
        if doc is None:
            content = (
                _pdf(title) if filename.endswith(".pdf") else f"{title}\n\n{description}\n".encode()
            )
            doc = Document(title=title, description=description, collection=_collection(collection))
            doc.file.save(filename, ContentFile(content), save=False)
            doc.file_size = len(content)
            _set_audience(doc, aud)
            doc.save()
        out[title] = doc
    return out


def _child(parent, model, slug, aud, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        _set_audience(page, aud)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


def seed(*, stdout) -> None:
    root = knowledge_root()
    today = timezone.localdate()
    documents = _documents()
    _child(
        root,
        DocumentLibraryPage,
        "documents",
        ((), (), ()),
        title="Documents",
        intro="Manuals, brochures and other material for your products.",
    )
    news_index = _child(
        root, NewsIndexPage, "news", ((), (), ()), title="News", intro="What is new."
    )
    for slug, title, offset, summary, aud in NEWS:
        _child(
            news_index,
            NewsPage,
            slug,
            aud,
            title=title,
            date=today + datetime.timedelta(days=offset),
            summary=summary,
            body=[("paragraph", f"<p>{summary}</p>")],
        )

    # Review dates and tags for the foundation's articles, once.
    for i, article in enumerate(ArticlePage.objects.filter(last_reviewed__isnull=True)):
        article.last_reviewed = today - datetime.timedelta(days=20 + 7 * i)
        tag_names = [w for w in article.slug.split("-") if len(w) > 3][:2]
        article.tags.set(
            [Tag.objects.get_or_create(name=n, defaults={"slug": n})[0] for n in tag_names]
        )
        article.save_revision().publish()

    rich = ArticlePage.objects.filter(slug=RICH_ARTICLE).first()
    if rich is not None and not any(b.block_type == "callout" for b in rich.body):
        guide = documents["R-series quick start guide"]
        rich.body = [*RICH_BODY, ("document", guide)]
        rich.save_revision().publish()
    seed_workflow(stdout=stdout)
    stdout.write("Knowledge: news, documents, review dates and tags are in place.")


# --- The help centre: a few hundred articles -------------------------------------------------
#
# Generated deterministically from help topics × devices, in English, with a Finnish section
# for Finland and a German one for DACH. Wagtail's locales are off (WAGTAIL_I18N_ENABLED is
# False: one tree), so the language of a page is its `language` field (search tokenises by it,
# templates mark it with `lang`), beside a tag ("suomeksi", "deutsch") readers can filter by. Pages are created as code creates Wagtail pages (one save, live, no
# revision: an editor's first edit makes one), which keeps the full demo well under a minute.

# slug, name in titles, family section, product, IP address, firmware, ports
DEVICES = [
    ("r100", "R100", "routers", "router-r100", "192.168.1.1", "3.2.4", "4 × Gigabit LAN, 1 × WAN"),
    ("r200", "R200", "routers", "router-r200", "192.168.1.1", "3.2.4", "8 × Gigabit LAN, 2 × WAN, LTE"),
    ("s10", "S10", "switches", "switch-s10", "192.168.0.10", "2.8.1", "24 × Gigabit PoE+, 4 × SFP+"),
    ("s-series", "S-series switch", "switches", "switch-s", "192.168.0.10", "2.8.1", "16–48 × Gigabit, 4 × SFP+"),
    ("g-series", "G-series gateway", "gateways", "gateway-g", "10.0.0.1", "1.9.0", "2 × Gigabit, RS-485, LTE"),
]  # fmt: skip
KIND = {"routers": "router", "switches": "switch", "gateways": "gateway"}

CATEGORIES = [
    ("installation", "Installation and set-up", "Unpacking, mounting and the first configuration."),
    ("firmware", "Firmware", "Updates, release notes and recovery."),
    ("troubleshooting", "Troubleshooting", "What to check when something does not work."),
    ("warranty", "Warranty and returns", "Warranty terms, returns and spare parts."),
    ("safety", "Safety and compliance", "Electrical safety, ventilation, recycling and declarations."),
]  # fmt: skip

# category, slug, title, summary, for which kinds (None: all), audience extra (regions, roles)
TOPICS = [
    ("installation", "unboxing", "Unboxing the {d}: what is in the box", "Check the contents of the package before you install the {d}.", None, ((), ())),
    ("installation", "first-start", "First start-up of the {d}", "Connect power and a laptop, and bring the {d} up for the first time.", None, ((), ())),
    ("installation", "mounting", "Mounting the {d} on a wall or in a rack", "Fix the {d} securely and leave room for air and cables.", None, ((), ())),
    ("installation", "location", "Choosing a good location for the {d}", "Heat, dust and distance decide how well the {d} works for years.", None, ((), ())),
    ("installation", "web-login", "Signing in to the web interface of the {d}", "Open the management interface of the {d} from a browser.", None, ((), ())),
    ("installation", "backup", "Backing up and restoring the configuration of the {d}", "Keep a copy of the configuration so that a replacement is running in minutes.", None, ((), ())),
    ("installation", "snmp", "Monitoring the {d} with SNMP", "Let your monitoring system read the state of the {d} with SNMPv3.", None, ((), ())),
    ("installation", "internet", "Connecting the {d} to the internet", "Set up the WAN connection of the {d}: DHCP, static address or PPPoE.", ("router", "gateway"), ((), ())),
    ("installation", "wifi", "Setting up Wi-Fi on the {d}", "Choose the network name, security and channels of the {d}.", ("router",), ((), ())),
    ("installation", "vpn", "Setting up a site-to-site VPN on the {d}", "Connect two offices securely with the built-in IPsec VPN of the {d}.", ("router",), ((), ())),
    ("installation", "lte", "Setting up LTE fail-over on the {d}", "Keep the office online over LTE when the fixed line fails.", ("router", "gateway"), ((), ())),
    ("installation", "vlan", "Setting up VLANs on the {d}", "Separate office, guest and phone traffic with VLANs on the {d}.", ("switch",), ((), ())),
    ("installation", "poe", "Planning the PoE power budget of the {d}", "How many cameras, phones and access points the {d} can power.", ("switch",), ((), ())),
    ("installation", "lacp", "Link aggregation (LACP) on the {d}", "Bundle two or more ports of the {d} for more bandwidth and redundancy.", ("switch",), ((), ())),
    ("installation", "sensors", "Connecting field sensors to the {d}", "Wire RS-485 sensors to the {d} and check the readings.", ("gateway",), ((), ())),
    ("installation", "mqtt", "Sending measurements from the {d} over MQTT", "Publish sensor values from the {d} to your MQTT broker with TLS.", ("gateway",), ((), ())),
    ("firmware", "update", "Updating the firmware of the {d}", "Install the latest firmware on the {d} safely, with a way back.", None, ((), ())),
    ("firmware", "rollback", "Rolling back a firmware update on the {d}", "Return the {d} to the previous firmware when an update causes trouble.", None, ((), ())),
    ("firmware", "auto-update", "Scheduling automatic firmware updates on the {d}", "Let the {d} install security updates at night, at a time you choose.", None, ((), ())),
    ("firmware", "release-notes", "Firmware {fw} for the {d}: release notes", "What is new and fixed in firmware {fw} for the {d}.", None, ((), ())),
    ("firmware", "verify", "Checking the firmware version and checksum of the {d}", "Make sure the {d} runs genuine firmware, and which version.", None, ((), ())),
    ("firmware", "recovery", "Recovering the {d} after a failed update", "Bring back a {d} that does not start after an interrupted update.", None, ((), ("technician",))),
    ("troubleshooting", "no-power", "The {d} does not power on", "No LEDs at all: check the power supply, the cable and the fuse.", None, ((), ())),
    ("troubleshooting", "leds", "What the LEDs of the {d} mean", "Read the state of the {d} from its front panel.", None, ((), ())),
    ("troubleshooting", "factory-reset", "Resetting the {d} to factory settings", "Erase the configuration of the {d} and start again.", None, ((), ())),
    ("troubleshooting", "slow", "Slow throughput through the {d}", "Find out why traffic through the {d} is slower than it should be.", None, ((), ())),
    ("troubleshooting", "drops", "The {d} drops its connection every few hours", "Typical causes of a connection that comes and goes, and how to find them.", None, ((), ())),
    ("troubleshooting", "web-ui", "The web interface of the {d} does not open", "When the browser cannot reach the management interface of the {d}.", None, ((), ())),
    ("troubleshooting", "diagnostics", "Collecting a diagnostic report from the {d}", "Gather the logs our support needs, on site, in five minutes.", None, ((), ("technician",))),
    ("troubleshooting", "overheating", "The {d} gets hot or shuts down", "Overheating protection, and how to give the {d} the air it needs.", None, ((), ())),
    ("troubleshooting", "dns", "Devices behind the {d} cannot resolve names", "Web pages do not open although the {d} is online: check DNS.", ("router", "gateway"), ((), ())),
    ("troubleshooting", "loop", "Finding a network loop with the {d}", "Storm control and spanning tree help you find a loop in minutes.", ("switch",), ((), ())),
    ("warranty", "terms-nordics", "Warranty terms for the {d} in the Nordics", "Warranty periods and how to make a claim in Finland, Sweden and Norway.", None, (("nordics",), ())),
    ("warranty", "terms-dach", "Warranty terms for the {d} in Germany and Austria", "Statutory and commercial warranty for the {d} in the DACH region.", None, (("dach",), ())),
    ("warranty", "rma", "Returning a faulty {d} (RMA)", "Ask for a return authorisation and send the {d} to our service centre.", None, ((), ())),
    ("warranty", "extended", "Extending the warranty of the {d}", "Extended warranty and advance replacement for business-critical sites.", None, ((), ("purchaser",))),
    ("warranty", "spare-parts", "Ordering spare parts for the {d}", "Power supplies, antennas and mounting kits for the {d}.", None, ((), ("purchaser",))),
    ("safety", "electrical", "Electrical safety instructions for the {d}", "Read these instructions before you connect the {d} to mains power.", None, ((), ())),
    ("safety", "ventilation", "Operating temperature and ventilation of the {d}", "The temperature and humidity the {d} is made for.", None, ((), ())),
    ("safety", "disposal", "Recycling and disposing of the {d} (WEEE)", "The {d} is electronic waste: how to return it for recycling.", None, ((), ())),
    ("safety", "declaration", "EU declaration of conformity for the {d}", "The directives and standards the {d} meets.", None, ((), ())),
]  # fmt: skip

STEPS = {
    "installation": [
        "Check that you have the power supply, an Ethernet cable and a laptop.",
        "Place the {d} where it will be used and connect the power supply.",
        "Connect the laptop to a LAN port and wait until the status LED is green.",
        "Open https://{ip} in a browser and sign in with the password on the label.",
        "Change the admin password and save the configuration.",
    ],
    "firmware": [
        "Download the firmware file for the {d} from the Documents page of this portal.",
        "Back up the configuration of the {d} (System → Backup).",
        "Open System → Firmware and choose the downloaded file.",
        "Start the update and wait: the {d} restarts by itself after 3–5 minutes.",
        "Sign in again and check the version on the status page.",
    ],
    "troubleshooting": [
        "Look at the LEDs on the front panel and write down what they show.",
        "Restart the {d} by switching the power off for ten seconds.",
        "Connect a laptop directly to the {d} and test again without other devices.",
        "Collect the system log (Status → Log → Download).",
        "If the problem stays, open a support request and attach the log.",
    ],
    "warranty": [
        "Find the serial number on the label under the {d}.",
        "Keep the invoice or delivery note at hand: it shows the date of purchase.",
        "Describe the fault and what you have already tried.",
        "Open a support request with the serial number; we reply within one working day.",
    ],
    "safety": [
        "Use only the power supply delivered with the {d}.",
        "Keep the ventilation openings free and do not stack devices directly on top of each other.",
        "Disconnect the power before you open the case or change modules.",
        "Do not install the {d} outdoors or in damp rooms without a rated enclosure.",
    ],
}
CALLOUTS = {
    "installation": ("tip", "Write the new admin password down in your password manager before you save it."),
    "firmware": ("warning", "Do not switch the {d} off while the firmware is being written. An interrupted update can leave the device unable to start."),
    "troubleshooting": ("note", "Most connection problems are caused by a cable or the power supply. Change them first: it takes a minute."),
    "warranty": ("note", "Damage caused by lightning, water or a wrong power supply is not covered by the warranty."),
    "safety": ("warning", "Only a qualified electrician may connect the {d} to a fixed mains installation."),
}  # fmt: skip
CODE = {
    "router": ("shell", "ssh admin@{ip}\nshow version\nshow interfaces wan\nshow log last 50"),
    "switch": ("shell", "ssh admin@{ip}\nshow version\nshow interfaces status\nshow spanning-tree"),
    "gateway": ("shell", "ssh admin@{ip}\nshow version\nshow modbus devices\nshow mqtt status"),
}
TABLES = {
    "installation": [["Item", "Value"], ["Default address", "{ip}"], ["Ports", "{ports}"], ["Default user", "admin"]],
    "firmware": [["Version", "Released", "Notes"], ["{fw}", "2027-01", "Current, recommended"], ["3.1.9", "2026-09", "Security fixes"], ["3.0.2", "2026-03", "Long-term support"]],
    "troubleshooting": [["LED", "State", "Meaning"], ["Power", "Green", "Powered and running"], ["Status", "Amber, blinking", "Starting or updating"], ["Status", "Red", "Fault: see the log"], ["WAN / Uplink", "Off", "No link: check the cable"]],
    "warranty": [["Region", "Warranty", "Extended"], ["Nordics", "2 years", "up to 5 years"], ["DACH", "2 years", "up to 5 years"], ["Other", "1 year", "up to 3 years"]],
    "safety": [["Condition", "Allowed range"], ["Operating temperature", "0 … 40 °C"], ["Storage temperature", "−20 … 70 °C"], ["Humidity", "10 … 90 %, not condensing"]],
}  # fmt: skip
CLOSING = (
    "<p>Did this not solve it? Ask in the community, where other technicians share what "
    "worked for them, or open a support request from your account.</p>"
)

# Finnish (Finland, R-series) and German (DACH, S-series): slug, title, summary, category
FINNISH_DEVICES = [("r100", "R100", "router-r100"), ("r200", "R200", "router-r200")]
FINNISH_TOPICS = [
    ("kayttoonotto", "{d}:n käyttöönotto", "Kytke virta ja kannettava tietokone ja ota {d} käyttöön ensimmäistä kertaa.", "installation"),
    ("asennus-seinalle", "{d}:n asentaminen seinälle tai räkkiin", "Kiinnitä laite tukevasti ja jätä tilaa ilmanvaihdolle ja kaapeleille.", "installation"),
    ("wlan", "Langattoman verkon asetukset: {d}", "Valitse verkon nimi, salaus ja kanavat.", "installation"),
    ("vpn", "Toimipisteiden välinen VPN: {d}", "Yhdistä kaksi toimipistettä turvallisesti sisäänrakennetulla IPsec-VPN:llä.", "installation"),
    ("4g-varayhteys", "4G-varayhteyden määrittäminen: {d}", "Pidä toimisto verkossa 4G-yhteyden avulla, kun kiinteä liittymä katkeaa.", "installation"),
    ("varmuuskopio", "{d}:n asetusten varmuuskopiointi", "Tallenna asetukset, niin korvaava laite on käytössä minuuteissa.", "installation"),
    ("paivitys", "{d}:n laiteohjelmiston päivittäminen", "Asenna uusin laiteohjelmisto turvallisesti ja niin, että paluu on mahdollinen.", "firmware"),
    ("palautus", "Laiteohjelmiston palauttaminen edelliseen versioon: {d}", "Palaa edelliseen versioon, jos päivitys aiheuttaa ongelmia.", "firmware"),
    ("merkkivalot", "{d}:n merkkivalojen merkitys", "Näin luet laitteen tilan etupaneelin valoista.", "troubleshooting"),
    ("tehdasasetukset", "{d}:n palauttaminen tehdasasetuksiin", "Tyhjennä asetukset ja aloita alusta.", "troubleshooting"),
    ("yhteyskatkot", "Yhteys katkeilee muutaman tunnin välein: {d}", "Tavallisimmat syyt katkeilevaan yhteyteen ja niiden selvittäminen.", "troubleshooting"),
    ("hidas-yhteys", "Hidas tiedonsiirto: {d}", "Selvitä, miksi liikenne kulkee laitteen läpi odotettua hitaammin.", "troubleshooting"),
    ("takuu", "Takuu ja huolto Suomessa: {d}", "Takuuajat ja takuukorjauksen tilaaminen Suomessa.", "warranty"),
    ("turvallisuus", "Turvallisuusohjeet: {d}", "Lue nämä ohjeet ennen kuin kytket laitteen sähköverkkoon.", "safety"),
    ("kierratys", "{d}:n kierrättäminen", "Laite on sähkö- ja elektroniikkaromua: näin palautat sen kierrätykseen.", "safety"),
]  # fmt: skip
FINNISH_STEPS = [
    "Tarkista, että sinulla on virtalähde, verkkokaapeli ja kannettava tietokone.",
    "Kytke kannettava tietokone LAN-porttiin ja odota, että tilavalo palaa vihreänä.",
    "Avaa selaimessa osoite https://{ip} ja kirjaudu tarran salasanalla.",
    "Tee muutokset ja tallenna asetukset.",
    "Tarkista lopuksi tilasivulta, että kaikki toimii.",
]
FINNISH_CALLOUT = ("warning", "Älä katkaise laitteesta virtaa päivityksen aikana. Keskeytynyt päivitys voi estää laitteen käynnistymisen.")  # fmt: skip
FINNISH_CLOSING = (
    "<p>Eikö tämä auttanut? Kysy yhteisössä tai tee tukipyyntö oman tilisi kautta.</p>"
)

GERMAN_DEVICES = [("s10", "S10", "switch-s10"), ("s-serie", "Switches der S-Serie", "switch-s")]
GERMAN_TOPICS = [
    ("inbetriebnahme", "{d}: Erste Inbetriebnahme", "Strom und Laptop anschließen und das Gerät zum ersten Mal einrichten.", "installation"),
    ("rackmontage", "{d}: Montage im 19-Zoll-Rack", "Das Gerät sicher befestigen und Platz für Luft und Kabel lassen.", "installation"),
    ("vlan", "{d}: VLANs einrichten", "Büro-, Gäste- und Telefonverkehr mit VLANs trennen.", "installation"),
    ("poe-budget", "{d}: PoE-Leistungsbudget planen", "Wie viele Kameras, Telefone und Access Points das Gerät versorgen kann.", "installation"),
    ("lacp", "{d}: Link-Aggregation (LACP) einrichten", "Mehrere Ports bündeln – für mehr Bandbreite und Ausfallsicherheit.", "installation"),
    ("snmp", "{d}: Überwachung mit SNMP", "Den Zustand des Geräts mit SNMPv3 an Ihr Monitoring melden.", "installation"),
    ("sicherung", "{d}: Konfiguration sichern und wiederherstellen", "Mit einer Sicherung läuft ein Ersatzgerät in wenigen Minuten.", "installation"),
    ("firmware-update", "{d}: Firmware aktualisieren", "Die neueste Firmware sicher installieren – mit einem Weg zurück.", "firmware"),
    ("werkseinstellungen", "{d}: Auf Werkseinstellungen zurücksetzen", "Die Konfiguration löschen und neu beginnen.", "troubleshooting"),
    ("led-anzeigen", "{d}: Bedeutung der LED-Anzeigen", "Den Zustand des Geräts an der Frontblende ablesen.", "troubleshooting"),
    ("netzwerkschleife", "{d}: Netzwerkschleifen finden", "Storm Control und Spanning Tree helfen, eine Schleife in Minuten zu finden.", "troubleshooting"),
    ("langsam", "{d}: Langsame Übertragung – Ursachen finden", "Herausfinden, warum der Datenverkehr langsamer ist als erwartet.", "troubleshooting"),
    ("garantie", "{d}: Garantie und Rücksendung in Deutschland und Österreich", "Gesetzliche Gewährleistung, Herstellergarantie und der Weg zur Reparatur.", "warranty"),
    ("sicherheit", "{d}: Sicherheitshinweise", "Bitte vor dem Anschluss an das Stromnetz lesen.", "safety"),
    ("entsorgung", "{d}: Entsorgung nach ElektroG und WEEE", "Das Gerät ist Elektroschrott: So geben Sie es zum Recycling zurück.", "safety"),
]  # fmt: skip
GERMAN_STEPS = [
    "Legen Sie Netzteil, Netzwerkkabel und einen Laptop bereit.",
    "Verbinden Sie den Laptop mit einem LAN-Port und warten Sie, bis die Status-LED grün leuchtet.",
    "Öffnen Sie https://{ip} im Browser und melden Sie sich mit dem Passwort vom Typenschild an.",
    "Nehmen Sie die Änderungen vor und speichern Sie die Konfiguration.",
    "Prüfen Sie zum Schluss auf der Statusseite, ob alles funktioniert.",
]
GERMAN_CALLOUT = ("warning", "Schalten Sie das Gerät während des Updates nicht aus. Ein unterbrochenes Update kann dazu führen, dass es nicht mehr startet.")  # fmt: skip
GERMAN_CLOSING = "<p>Hat das nicht geholfen? Fragen Sie in der Community oder stellen Sie eine Supportanfrage über Ihr Konto.</p>"  # fmt: skip

# Plain help for everyone and for partners: section, slug, title, summary, audience
GENERAL = [
    ("getting-started/account", "change-email", "Changing the e-mail address of your account", "Your e-mail address is your user name: how to change it safely.", ((), (), ())),
    ("getting-started/account", "language", "Choosing the language of the portal", "The portal speaks English, Finnish and German.", ((), (), ())),
    ("getting-started/account", "sessions", "Seeing and ending your sessions", "Sign out of a computer you no longer use, from anywhere.", ((), (), ())),
    ("getting-started/account", "notifications", "Choosing which e-mails you get", "Immediate e-mails, a daily digest, or nothing at all.", ((), (), ())),
    ("getting-started/account", "colleagues", "Inviting a colleague to the portal", "Your company's admin contact can invite colleagues.", ((), (), ("purchaser",))),
    ("getting-started/account", "company-details", "Keeping your company details up to date", "Addresses, offices and billing details in one place.", ((), (), ("purchaser",))),
    ("getting-started/portal", "search-tips", "Finding answers faster with search", "Filters, exact phrases and what the search looks at.", ((), (), ())),
    ("getting-started/portal", "community-rules", "How the community works", "Asking good questions, accepting answers and being kind.", ((), (), ())),
    ("getting-started/portal", "support-requests", "Opening a support request", "What to include so that we can help at the first reply.", ((), (), ())),
    ("getting-started/portal", "documents", "Downloading manuals and brochures", "The document library shows the material for your products.", ((), (), ())),
    ("partners/sales", "deal-registration", "Registering a deal", "Register a project early and keep the partner discount.", ((), (), ("partner",))),
    ("partners/sales", "demo-units", "Ordering demo units", "Partners can order one demo unit of each product at cost.", ((), (), ("partner",))),
    ("partners/sales", "marketing-material", "Using our logos and marketing material", "Brand rules, logos and product photos for your campaigns.", ((), (), ("partner",))),
    ("partners/sales", "dach-pricing", "Partner prices in Germany and Austria", "Net prices, volume tiers and payment terms in DACH.", ((), ("dach",), ("partner",))),
    ("partners/certification", "certified-installer", "Becoming a certified installer", "Two days of training and an exam: what you learn.", ((), (), ("partner",))),
    ("partners/certification", "renewal", "Renewing your certification", "Certifications are valid for two years.", ((), (), ("partner",))),
]  # fmt: skip

# section path, title, intro, audience
HELP_SECTIONS = [
    ("gateways", "Gateways", "G-series gateways for sensors and remote sites.", (("gateway-g",), (), ())),
    ("routers/r100", "R100", "The compact router for small offices.", (("router-r100",), (), ())),
    ("routers/r200", "R200", "The branch-office router with VPN and LTE fail-over.", (("router-r200",), (), ())),
    ("switches/s10", "S10", "The 24-port PoE+ switch.", (("switch-s10",), (), ())),
    ("switches/s-series", "All S-series switches", "Help that applies to every S-series switch.", ((), (), ())),
    ("getting-started/account", "Your account", "Signing in, security and your settings.", ((), (), ())),
    ("getting-started/portal", "Using the portal", "Search, the community, documents and support.", ((), (), ())),
    ("partners/sales", "Sales", "Deals, demo units and marketing.", ((), (), ())),
    ("partners/certification", "Certification", "Training and certification for partners.", ((), (), ())),
    ("suomeksi", "Ohjeet suomeksi", "R-sarjan reitittimien ohjeet suomeksi.", (("router-r",), ("finland",), ())),
    ("auf-deutsch", "Anleitungen auf Deutsch", "Anleitungen für die Switches der S-Serie.", (("switch-s",), ("dach",), ())),
]  # fmt: skip


def _help_body(*, kind, category, d, ip, fw, ports, summary, steps, callout, closing):
    fill = {"d": d, "ip": ip, "fw": fw, "ports": ports}
    code_language, code = CODE[kind]
    callout_kind, callout_text = callout
    body = [
        ("paragraph", f"<p>{summary}</p>"),
        ("heading", {"en": "Steps", "fi": "Vaiheet", "de": "Schritte"}[_LANG.get(closing, "en")]),
        ("paragraph", "<ol>" + "".join(f"<li>{s.format(**fill)}</li>" for s in steps) + "</ol>"),
        ("callout", {"kind": callout_kind, "text": f"<p>{callout_text.format(**fill)}</p>"}),
    ]
    if category in ("installation", "firmware", "troubleshooting"):
        body.append(("code", {"language": code_language, "code": code.format(**fill)}))
    table = [[cell.format(**fill) for cell in row] for row in TABLES[category]]
    body.append(
        ("table", {"first_row_is_table_header": True, "first_col_is_header": False, "data": table})
    )
    body.append(("paragraph", closing))
    return body


_LANG = {CLOSING: "en", FINNISH_CLOSING: "fi", GERMAN_CLOSING: "de"}


def _help_articles():
    """Every article of the help centre: (section path, slug, title, summary, audience,
    body builder arguments, tags, language). Deterministic."""
    for slug, name, family, product, ip, fw, ports in DEVICES:
        kind = KIND[family]
        base = family if family == "gateways" else f"{family}/{slug}"
        for category, topic, title, summary, kinds, (regions, roles) in TOPICS:
            if kinds is not None and kind not in kinds:
                continue
            fill = {"d": name, "fw": fw}
            summary_text = summary.format(**fill)
            yield (
                f"{base}/{category}",
                f"{slug}-{topic}",
                title.format(**fill),
                summary_text,
                ((product,), regions, roles),
                dict(
                    kind=kind, category=category, d=name, ip=ip, fw=fw, ports=ports,
                    summary=summary_text, steps=STEPS[category], callout=CALLOUTS[category],
                    closing=CLOSING,
                ),
                [category, kind],
                "en",
            )  # fmt: skip
    for devices, topics, steps, callout, closing, section, lang_tag, ip, kind in (
        (FINNISH_DEVICES, FINNISH_TOPICS, FINNISH_STEPS, FINNISH_CALLOUT, FINNISH_CLOSING,
         "suomeksi", "suomeksi", "192.168.1.1", "router"),
        (GERMAN_DEVICES, GERMAN_TOPICS, GERMAN_STEPS, GERMAN_CALLOUT, GERMAN_CLOSING,
         "auf-deutsch", "deutsch", "192.168.0.10", "switch"),
    ):  # fmt: skip
        language = _LANG[closing]
        for slug, name, product in devices:
            for topic, title, summary, category in topics:
                summary_text = summary.format(d=name)
                yield (
                    section,
                    f"{slug}-{topic}",
                    title.format(d=name),
                    summary_text,
                    ((product,), (), ()),
                    dict(
                        kind=kind, category=category, d=name, ip=ip, fw="", ports="",
                        summary=summary_text, steps=steps, callout=callout, closing=closing,
                    ),
                    [lang_tag, category],
                    language,
                )  # fmt: skip
    for section, slug, title, summary, aud in GENERAL:
        yield (
            section,
            slug,
            title,
            summary,
            aud,
            None,
            [section.split("/")[0]],
            "en",
        )


def _tree_pages(root) -> dict[str, int]:
    """Every page below the knowledge root by its path ("routers/r100/firmware"), one query."""
    base = root.url_path
    return {
        url_path[len(base) :].strip("/"): pk
        for pk, url_path in Page.objects.descendant_of(root).values_list("pk", "url_path")
    }


def _terms(model, slugs) -> list:
    return [model.objects.get(slug=s) for s in slugs]


def seed_help_centre(*, stdout, full: bool) -> int:
    """The help centre's sections and articles; the full set (~260 articles) with `full`,
    else a sample of every kind (sections, languages, audiences), enough for the tests.
    Creates only what is missing. Returns how many articles it created."""
    root = knowledge_root()
    existing = _tree_pages(root)
    parents: dict[str, Page] = {}
    terms: dict[tuple, tuple] = {}

    def audience_of(aud):
        if aud not in terms:
            products, regions, roles = aud
            terms[aud] = (
                [p for p in Product.objects.filter(slug__in=products)],
                [r for r in Region.objects.filter(slug__in=regions)],
                [r for r in Role.objects.filter(slug__in=roles)],
            )
        return terms[aud]

    def add(parent_path, page, aud, tags=()):
        page.live, page.has_unpublished_changes = True, False
        page.first_published_at = page.last_published_at = timezone.now()
        page.audience_products, page.audience_regions, page.audience_roles = audience_of(aud)
        parent = parent_of(parent_path)
        parent.add_child(instance=page)
        if tags:
            page.tags.set(tags)
            page.save(update_fields=[])  # commits the tags (modelcluster)
        return page

    def parent_of(path):
        if path == "":
            return root
        if path not in parents:
            if path in existing:
                parents[path] = Page.objects.get(pk=existing[path]).specific
            else:
                parents[path] = section_for(path)
        return parents[path]

    sections = {path: (title, intro, aud) for path, title, intro, aud in HELP_SECTIONS}
    category_names = {slug: (title, intro) for slug, title, intro in CATEGORIES}

    def section_for(path):
        parent_path, _, slug = path.rpartition("/")
        if path in sections:
            title, intro, aud = sections[path]
        else:
            title, intro = category_names[slug]
            aud = ((), (), ())
        page = add(parent_path, SectionPage(title=title, slug=slug, intro=intro), aud)
        existing[path] = page.pk
        return page

    tags: dict[str, Tag] = {}

    def tag(name):
        if name not in tags:
            tags[name] = Tag.objects.get_or_create(name=name, defaults={"slug": name})[0]
        return tags[name]

    today = timezone.localdate()
    created = 0
    relabel: dict[str, list[int]] = {}
    articles = enumerate(_help_articles())
    for n, (section, slug, title, summary, aud, body, tag_names, language) in articles:
        if not full and n % 12:
            continue  # the sample: every twelfth article (all kinds, both languages)
        if f"{section}/{slug}" in existing:
            if language != "en":
                relabel.setdefault(language, []).append(existing[f"{section}/{slug}"])
            continue
        blocks = _help_body(**body) if body else [("paragraph", f"<p>{summary}</p>" + CLOSING)]
        page = ArticlePage(
            title=title,
            slug=slug,
            language=language,
            summary=summary,
            body=blocks,
            last_reviewed=today - datetime.timedelta(days=3 + (n * 7) % 400),
        )
        add(section, page, aud, [tag(t) for t in tag_names])
        created += 1
    # Finnish and German articles seeded before pages had a language: said once, and saved so
    # that the search index and the page cache hear of it.
    for language, ids in relabel.items():
        for page in ArticlePage.objects.filter(pk__in=ids).exclude(language=language):
            page.language = language
            page.save(update_fields=["language"])
    stdout.write(f"Knowledge: help centre with {created} new articles.")
    return created


# --- Editors and the moderation workflow -----------------------------------------------------


def seed_workflow(*, stdout) -> None:
    """Draft → review → publish for the knowledge hub: Wagtail's "Moderators approval"
    workflow (its group approval task, approved by the Moderators group: Maria; Sam as a
    superuser can approve anything) assigned to the knowledge root. Editors (Erik) may add and
    change pages there but not publish, so their work goes through review; both groups may
    upload and choose our documents and images."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.images import get_image_model
    from wagtail.models import (
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    root = knowledge_root()
    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    workflow, _ = Workflow.objects.get_or_create(
        name="Moderators approval", defaults={"active": True}
    )
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name="Moderators approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.add(moderators)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})

    def page_permission(group, codename):
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)

    for codename in ("add_page", "change_page"):
        page_permission(editors, codename)
    for codename in ("add_page", "change_page", "publish_page"):
        page_permission(moderators, codename)

    collection = Collection.get_first_root_node()
    for model in (Document, get_image_model()):
        content_type = ContentType.objects.get_for_model(model)
        name = model._meta.model_name
        for action in ("add", "change", "choose"):
            permission = Permission.objects.filter(
                content_type=content_type, codename=f"{action}_{name}"
            ).first()
            if permission is None:
                continue
            for group in (editors, moderators):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )
    stdout.write("Knowledge: moderation workflow on the knowledge root.")
