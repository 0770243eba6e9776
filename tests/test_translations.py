"""French and English catalogues are complete and their compiled files match."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_is_complete(po_path):
    po = polib.pofile(str(po_path))

    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_matches_its_source(po_path):
    po = polib.pofile(str(po_path))
    with open(po_path.with_suffix(".mo"), "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)

    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        if entry.msgctxt:  # a string with a context ({% translate "Search" context "verb" %})
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_both_languages_have_a_catalogue():
    assert {p.parts[-3] for p in CATALOGUES} == {"fr", "en"}


def test_english_catalogue_repeats_the_english_source_strings():
    po = polib.pofile(str(Path(settings.BASE_DIR, "locale/en/LC_MESSAGES/django.po")))

    wrong = [e.msgid for e in po if not e.msgid_plural and e.msgstr != e.msgid]

    assert wrong == []


# French typography: a no-break space after « and before » : ; ! ? (an ordinary space there
# lets the line break between the word and its sign).
BREAKABLE_FRENCH_SPACE = re.compile(r"« | [:;!?»]")


def test_french_catalogue_keeps_its_signs_with_their_words():
    po = polib.pofile(str(Path(settings.BASE_DIR, "locale/fr/LC_MESSAGES/django.po")))
    texts = [
        text
        for entry in po
        for text in ([entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values())
    ]

    assert [text for text in texts if BREAKABLE_FRENCH_SPACE.search(text)] == []
