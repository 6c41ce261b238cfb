"""A small PDF writer for invoice copies: text in the standard Helvetica fonts, A4 pages.

Enough for an invoice (headings, facts, a table of lines, totals) with no dependency: the
standard 14 fonts need no embedding, and WinAnsi encoding covers Finnish and German letters.
Characters outside it print as "?".
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

A4 = (595, 842)
MARGIN = 50
# Helvetica glyph widths (1/1000 em) for what right-aligned numbers contain.
_NUMBER_WIDTHS = {**dict.fromkeys("0123456789", 556), ".": 278, ",": 278, " ": 278, "-": 333}
_NBSP = "\u00a0"


def _escape(text: str) -> bytes:
    raw = text.replace(_NBSP, " ").encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def number_width(text: str, size: float) -> float:
    return sum(_NUMBER_WIDTHS.get(ch, 556) for ch in text) * size / 1000


@dataclass
class Canvas:
    pages: list[list[bytes]] = field(default_factory=lambda: [[]])
    y: float = A4[1] - MARGIN

    def text(self, x: float, text: str, *, size: float = 10, bold: bool = False) -> None:
        font = b"/F2" if bold else b"/F1"
        self.pages[-1].append(
            b"BT %s %.1f Tf %.1f %.1f Td (%s) Tj ET" % (font, size, x, self.y, _escape(text[:200]))
        )

    def right(self, x_right: float, text: str, *, size: float = 10, bold: bool = False) -> None:
        self.text(x_right - number_width(text, size), text, size=size, bold=bold)

    def rule(self) -> None:
        self.pages[-1].append(
            b"%.1f %.1f m %.1f %.1f l 0.5 w S" % (MARGIN, self.y, A4[0] - MARGIN, self.y)
        )

    def down(self, amount: float) -> None:
        self.y -= amount
        if self.y < MARGIN:
            self.pages.append([])
            self.y = A4[1] - MARGIN

    def render(self) -> bytes:
        objects: list[bytes] = []
        page_ids = []
        first_page = 5
        for i, ops in enumerate(self.pages):
            stream = b"\n".join(ops)
            page_ids.append(first_page + 2 * i)
            objects.append(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
                % (A4[0], A4[1], first_page + 2 * i + 1)
            )
            objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
        head = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids)),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
            b"/Encoding /WinAnsiEncoding >>",
        ]
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(head + objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(offsets) + 1,
            xref,
        )
        return bytes(out)


def _money(value, currency: str) -> str:
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} {currency}"


def invoice_pdf(invoice, *, portal_name: str) -> bytes:
    """The invoice as a PDF in the active language: number, reference, dates, lines, totals,
    and the payment link when there is one. `invoice.lines` should be prefetched."""
    c = Canvas()
    right = A4[0] - MARGIN
    c.text(MARGIN, portal_name, size=9)
    c.down(28)
    c.text(MARGIN, _("Invoice %(number)s") % {"number": invoice.number}, size=18, bold=True)
    c.down(26)
    org = invoice.organisation
    for line in (
        org.name,
        org.billing_street,
        f"{org.billing_postal_code} {org.billing_city}".strip(),
        org.billing_country,
    ):
        if line:
            c.text(MARGIN, line)
            c.down(14)
    c.down(10)
    facts = [
        (_("Invoice date"), formats.date_format(invoice.issued_on, "SHORT_DATE_FORMAT")),
        (_("Due date"), formats.date_format(invoice.due_on, "SHORT_DATE_FORMAT")),
        (_("Reference number"), invoice.reference or "—"),
        (_("Status"), str(invoice.display_state_label)),
    ]
    if invoice.order_id:
        facts.append((_("Order"), invoice.order.number))
    for label, value in facts:
        c.text(MARGIN, label, bold=True)
        c.text(MARGIN + 130, value)
        c.down(14)
    c.down(14)
    columns = (right - 190, right - 120, right - 70, right)
    c.text(MARGIN, _("Description"), bold=True)
    for x, label in zip(
        columns, (_("Quantity"), _("Unit price"), _("VAT %"), _("Amount")), strict=True
    ):
        c.text(x - len(label) * 5.6, label, bold=True)
    c.down(6)
    c.rule()
    c.down(14)
    for line in invoice.lines.all():
        c.text(MARGIN, line.description[:60])
        c.right(columns[0], formats.number_format(line.quantity.normalize(), use_l10n=True))
        c.right(columns[1], formats.number_format(line.unit_price, 2, use_l10n=True))
        c.right(columns[2], formats.number_format(line.tax_rate.normalize(), use_l10n=True))
        c.right(columns[3], formats.number_format(line.net_amount, 2, use_l10n=True))
        c.down(14)
    c.rule()
    c.down(16)
    for label, value, bold in (
        (_("Net total"), invoice.net_total, False),
        (_("Tax"), invoice.tax_total, False),
        (_("Total"), invoice.gross_total, True),
    ):
        c.text(right - 250, label, bold=bold)
        c.right(right, _money(value, invoice.currency), bold=bold)
        c.down(14)
    if invoice.payment_url and invoice.status == invoice.Status.UNPAID:
        c.down(14)
        c.text(MARGIN, _("Pay online:"), bold=True)
        c.down(14)
        c.text(MARGIN, invoice.payment_url, size=9)
    return c.render()
