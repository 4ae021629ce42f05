"""The public site's catalogues are complete: every string has its Chinese, none fuzzy."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1] / "tipoff"
CATALOGUES = {
    "locale/zh_Hans/LC_MESSAGES/django.po": [
        "Report misconduct",
        "This form has expired",
        "You are offline",
    ],
    "reports/locale/zh_Hans/LC_MESSAGES/django.po": [
        "How you are protected",
        "Your receipt code",
        "Send report",
    ],
    "reports/locale/zh_Hans/LC_MESSAGES/djangojs.po": ["Draft saved on this device.", "Sending…"],
    "transparency/locale/zh_Hans/LC_MESSAGES/django.po": [
        "Notices of typical cases",
        "Preview: exactly what will be public",
        "Opening hours",
    ],
}


@pytest.mark.parametrize("path", sorted(CATALOGUES))
def test_catalogue_is_fully_translated(path):
    po = polib.pofile(str(ROOT / path))
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    ids = {e.msgid for e in po.translated_entries()}
    for msgid in CATALOGUES[path]:
        assert msgid in ids, msgid
