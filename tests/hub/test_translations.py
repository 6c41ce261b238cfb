"""The Finnish and German catalogues are complete, compiled, and used.

`make messages` regenerates the .po files and compiles the .mo files, which are committed (a
user's machine needs no gettext). These tests fail when a string is left untranslated or fuzzy,
or when a .po was edited without compiling it again.
"""

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["fi", "de"]


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the entries of a .po file (obsolete `#~` entries are skipped)."""
    entries: list[Entry] = []
    entry, key = Entry(), None

    def finish() -> None:
        nonlocal entry, key
        if entry.msgstr:
            entries.append(entry)
        entry, key = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if entry.msgstr:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            if entry.msgstr:
                finish()
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key == "msgid":
                entry.msgid += value
            elif key == "msgid_plural":
                entry.msgid_plural += value
            elif key == "msgctxt":
                entry.msgctxt += value
            elif isinstance(key, int):
                entry.msgstr[key] += value
            else:
                raise AssertionError(f"{path}:{number}: continuation without a keyword")
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            if keyword == "msgctxt":
                entry.msgctxt, key = value, "msgctxt"
            elif keyword == "msgid":
                entry.msgid, entry.line, key = value, number, "msgid"
            elif keyword == "msgid_plural":
                entry.msgid_plural, key = value, "msgid_plural"
            elif keyword == "msgstr":
                entry.msgstr[0], key = value, 0
            elif keyword.startswith("msgstr[") and keyword.endswith("]"):
                index = int(keyword[len("msgstr[") : -1])
                entry.msgstr[index], key = value, index
            else:
                raise AssertionError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def _po(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def _mo(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.mo"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_names_language_plurals_and_charset(lang):
    header, entries = parse_po(_po(lang))
    text = header.msgstr[0]
    assert f"Language: {lang}\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "fuzzy" not in header.flags
    assert entries, f"{_po(lang)} has no entries"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    _header, entries = parse_po(_po(lang))
    problems = []
    for e in entries:
        where = f"{_po(lang).name}:{e.line} {e.msgid!r}"
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {where}")
        expected = 2 if e.msgid_plural is not None else 1
        if len(e.msgstr) != expected or not all(e.msgstr.values()):
            problems.append(f"untranslated: {where}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_po(lang):
    """Every .po entry is in the committed .mo with the same translation (run `make messages`
    after editing a .po)."""
    _header, entries = parse_po(_po(lang))
    with _mo(lang).open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    stale = []
    for e in entries:
        if e.msgid_plural is None:
            got = [mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)]
        elif e.msgctxt is None:
            got = [mo.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
        else:
            got = [mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) for n in (1, 2)]
        if got != [e.msgstr[i] for i in sorted(e.msgstr)]:
            stale.append(f"{e.msgid!r}: .mo has {got!r}")
    assert not stale, f"{_mo(lang)} is out of date:\n" + "\n".join(stale)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ["Kieli", "Siirry sisältöön", "Kirjaudu sisään"]),
        ("de", ["Sprache", "Zum Inhalt springen", "Anmelden"]),
    ],
)
def test_sign_in_page_in_the_language_of_the_cookie(client, lang, words):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html
    assert ">Language<" not in html
