"""Fill the .po files: English strings are their own translation; French ones come from a table.

Usage: python scripts/fill_translations.py TABLE.py
TABLE.py defines FR = {msgid: msgstr, (msgid, plural_index): msgstr}; a string with a context
is keyed "context\x04msgid", as gettext does. Entries not in the table are left as they are, so
the completeness test shows what is still missing.
"""

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def set_header(po, language: str) -> None:
    po.metadata.update(
        {
            "Project-Id-Version": "cycle-portal",
            "Language": language,
            "Language-Team": f"{language} <noreply@example.org>",
            "Last-Translator": "Cycle portal team <noreply@example.org>",
            "PO-Revision-Date": po.metadata.get("POT-Creation-Date", ""),
        }
    )


def fill_english(path: Path) -> None:
    po = polib.pofile(str(path))
    set_header(po, "en")
    for entry in po:
        # The source strings are English: each is its own translation, never a fuzzy guess.
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def fill_french(path: Path, table: dict) -> None:
    po = polib.pofile(str(path))
    set_header(po, "fr")
    for entry in po:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        # A fuzzy guess of makemessages stays fuzzy (and fails the tests) until the table says.
        if entry.msgid_plural:
            forms = {i: table.get((key, i)) for i in (0, 1)}
            if not all(forms.values()):
                continue
            entry.msgstr_plural = forms
        elif key in table:
            entry.msgstr = table[key]
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


if __name__ == "__main__":
    table = runpy.run_path(sys.argv[1])["FR"] if len(sys.argv) > 1 else {}
    fill_english(ROOT / "locale/en/LC_MESSAGES/django.po")
    fill_french(ROOT / "locale/fr/LC_MESSAGES/django.po", table)
